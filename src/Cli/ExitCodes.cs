namespace LibraryCluster.Cli;

/// <summary>Stable exit codes: scripts depend on them.</summary>
public static class ExitCodes
{
    /// <summary>Done; for verification, everything is complete and valid.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected failure inside libcluster.</summary>
    public const int Failure = 1;

    /// <summary>Bad input: a malformed .torrent, a missing path, an invalid option value. The message says which.</summary>
    public const int BadInput = 2;

    /// <summary>Verification found damaged or missing data; the report names the files and pieces.</summary>
    public const int Damaged = 3;

    /// <summary>Done, but part of the input was skipped or disagreed (bad rows in a dump, a torrent that differs from the catalogue); the report says what.</summary>
    public const int Partial = 4;

    /// <summary>What was asked for is not in the catalogue.</summary>
    public const int NotFound = 5;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
