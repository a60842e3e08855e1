namespace LibraryCluster.Actors.Holdings;

/// <summary>How much the holdings policy knows about a torrent's swarm.</summary>
public enum SwarmKnowledge
{
    /// <summary>A tracker answered within the policy's maximum age.</summary>
    Known,

    /// <summary>Counts exist but are older than the maximum age.</summary>
    Stale,

    /// <summary>Every scrape of it failed (the note says how).</summary>
    Failed,

    /// <summary>Never scraped.</summary>
    NeverScraped,
}
