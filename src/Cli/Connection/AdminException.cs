namespace LibraryCluster.Cli.Connection;

/// <summary>A request to a node that did not work, with the exit code it means (see <see cref="ExitCodes"/>) and what to do.</summary>
internal sealed class AdminException(int exitCode, string message, IReadOnlyList<string>? torrents = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>For a refusal: the torrents the change would have hurt.</summary>
    public IReadOnlyList<string> Torrents { get; } = torrents ?? [];
}
