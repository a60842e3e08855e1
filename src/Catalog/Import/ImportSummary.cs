using LibraryCluster.Catalog.Dumps;

namespace LibraryCluster.Catalog.Import;

/// <summary>What an import did to one table's rows, as JSON carries it.</summary>
public sealed record TableSummary(string Table, long Rows, long Inserted, long Updated, long Unchanged, long Bad);

/// <summary>
/// An import's report as <c>libcluster catalog import --json</c> prints it and a node's admin API answers it: the
/// file, its bytes, time, rows per table, tables skipped, and every issue with its file, line and byte offset.
/// </summary>
/// <remarks>
/// <para><c>Clean</c>: No row was bad and no issue was an error (warnings, such as a repaired encoding, are clean).</para>
/// <para><c>CatalogRecords</c>: Records in the catalogue after the import (null when not counted).</para>
/// </remarks>
public sealed record ImportSummary(
    string File,
    long Bytes,
    double Seconds,
    long Rows,
    IReadOnlyList<TableSummary> Tables,
    IReadOnlyDictionary<string, long> SkippedTables,
    long InvalidUtf8Sequences,
    IReadOnlyList<string> Issues,
    bool Clean,
    long? CatalogRecords = null)
{
    public static ImportSummary Of(ImportReport report, long? catalogRecords = null) => new(
        report.File,
        report.Bytes,
        Math.Round(report.Elapsed.TotalSeconds, 3),
        report.Rows,
        [.. report.Tables.Select(t => new TableSummary(t.Table, t.Rows, t.Inserted, t.Updated, t.Unchanged, t.Bad))],
        report.SkippedTables,
        report.InvalidUtf8Sequences,
        [.. report.Issues.Select(i => i.ToString())],
        report.Issues.All(i => i.Severity == DumpIssueSeverity.Warning) && report.Tables.All(t => t.Bad == 0),
        catalogRecords);
}
