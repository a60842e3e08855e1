namespace LibraryCluster.Torrents.Trackers;

/// <summary>A tracker could not be scraped: which tracker, what kind of problem, and the details.</summary>
public sealed class TrackerException : TorrentException
{
    public TrackerException(string tracker, TrackerProblem problem, string detail, Exception? innerException = null)
        : base($"tracker {tracker}: {detail}", innerException!)
    {
        Tracker = tracker;
        Problem = problem;
        Detail = detail;
    }

    /// <summary>The tracker's announce URL, as the torrent gives it.</summary>
    public string Tracker { get; }

    public TrackerProblem Problem { get; }

    /// <summary>What went wrong, without the tracker's name.</summary>
    public string Detail { get; }
}
