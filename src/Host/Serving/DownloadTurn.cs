using System.Threading.RateLimiting;

namespace LibraryCluster.Host.Serving;

/// <summary>A request's place at the head of the <see cref="DownloadQueue"/>; giving it back twice is harmless.</summary>
public sealed class DownloadTurn(RateLimitLease lease) : IDisposable
{
    private int _done;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            lease.Dispose();
        }
    }
}
