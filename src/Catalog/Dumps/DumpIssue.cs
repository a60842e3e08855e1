namespace LibraryCluster.Catalog.Dumps;

public enum DumpIssueSeverity
{
    /// <summary>Something was skipped or repaired; the import goes on.</summary>
    Warning,

    /// <summary>A statement or row could not be read and was skipped whole.</summary>
    Error,
}

/// <summary>A problem in a dump, located by file, line, byte offset and table.</summary>
public sealed record DumpIssue(DumpIssueSeverity Severity, string File, long Line, long Offset, string? Table, string Message)
{
    public override string ToString() =>
        $"{File}:{Line} (byte {Offset}){(Table is null ? string.Empty : $" table `{Table}`")}: {Severity.ToString().ToLowerInvariant()}: {Message}";
}
