using LibraryCluster.Catalog.Dumps;

namespace LibraryCluster.Catalog.Import;

/// <summary>Column positions by name (case-insensitive), resolved once per column list, never hard-coded.</summary>
internal sealed class ColumnMap(IReadOnlyList<string> columns)
{
    private readonly Dictionary<string, int> _index = columns.Select((name, i) => (name, i))
        .GroupBy(c => c.name, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First().i, StringComparer.OrdinalIgnoreCase);

    public int this[string name] => _index.TryGetValue(name, out var i) ? i : -1;

    /// <summary>Trimmed text, or "" for a missing column or NULL.</summary>
    public string Text(DumpRow row, string column) => this[column] is >= 0 and var i ? row.GetString(i)?.Trim() ?? string.Empty : string.Empty;

    /// <summary>Trimmed text, or null for a missing column, NULL or an empty string.</summary>
    public string? Optional(DumpRow row, string column) => Text(row, column) is { Length: > 0 } text ? text : null;

    public long? Number(DumpRow row, string column) => this[column] is >= 0 and var i ? row.GetInt64(i) : null;

    public DateTime? Time(DumpRow row, string column) => this[column] is >= 0 and var i ? row.GetDateTime(i) : null;
}
