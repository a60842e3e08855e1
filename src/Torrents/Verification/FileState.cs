namespace LibraryCluster.Torrents.Verification;

/// <summary>What verification found for one file, worst first.</summary>
public enum FileState
{
    /// <summary>The file does not exist.</summary>
    Missing,

    /// <summary>The path was refused (a link, a path outside the directory) or reading failed.</summary>
    Unreadable,

    /// <summary>The file is shorter than the torrent says.</summary>
    Short,

    /// <summary>At least one of its pieces failed its hash.</summary>
    Damaged,

    /// <summary>The file is longer than the torrent says (its expected bytes may still be intact).</summary>
    TooLong,

    /// <summary>Its own bytes are present but a piece it shares with a missing or short neighbour could not be checked.</summary>
    Unverified,

    /// <summary>Every piece it touches is valid and its length is right.</summary>
    Complete,

    /// <summary>Outside the requested scope.</summary>
    NotChecked,
}
