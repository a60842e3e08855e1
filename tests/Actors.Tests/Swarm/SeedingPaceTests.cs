using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Swarm;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Actors.Tests.Swarm;

/// <summary>
/// The seeding agent keeps its polls to a share of the daemon's time: a daemon holding many torrents answers a poll
/// slowly (1–2.5 s for 10,000), and polling it every 2 s kept it over half a core busy (docs/benchmarks.md).
/// A fake daemon whose every poll takes a second of a manual clock; no real time is measured.
/// </summary>
public sealed class SeedingPaceTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ManualTimeProvider _clock = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(0.1, 9)]
    [InlineData(0.5, 1)]
    [InlineData(1.0, 0)]
    [InlineData(0.0, 0)]
    public void The_rest_after_a_poll_keeps_polls_to_their_share_of_the_daemons_time(double share, double restSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(restSeconds), SeedingAgent.Rest(TimeSpan.FromSeconds(1), share));

    [Fact]
    public async Task After_a_slow_poll_the_next_pass_waits_and_the_passes_asked_for_meanwhile_become_one()
    {
        var volume = _temp.Join("volume");
        Directory.CreateDirectory(volume);
        await using var node = new MirrorNode(
            new NodeSettings { Volumes = [new NodeVolume("a", volume, null)], TorrentsDirectory = _temp.Join("torrents"), CatalogPath = _temp.Join("catalog.db") },
            new SqlNodeStore(ClusterDatabase.Sqlite(_temp.Join("node.db")), "local"),
            time: _clock);
        node.Start();
        await node.GetVolumesAsync();
        var daemon = new SlowDaemon(_clock, TimeSpan.FromSeconds(1));
        var start = _clock.GetUtcNow();

        // The first pass polls at once; the poll takes 1 s, so with 10% of the daemon's time for us it rests 9 s after it.
        node.StartSeeding(new SeedingSettings { PollInterval = TimeSpan.FromSeconds(2), DaemonPollShare = 0.1 }, daemon);
        await Eventually.UntilAsync(() => node.Seeding.LastPass is not null);
        Assert.Equal(TimeSpan.FromSeconds(1), node.Seeding.PollDuration);
        var timers = _clock.PendingTimers;

        // The 2 s poll timer asks for a pass within the rest: it is put off until the rest is over (a timer of its own).
        _clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(() => _clock.PendingTimers == timers + 1);
        _clock.Advance(TimeSpan.FromSeconds(7.5));
        Assert.Equal([start], daemon.Polls);

        // The rest ends 10 s after the first poll began: one pass then, for all the asks in between.
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        await Eventually.UntilAsync(() => daemon.Polls.Count == 2);
        Assert.Equal(start + TimeSpan.FromSeconds(10), daemon.Polls[1]);
    }

    /// <summary>A daemon holding nothing whose polls take <paramref name="cost"/> of the clock; nothing else is asked of it.</summary>
    private sealed class SlowDaemon(ManualTimeProvider clock, TimeSpan cost) : ITorrentEngine
    {
        private readonly List<DateTimeOffset> _polls = [];

        public string Description => "a slow fake daemon";

        public IReadOnlyList<DateTimeOffset> Polls
        {
            get
            {
                lock (_polls)
                {
                    return [.. _polls];
                }
            }
        }

        public Task<EngineChanges> PollAsync(CancellationToken cancellationToken = default)
        {
            bool first;
            lock (_polls)
            {
                _polls.Add(clock.GetUtcNow());
                first = _polls.Count == 1;
            }

            clock.Advance(cost);
            return Task.FromResult(new EngineChanges { FullUpdate = first, Transfer = new EngineTransfer() });
        }

        public Task<EngineHealth> CheckHealthAsync(CancellationToken cancellationToken = default) => Task.FromResult(new EngineHealth { Answering = true });

        public Task<EngineOutcome> AddAsync(TorrentAddRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task PauseAsync(IReadOnlyCollection<InfoHash> torrents, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task ResumeAsync(IReadOnlyCollection<InfoHash> torrents, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task RecheckAsync(IReadOnlyCollection<InfoHash> torrents, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<EngineOutcome> RemoveAsync(InfoHash torrent, bool deleteFiles, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<EngineOutcome> SetFilePriorityAsync(InfoHash torrent, IReadOnlyCollection<int> fileIndexes, FilePriority priority, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<EngineTorrent?> GetTorrentAsync(InfoHash torrent, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<EngineFile>?> GetFilesAsync(InfoHash torrent, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<EngineTracker>?> GetTrackersAsync(InfoHash torrent, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<EngineTransfer> GetTransferAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
