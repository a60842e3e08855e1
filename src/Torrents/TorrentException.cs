namespace LibraryCluster.Torrents;

/// <summary>The base of every error the torrent library raises on bad input.</summary>
public class TorrentException : Exception
{
    public TorrentException(string message)
        : base(message)
    {
    }

    public TorrentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
