using System.Diagnostics;

namespace LibraryCluster.Torrents.Verification;

/// <summary>
/// Paces readers to a byte rate: each read reserves its slot on a shared schedule and waits for it, so
/// a background scrub reads evenly at the limit instead of in bursts that starve the disk's other users.
/// </summary>
public sealed class ByteRateLimiter
{
    private readonly double _ticksPerByte;
    private readonly Lock _gate = new();
    private long _nextFree = Stopwatch.GetTimestamp();

    public ByteRateLimiter(long bytesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerSecond);
        _ticksPerByte = (double)Stopwatch.Frequency / bytesPerSecond;
    }

    /// <summary>Blocks until <paramref name="bytes"/> may be read without going over the rate.</summary>
    public void Wait(int bytes, CancellationToken cancellationToken)
    {
        var wait = Reserve(bytes);
        if (wait > TimeSpan.Zero)
        {
            cancellationToken.WaitHandle.WaitOne(wait);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Waits, without holding a thread, until <paramref name="bytes"/> may be moved without going over the rate.</summary>
    public Task WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        var wait = Reserve(bytes);
        return wait > TimeSpan.Zero ? Task.Delay(wait, cancellationToken) : Task.CompletedTask;
    }

    private TimeSpan Reserve(int bytes)
    {
        long due;
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();

            // An idle limiter does not bank credit: a long pause is not followed by a burst.
            due = Math.Max(_nextFree, now);
            _nextFree = due + (long)(bytes * _ticksPerByte);
        }

        return Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
    }
}
