namespace LibraryCluster.Catalog.Import;

/// <summary>How an import writes.</summary>
public sealed record ImportOptions
{
    /// <summary>Rows per transaction: larger is faster, smaller loses less when killed (it is redone on the next run).</summary>
    public int BatchRows { get; init; } = 100_000;
}
