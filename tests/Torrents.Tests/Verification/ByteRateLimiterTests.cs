using System.Diagnostics;
using LibraryCluster.Torrents.Verification;

namespace LibraryCluster.Torrents.Tests.Verification;

public sealed class ByteRateLimiterTests
{
    [Fact]
    public void Reads_are_paced_to_the_rate()
    {
        // 10 reads of 100 KB at 4 MB/s must take at least the 225 ms the last nine are scheduled after the first.
        var limiter = new ByteRateLimiter(4_000_000);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < 10; i++)
        {
            limiter.Wait(100_000, CancellationToken.None);
        }

        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_cancelled_wait_throws()
    {
        var limiter = new ByteRateLimiter(1_000);
        limiter.Wait(10_000, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        Assert.ThrowsAny<OperationCanceledException>(() => limiter.Wait(10_000, cancel.Token));
    }

    [Fact]
    public void A_zero_rate_is_refused() => Assert.Throws<ArgumentOutOfRangeException>(() => new ByteRateLimiter(0));
}
