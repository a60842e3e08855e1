namespace LibraryCluster.Catalog;

/// <summary>The base of every error the catalogue raises on bad input.</summary>
public class CatalogException : Exception
{
    public CatalogException(string message)
        : base(message)
    {
    }

    public CatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
