using LibraryCluster.Catalog.Dumps;

namespace LibraryCluster.Catalog.Import;

/// <summary>What an import did to one table's rows.</summary>
public sealed class TableImportReport(string table)
{
    public string Table { get; } = table;

    public long Rows { get; internal set; }

    public long Inserted { get; internal set; }

    public long Updated { get; internal set; }

    public long Unchanged { get; internal set; }

    /// <summary>Rows the reader dropped as malformed, or the importer refused (no ID, no MD5…).</summary>
    public long Bad { get; internal set; }
}

/// <summary>The outcome of importing one dump file.</summary>
public sealed class ImportReport
{
    public required string File { get; init; }

    public required IReadOnlyList<TableImportReport> Tables { get; init; }

    /// <summary>Tables in the dump the catalogue does not use, with their INSERT statement counts.</summary>
    public required IReadOnlyDictionary<string, long> SkippedTables { get; init; }

    public required IReadOnlyList<DumpIssue> Issues { get; init; }

    public required long InvalidUtf8Sequences { get; init; }

    public required long Bytes { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public long Rows => Tables.Sum(t => t.Rows);
}

/// <summary>Import progress: bytes of the file read so far, and rows.</summary>
public readonly record struct ImportProgress(long BytesRead, long BytesTotal, long Rows);
