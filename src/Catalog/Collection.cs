namespace LibraryCluster.Catalog;

/// <summary>The three Library Genesis collections a mirror holds.</summary>
public enum Collection
{
    /// <summary>Non-fiction books: the <c>updated</c> table and the <c>r_</c> torrents.</summary>
    Scitech,

    /// <summary>Fiction: the <c>fiction</c> table and the <c>f_</c> torrents.</summary>
    Fiction,

    /// <summary>Sci-Hub articles: the <c>scimag</c> table and the <c>sm_</c> torrents of zips.</summary>
    Scimag,
}
