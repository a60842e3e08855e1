namespace LibraryCluster.Torrents.Engines;

/// <summary>A daemon call that failed: the message names the daemon, the call and what to do.</summary>
public sealed class TorrentEngineException : TorrentException
{
    public TorrentEngineException(EngineErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public TorrentEngineException(EngineErrorKind kind, string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public EngineErrorKind Kind { get; }
}
