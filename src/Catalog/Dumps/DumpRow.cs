using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace LibraryCluster.Catalog.Dumps;

/// <summary>The kind of one value in an INSERT row.</summary>
public enum SqlValueKind : byte
{
    Null,
    Number,
    String,
}

/// <summary>
/// One row of an INSERT, valid until the reader moves on. Values stay raw (unescaped bytes) until a
/// column is asked for, so columns nobody reads cost nothing to decode.
/// </summary>
public sealed class DumpRow
{
    private readonly DumpStatistics _statistics;
    private byte[] _arena = new byte[1 << 16];
    private readonly List<(SqlValueKind Kind, int Start, int Length)> _values = [];

    internal DumpRow(DumpStatistics statistics) => _statistics = statistics;

    public string Table { get; internal set; } = string.Empty;

    public IReadOnlyList<string> Columns { get; internal set; } = [];

    /// <summary>Line and byte offset where the row's '(' stands.</summary>
    public long Line { get; internal set; }

    public long Offset { get; internal set; }

    public int Count => _values.Count;

    internal int ArenaLength { get; private set; }

    public SqlValueKind Kind(int column) => _values[column].Kind;

    public bool IsNull(int column) => _values[column].Kind == SqlValueKind.Null;

    /// <summary>The unescaped bytes of a value (empty for NULL).</summary>
    public ReadOnlySpan<byte> Bytes(int column)
    {
        var (_, start, length) = _values[column];
        return _arena.AsSpan(start, length);
    }

    /// <summary>The value as text, decoded leniently: invalid UTF-8 becomes U+FFFD and is counted. Null for NULL.</summary>
    public string? GetString(int column)
    {
        if (IsNull(column))
        {
            return null;
        }

        var bytes = Bytes(column);
        if (!Utf8.IsValid(bytes))
        {
            _statistics.CountInvalidUtf8(bytes);
        }

        return Encoding.UTF8.GetString(bytes);
    }

    public long? GetInt64(int column) =>
        !IsNull(column) && long.TryParse(Bytes(column), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A 'YYYY-MM-DD HH:MM:SS' value as UTC; null for NULL, the zero date and anything unparsable.</summary>
    public DateTime? GetDateTime(int column)
    {
        if (IsNull(column))
        {
            return null;
        }

        var b = Bytes(column);
        if (b.Length != 19 || b[4] != '-' || b[7] != '-' || b[10] != ' ' || b[13] != ':' || b[16] != ':')
        {
            return null;
        }

        static int Number(ReadOnlySpan<byte> digits)
        {
            var value = 0;
            foreach (var digit in digits)
            {
                if (digit is < (byte)'0' or > (byte)'9')
                {
                    return -1;
                }

                value = (value * 10) + (digit - '0');
            }

            return value;
        }

        int year = Number(b[..4]), month = Number(b[5..7]), day = Number(b[8..10]), hour = Number(b[11..13]), minute = Number(b[14..16]), second = Number(b[17..19]);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59)
        {
            return null; // the zero date, or garbage
        }

        return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
    }

    internal void Reset()
    {
        _values.Clear();
        ArenaLength = 0;
    }

    internal void AddNull() => _values.Add((SqlValueKind.Null, ArenaLength, 0));

    internal void BeginValue(SqlValueKind kind) => _values.Add((kind, ArenaLength, 0));

    internal void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_arena.AsSpan(ArenaLength));
        ArenaLength += bytes.Length;
        Extend(bytes.Length);
    }

    internal void Append(byte b)
    {
        Reserve(1);
        _arena[ArenaLength++] = b;
        Extend(1);
    }

    private void Extend(int count)
    {
        var last = _values[^1];
        _values[^1] = last with { Length = last.Length + count };
    }

    private void Reserve(int count)
    {
        if (ArenaLength + count > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, ArenaLength + count));
        }
    }
}
