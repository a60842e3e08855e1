namespace LibraryCluster.Torrents.Trackers;

/// <summary>What kind of thing went wrong when asking a tracker.</summary>
public enum TrackerProblem
{
    /// <summary>No reply within the time allowed (after every retransmission, for UDP).</summary>
    Timeout,

    /// <summary>The tracker could not be reached: connection refused, host unknown, network down, an HTTP error status.</summary>
    Unreachable,

    /// <summary>The reply does not follow the protocol (the message says at which byte).</summary>
    Malformed,

    /// <summary>The tracker answered with a failure reason (HTTP) or an error packet (UDP).</summary>
    Failure,

    /// <summary>The tracker's URL is not one we can scrape (another scheme, or an announce path without "announce").</summary>
    Unsupported,

    /// <summary>The tracker failed recently and is not asked again until its back-off ends.</summary>
    BackingOff,
}
