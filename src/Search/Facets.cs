namespace LibraryCluster.Search;

/// <summary>The facet names every backend returns.</summary>
public static class Facets
{
    public const string Collection = "collection";
    public const string Language = "language";
    public const string Extension = "extension";
    public const string Year = "year";
}
