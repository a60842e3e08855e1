using System.Text;

namespace LibraryCluster.Torrents.Bencode;

/// <summary>A decoded bencode value. <see cref="Start"/> and <see cref="Length"/> locate its raw bytes in the input.</summary>
public abstract class BValue
{
    /// <summary>Offset of the value's first byte in the decoded input (0 for values built in code).</summary>
    public long Start { get; internal set; }

    /// <summary>Number of raw bytes the value occupied in the decoded input.</summary>
    public long Length { get; internal set; }
}

/// <summary>A bencode integer (<c>i42e</c>).</summary>
public sealed class BInteger(long value) : BValue
{
    public long Value { get; } = value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A bencode byte string (<c>4:spam</c>): raw bytes, often but not always UTF-8.</summary>
public sealed class BString(ReadOnlyMemory<byte> bytes) : BValue
{
    public BString(string text)
        : this(Encoding.UTF8.GetBytes(text))
    {
    }

    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    /// <summary>The bytes as UTF-8 text; invalid sequences become U+FFFD.</summary>
    public string Text => Encoding.UTF8.GetString(Bytes.Span);

    public override string ToString() => Text;
}

/// <summary>A bencode list (<c>l…e</c>).</summary>
public sealed class BList : BValue
{
    private readonly List<BValue> _items = [];

    public IReadOnlyList<BValue> Items => _items;

    public int Count => _items.Count;

    public BValue this[int index] => _items[index];

    public void Add(BValue value) => _items.Add(value);
}

/// <summary>A bencode dictionary (<c>d…e</c>) with byte-string keys, kept in key order.</summary>
public sealed class BDictionary : BValue
{
    private readonly SortedList<string, BValue> _entries = new(StringComparer.Ordinal);

    /// <summary>Entries in ascending raw-byte key order (keys are decoded as Latin-1 so that order is byte order).</summary>
    public IEnumerable<KeyValuePair<byte[], BValue>> Entries =>
        _entries.Select(e => KeyValuePair.Create(Encoding.Latin1.GetBytes(e.Key), e.Value));

    public int Count => _entries.Count;

    public IEnumerable<string> Keys => _entries.Keys.Select(k => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(k)));

    /// <summary>Sets a value; the key is UTF-8 text.</summary>
    public BValue this[string key]
    {
        set => _entries[ToLatin1(key)] = value;
    }

    public bool ContainsKey(string key) => _entries.ContainsKey(ToLatin1(key));

    public BValue? Get(string key) => _entries.TryGetValue(ToLatin1(key), out var value) ? value : null;

    internal bool TryAddRaw(ReadOnlySpan<byte> key, BValue value) => _entries.TryAdd(Encoding.Latin1.GetString(key), value);

    /// <summary>Latin-1 maps each byte to one char, so ordinal string order equals raw byte order.</summary>
    private static string ToLatin1(string utf8Key) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(utf8Key));
}
