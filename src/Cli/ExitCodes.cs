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

    /// <summary>What was asked for does not exist: not in the catalogue, or no such node, volume or torrent in the cluster.</summary>
    public const int NotFound = 5;

    /// <summary>The node refused a change that would lose data or could never finish; the message says why and what to do.</summary>
    public const int Refused = 6;

    /// <summary>The node did not accept the admin token (none given, a wrong one, or admin disabled on that node).</summary>
    public const int NotAuthorized = 7;

    /// <summary>The node could not be reached, did not answer in time, or could not reach its cluster database.</summary>
    public const int Unreachable = 8;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
