using LibraryCluster.Catalog.Store;

namespace LibraryCluster.Catalog.Tests.Store;

/// <summary>The store contract on the embedded SQLite catalogue.</summary>
public sealed class SqliteCatalogStoreTests : CatalogStoreContract
{
    protected override ICatalogStore Open() => CatalogStore.Open(Temp.Join("catalog.db"));
}
