namespace LibraryCluster.Torrents.Bencode;

/// <summary>Bounds that keep a hostile input from exhausting the stack or memory.</summary>
public sealed record BencodeLimits
{
    /// <summary>Defaults that fit every real .torrent (nesting is about 6 deep in practice).</summary>
    public static BencodeLimits Default { get; } = new();

    /// <summary>How deeply lists and dictionaries may nest.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>The longest string accepted, in bytes (a 1 TB torrent at 1 MiB pieces has 20 MB of hashes).</summary>
    public long MaxStringLength { get; init; } = 64L * 1024 * 1024;

    /// <summary>The most digits an integer may have (a signed 64-bit value has at most 19).</summary>
    public int MaxIntegerDigits { get; init; } = 19;

    /// <summary>
    /// Accept dictionary keys out of raw-byte order (duplicates are still refused). For tracker replies only:
    /// opentracker does not sort a scrape's <c>files</c> by info-hash. A .torrent must be canonical, so the default is false.
    /// </summary>
    public bool AllowUnsortedKeys { get; init; }
}
