namespace LibraryCluster.Catalog.Dumps;

/// <summary>
/// Bytes of a dump through one reusable buffer, with the absolute offset and line number of the
/// read position. Nothing is kept behind the position, so lines of any length cost no memory.
/// </summary>
internal sealed class DumpInput(Stream stream, int bufferSize = 1 << 20)
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private int _position;
    private int _end;
    private long _bufferStart;

    /// <summary>Absolute byte offset of the next byte.</summary>
    public long Offset => _bufferStart + _position;

    /// <summary>1-based line number of the next byte.</summary>
    public long Line { get; private set; } = 1;

    /// <summary>The unread part of the buffer; refill with <see cref="Fill"/> when it is empty.</summary>
    public ReadOnlySpan<byte> Available => _buffer.AsSpan(_position, _end - _position);

    public bool AtEnd => _position == _end && !Fill();

    /// <summary>The next byte, or -1 at the end of the input.</summary>
    public int Peek() => _position < _end || Fill() ? _buffer[_position] : -1;

    public int Next()
    {
        if (_position == _end && !Fill())
        {
            return -1;
        }

        var b = _buffer[_position++];
        if (b == (byte)'\n')
        {
            Line++;
        }

        return b;
    }

    /// <summary>Consumes <paramref name="count"/> bytes of <see cref="Available"/>, counting the newlines among them.</summary>
    public void Advance(int count)
    {
        Line += _buffer.AsSpan(_position, count).Count((byte)'\n');
        _position += count;
    }

    /// <summary>True (and consumed) when the next bytes are exactly <paramref name="expected"/>.</summary>
    public bool TryConsume(ReadOnlySpan<byte> expected)
    {
        if (_end - _position < expected.Length)
        {
            Compact();
            while (_end - _position < expected.Length && ReadMore())
            {
            }
        }

        if (!Available.StartsWith(expected))
        {
            return false;
        }

        Advance(expected.Length);
        return true;
    }

    /// <summary>Skips to just after the next '\n' (or to the end).</summary>
    public void SkipLine()
    {
        while (true)
        {
            var newline = Available.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _position += newline + 1;
                Line++;
                return;
            }

            _position = _end;
            if (!Fill())
            {
                return;
            }
        }
    }

    /// <summary>Reads up to the end of the line (not including '\n') into <paramref name="line"/>; false when the line was longer than it holds.</summary>
    public bool ReadLine(List<byte> line, int maxLength)
    {
        line.Clear();
        while (true)
        {
            var span = Available;
            var newline = span.IndexOf((byte)'\n');
            var take = newline >= 0 ? newline : span.Length;
            if (line.Count + take > maxLength)
            {
                SkipLine();
                return false;
            }

            line.AddRange(span[..take]);
            if (newline >= 0)
            {
                _position += newline + 1;
                Line++;
                return true;
            }

            _position = _end;
            if (!Fill())
            {
                return true;
            }
        }
    }

    /// <summary>Starts a new buffer after the current one is used up; false at the end of the input.</summary>
    public bool Fill()
    {
        if (_position < _end)
        {
            return true;
        }

        _bufferStart += _end;
        _position = _end = 0;
        return ReadMore();
    }

    private void Compact()
    {
        var left = _end - _position;
        _buffer.AsSpan(_position, left).CopyTo(_buffer);
        _bufferStart += _position;
        _position = 0;
        _end = left;
    }

    private bool ReadMore()
    {
        if (_end == _buffer.Length)
        {
            return false;
        }

        var read = stream.Read(_buffer, _end, _buffer.Length - _end);
        _end += read;
        return read > 0;
    }
}
