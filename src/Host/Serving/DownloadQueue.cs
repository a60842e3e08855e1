using System.Threading.RateLimiting;

namespace LibraryCluster.Host.Serving;

/// <summary>
/// Lets a few downloads at a time do their work (catalogue lookup, replica check, the first chunk of the body)
/// and keeps the rest waiting in line, oldest first. With hundreds of clients on a couple of cores, letting every
/// request run at once makes them all contend for the thread pool, and some wait far longer than the rest
/// (p99 7× nginx's at 256 clients); a short first-come-first-served line gives every request the same wait
/// (docs/benchmarks.md, "Downloads"). The turn is handed back once the body is flowing, so a slow client
/// never holds a place in the line.
/// </summary>
public sealed class DownloadQueue : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    /// <param name="atOnce">Downloads doing their work at once.</param>
    /// <param name="waiting">Downloads that may wait; beyond that the node answers 503.</param>
    public DownloadQueue(int atOnce, int waiting = 10_000)
    {
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = atOnce,
            QueueLimit = waiting,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Waits for this request's turn; null when the line is full.</summary>
    public async ValueTask<DownloadTurn?> WaitAsync(CancellationToken cancellationToken)
    {
        var lease = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (lease.IsAcquired)
        {
            return new DownloadTurn(lease);
        }

        lease.Dispose();
        return null;
    }

    public void Dispose() => _limiter.Dispose();
}
