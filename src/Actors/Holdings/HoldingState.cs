namespace LibraryCluster.Actors.Holdings;

/// <summary>What the holdings policy makes of one torrent (none at all without a policy: every torrent is wanted).</summary>
public enum HoldingState
{
    /// <summary>Chosen: held at its replication factor, fetched when missing.</summary>
    Wanted,

    /// <summary>Not chosen, but the cluster has data of it: one copy is kept and seeded, none is made.</summary>
    Kept,

    /// <summary>Not chosen, and an operator asked to let it go: every copy is deleted.</summary>
    Released,

    /// <summary>Not chosen and no data of it here: nothing is fetched.</summary>
    NotWanted,
}
