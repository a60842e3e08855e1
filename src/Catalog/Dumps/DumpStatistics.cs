using System.Text;

namespace LibraryCluster.Catalog.Dumps;

/// <summary>What one table of a dump held, as read.</summary>
public sealed class DumpTableStatistics
{
    /// <summary>Whether the reader delivered this table's rows (false: skipped as unknown).</summary>
    public bool Wanted { get; internal set; }

    public long Statements { get; internal set; }

    /// <summary>Rows delivered (wanted tables) or seen (skipped statements are not parsed, so 0).</summary>
    public long Rows { get; internal set; }

    /// <summary>Rows dropped because they were malformed.</summary>
    public long BadRows { get; internal set; }
}

/// <summary>Counts over a whole dump.</summary>
public sealed class DumpStatistics
{
    private readonly Dictionary<string, DumpTableStatistics> _tables = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, DumpTableStatistics> Tables => _tables;

    /// <summary>Invalid UTF-8 sequences replaced with U+FFFD in the values that were read.</summary>
    public long InvalidUtf8Sequences { get; private set; }

    internal DumpTableStatistics Table(string name)
    {
        if (!_tables.TryGetValue(name, out var table))
        {
            _tables[name] = table = new DumpTableStatistics();
        }

        return table;
    }

    internal void CountInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out _, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                InvalidUtf8Sequences++;
            }

            bytes = bytes[consumed..];
        }
    }
}
