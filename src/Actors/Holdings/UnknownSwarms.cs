namespace LibraryCluster.Actors.Holdings;

/// <summary>What the holdings policy does with torrents whose seeder count is not known (never scraped, failed, stale).</summary>
public enum UnknownSwarms
{
    /// <summary>After every torrent with a known count, while room is left (held ones first).</summary>
    Last,

    /// <summary>Never chosen; listed with the reason.</summary>
    Skip,
}
