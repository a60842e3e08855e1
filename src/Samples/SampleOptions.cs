namespace LibraryCluster.Samples;

/// <summary>What sample collection to make. The same options and seed always give the same bytes.</summary>
public sealed record SampleOptions
{
    public required string OutputDirectory { get; init; }

    public int Books { get; init; }

    public int Fiction { get; init; }

    public int Scimag { get; init; }

    public long Seed { get; init; } = 1;

    /// <summary>Multiplies every file size; 1 gives LibGen's real sizes (books a median of about 5 MB).</summary>
    public double SizeScale { get; init; } = DefaultSizeScale;

    /// <summary>The mean step between consecutive record IDs; 1 fills buckets densely, as LibGen does.</summary>
    public int IdGap { get; init; } = 1;

    /// <summary>Piece length for every torrent; null uses LibGen's (4 MiB for r_/f_, 16 MiB for sm_).</summary>
    public int? PieceLength { get; init; }

    public string? Announce { get; init; }

    /// <summary>Dumps only: no data files and no torrents (for catalogue benchmarks of millions of rows). MD5s are stand-ins.</summary>
    public bool NoData { get; init; }

    /// <summary>Small enough for unit tests: books of about 50 KB.</summary>
    public const double DefaultSizeScale = 0.01;

    public const int ScitechPieceLength = 4 * 1024 * 1024;

    public const int ScimagPieceLength = 16 * 1024 * 1024;
}
