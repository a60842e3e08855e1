namespace LibraryCluster.Actors.Cluster.Transfers;

/// <summary>
/// Admits at most <see cref="TransferOptions.MaxConcurrent"/> transfers at a time; when one ends, a waiting heal
/// starts before a waiting rebalance. Also holds the node's shared byte-rate limit.
/// </summary>
public sealed class TransferGate
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _healing = new();
    private readonly Queue<TaskCompletionSource> _rebalancing = new();
    private int _running;

    public TransferGate(TransferOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxConcurrent);
        Options = options;
        Limiter = options.BytesPerSecond is { } rate ? new Torrents.Verification.ByteRateLimiter(rate) : null;
    }

    public TransferOptions Options { get; }

    public Torrents.Verification.ByteRateLimiter? Limiter { get; }

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    public async Task<IDisposable> EnterAsync(bool healing, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_running < Options.MaxConcurrent)
            {
                _running++;
                return new Slot(this);
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (healing ? _healing : _rebalancing).Enqueue(waiter);
        }

        // A cancelled waiter is skipped by Release (its TrySetResult fails), so a slot is never lost to it.
        await using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            await waiter.Task.ConfigureAwait(false);
        }

        return new Slot(this);
    }

    private void Release()
    {
        lock (_lock)
        {
            while (_healing.Count > 0 || _rebalancing.Count > 0)
            {
                var next = _healing.Count > 0 ? _healing.Dequeue() : _rebalancing.Dequeue();
                if (next.TrySetResult())
                {
                    return;
                }
            }

            _running--;
        }
    }

    private sealed class Slot(TransferGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
