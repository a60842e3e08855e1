namespace LibraryCluster.Torrents.Bencode;

/// <summary>
/// A strict bencode decoder. It walks the input with an explicit stack (no recursion a hostile
/// file could blow), rejects every non-canonical form, and records each value's raw byte range
/// so that an info-hash is taken over the bytes as they appear in the file.
/// </summary>
public static class BencodeDecoder
{
    public static BValue Decode(ReadOnlyMemory<byte> input, BencodeLimits? limits = null)
    {
        limits ??= BencodeLimits.Default;
        var data = input.Span;
        var stack = new Stack<Frame>();
        BValue? root = null;
        var pos = 0;

        while (root is null)
        {
            if (pos >= data.Length)
            {
                throw new BencodeException(DescribeTruncation(stack), pos);
            }

            var b = data[pos];
            if (stack.TryPeek(out var top) && top.Container is BDictionary && top.PendingKey is null)
            {
                if (b == (byte)'e')
                {
                    root = Close(stack, ref pos);
                    continue;
                }

                if (!IsDigit(b))
                {
                    throw new BencodeException($"expected a dictionary key (a byte string) or 'e', found {DescribeByte(b)}", pos);
                }

                var keyStart = pos;
                var key = ReadString(input, ref pos, limits);
                if (top.LastKey is { } lastKey)
                {
                    var order = key.Span.SequenceCompareTo(lastKey.Span);
                    if (order == 0)
                    {
                        throw new BencodeException($"duplicate dictionary key \"{Printable(key.Span)}\"", keyStart);
                    }

                    if (order < 0 && !limits.AllowUnsortedKeys)
                    {
                        throw new BencodeException($"dictionary key \"{Printable(key.Span)}\" is out of order (keys must be sorted as raw bytes; previous key \"{Printable(lastKey.Span)}\")", keyStart);
                    }
                }

                top.LastKey = key;
                top.PendingKey = key;
                continue;
            }

            BValue? complete;
            switch (b)
            {
                case (byte)'e' when stack.Count > 0:
                    root = Close(stack, ref pos);
                    continue;
                case (byte)'i':
                    complete = ReadInteger(data, ref pos, limits);
                    break;
                case (byte)'l':
                case (byte)'d':
                    if (stack.Count >= limits.MaxDepth)
                    {
                        throw new BencodeException($"nesting deeper than the limit of {limits.MaxDepth}", pos);
                    }

                    stack.Push(new Frame(b == (byte)'l' ? new BList() : new BDictionary(), pos));
                    pos++;
                    continue;
                default:
                    if (!IsDigit(b))
                    {
                        throw new BencodeException($"unexpected {DescribeByte(b)}; expected 'i', 'l', 'd', a digit{(stack.Count > 0 ? " or 'e'" : "")}", pos);
                    }

                    var start = pos;
                    var bytes = ReadString(input, ref pos, limits);
                    complete = new BString(bytes) { Start = start, Length = pos - start };
                    break;
            }

            root = Attach(stack, complete);
        }

        if (pos != data.Length)
        {
            throw new BencodeException($"{data.Length - pos} bytes of trailing data after the end of the top-level value", pos);
        }

        return root;
    }

    /// <summary>Closes the container on top of the stack; returns it when it was the top-level value.</summary>
    private static BValue? Close(Stack<Frame> stack, ref int pos)
    {
        var frame = stack.Pop();
        if (frame.PendingKey is { } key)
        {
            throw new BencodeException($"dictionary key \"{Printable(key.Span)}\" has no value", pos);
        }

        pos++;
        frame.Container.Start = frame.Start;
        frame.Container.Length = pos - frame.Start;
        return Attach(stack, frame.Container);
    }

    /// <summary>Adds a finished value to its parent; returns it when there is no parent.</summary>
    private static BValue? Attach(Stack<Frame> stack, BValue value)
    {
        if (!stack.TryPeek(out var parent))
        {
            return value;
        }

        if (parent.Container is BList list)
        {
            list.Add(value);
        }
        else
        {
            var dictionary = (BDictionary)parent.Container;
            if (!dictionary.TryAddRaw(parent.PendingKey!.Value.Span, value))
            {
                // Only reachable with unsorted keys allowed: sorted keys catch a duplicate at the key.
                throw new BencodeException($"duplicate dictionary key \"{Printable(parent.PendingKey.Value.Span)}\"", value.Start);
            }

            parent.PendingKey = null;
        }

        return null;
    }

