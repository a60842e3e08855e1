namespace LibraryCluster.Torrents.Verification;

/// <summary>What verification found for one piece.</summary>
public enum PieceState : byte
{
    /// <summary>Outside the requested scope.</summary>
    NotChecked,

    /// <summary>Read in full and its SHA-1 matches.</summary>
    Valid,

    /// <summary>Read in full and its SHA-1 does not match.</summary>
    Damaged,

    /// <summary>Some of its bytes are missing or unreadable, so it could not be hashed.</summary>
    Unavailable,
}
