using System.Collections.Concurrent;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Catalog.Store;

namespace LibraryCluster.Host.Node;

/// <summary>
/// Record lookups for request handlers: read-only catalogue connections, pooled so that concurrent requests
/// do not queue on one (SQLite in WAL mode reads beside the node's one writer).
/// </summary>
public sealed class CatalogReader(string path) : IDisposable
{
    private readonly ConcurrentBag<CatalogStore> _idle = [];

    public T Read<T>(Func<CatalogStore, T> read)
    {
        var store = _idle.TryTake(out var s) ? s : CatalogStore.OpenReadOnly(path);
        try
        {
            return read(store);
        }
        finally
        {
            _idle.Add(store);
        }
    }

    /// <summary>The record with this MD5, a visible one before a hidden duplicate.</summary>
    public CatalogRecord? FindByMd5(string md5) => Read(s => s.FindByMd5(md5)).FirstOrDefault();

    /// <summary>The article with this DOI, a visible one before a hidden duplicate.</summary>
    public CatalogRecord? FindByDoi(string doi) => Read(s => s.FindByDoi(doi)).FirstOrDefault();

    public void Dispose()
    {
        while (_idle.TryTake(out var store))
        {
            store.Dispose();
        }
    }
}