    private static BInteger ReadInteger(ReadOnlySpan<byte> data, ref int pos, BencodeLimits limits)
    {
        var start = pos;
        pos++; // 'i'
        var negative = pos < data.Length && data[pos] == (byte)'-';
        if (negative)
        {
            pos++;
        }

        var digitsStart = pos;
        while (pos < data.Length && IsDigit(data[pos]))
        {
            pos++;
            if (pos - digitsStart > limits.MaxIntegerDigits)
            {
                throw new BencodeException($"integer has more than {limits.MaxIntegerDigits} digits", digitsStart);
            }
        }

        if (pos >= data.Length)
        {
            throw new BencodeException("input ends inside an integer; expected digits and 'e'", pos);
        }

        var digits = data[digitsStart..pos];
        if (digits.IsEmpty)
        {
            throw new BencodeException($"integer has no digits; found {DescribeByte(data[pos])}", pos);
        }

        if (data[pos] != (byte)'e')
        {
            throw new BencodeException($"expected 'e' to end the integer, found {DescribeByte(data[pos])}", pos);
        }

        if (digits.Length > 1 && digits[0] == (byte)'0')
        {
            throw new BencodeException("integer has a leading zero", digitsStart);
        }

        if (negative && digits is [(byte)'0'])
        {
            throw new BencodeException("negative zero is not a valid integer", start);
        }

        // Accumulate as a negative number so that long.MinValue fits.
        long value = 0;
        foreach (var d in digits)
        {
            if (value < (long.MinValue + (d - '0')) / 10)
            {
                throw new BencodeException("integer does not fit in 64 bits", digitsStart);
            }

            value = (value * 10) - (d - '0');
        }

        if (!negative)
        {
            if (value == long.MinValue)
            {
                throw new BencodeException("integer does not fit in 64 bits", digitsStart);
            }

            value = -value;
        }

        pos++; // 'e'
        return new BInteger(value) { Start = start, Length = pos - start };
    }

    private static ReadOnlyMemory<byte> ReadString(ReadOnlyMemory<byte> input, ref int pos, BencodeLimits limits)
    {
        var data = input.Span;
        var start = pos;
        long length = 0;
        while (pos < data.Length && IsDigit(data[pos]))
        {
            if (pos - start >= 19)
            {
                throw new BencodeException("string length has too many digits", start);
            }

            length = (length * 10) + (data[pos] - '0');
            pos++;
        }

        if (pos >= data.Length)
        {
            throw new BencodeException("input ends inside a string length; expected digits and ':'", pos);
        }

        if (data[pos] != (byte)':')
        {
            throw new BencodeException($"expected ':' after the string length, found {DescribeByte(data[pos])}", pos);
        }

        if (pos - start > 1 && data[start] == (byte)'0')
        {
            throw new BencodeException("string length has a leading zero", start);
        }

        if (length > limits.MaxStringLength)
        {
            throw new BencodeException($"string length {length} exceeds the limit of {limits.MaxStringLength} bytes", start);
        }

        pos++; // ':'
        var left = data.Length - pos;
        if (length > left)
        {
            throw new BencodeException($"string of {length} bytes runs past the end of the input ({left} bytes left)", start);
        }

        var bytes = input.Slice(pos, (int)length);
        pos += (int)length;
        return bytes;
    }

    private static string DescribeTruncation(Stack<Frame> stack) =>
        stack.TryPeek(out var top)
            ? $"input ends inside a {(top.Container is BList ? "list" : "dictionary")} that began at byte {top.Start}; expected more values or 'e'"
            : "input is empty; expected a bencoded value";

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static string DescribeByte(byte b) =>
        b is >= 0x20 and < 0x7f ? $"'{(char)b}'" : $"byte 0x{b:x2}";

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = System.Text.Encoding.UTF8.GetString(bytes.Length > 64 ? bytes[..64] : bytes);
        return new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
    }

    private sealed class Frame(BValue container, int start)
    {
        public BValue Container { get; } = container;

        public int Start { get; } = start;

        public ReadOnlyMemory<byte>? LastKey { get; set; }

        public ReadOnlyMemory<byte>? PendingKey { get; set; }
    }
}
