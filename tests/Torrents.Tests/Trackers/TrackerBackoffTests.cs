using LibraryCluster.Testing;
using LibraryCluster.Torrents.Trackers;

namespace LibraryCluster.Torrents.Tests.Trackers;

public class TrackerBackoffTests
{
    private const string Tracker = "udp://127.0.0.1:1/announce";

    [Fact]
    public void Each_failure_in_a_row_doubles_the_wait_up_to_the_maximum_and_a_success_forgets_them()
    {
        var clock = new ManualTimeProvider();
        var backoff = new TrackerBackoff(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), clock);
        var start = clock.GetUtcNow();

        Assert.False(backoff.IsBackingOff(Tracker, out _, out _, out _));
        Assert.Equal(start.AddMinutes(1), backoff.Failed(Tracker, "timeout"));
        Assert.Equal(start.AddMinutes(2), backoff.Failed(Tracker, "timeout"));
        Assert.Equal(start.AddMinutes(4), backoff.Failed(Tracker, "timeout"));
        Assert.Equal(start.AddMinutes(5), backoff.Failed(Tracker, "refused"));
        Assert.True(backoff.IsBackingOff(Tracker, out var until, out var failures, out var last));
        Assert.Equal((start.AddMinutes(5), 4, "refused"), (until, failures, last));
        Assert.False(backoff.IsBackingOff("http://other/announce", out _, out _, out _));

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(backoff.IsBackingOff(Tracker, out _, out _, out _));

        backoff.Succeeded(Tracker);
        Assert.Equal(clock.GetUtcNow().AddMinutes(1), backoff.Failed(Tracker, "timeout"));
    }
}
