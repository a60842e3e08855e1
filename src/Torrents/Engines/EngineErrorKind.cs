namespace LibraryCluster.Torrents.Engines;

/// <summary>Why a daemon call failed.</summary>
public enum EngineErrorKind
{
    /// <summary>Nothing answers at the daemon's address (not running, wrong port), or it timed out.</summary>
    Unavailable,

    /// <summary>The daemon refuses our credentials (HTTP 403 after logging in, or "Fails." at login).</summary>
    NotAuthorized,

    /// <summary>The daemon banned our address after too many failed logins.</summary>
    Banned,

    /// <summary>The daemon refused the .torrent as invalid (HTTP 415).</summary>
    InvalidTorrent,

    /// <summary>The daemon refused a request as malformed (HTTP 400, 409): a bug on our side or an unexpected daemon version.</summary>
    Rejected,

    /// <summary>The daemon answered something we cannot read (unexpected status or body).</summary>
    Protocol,
}
