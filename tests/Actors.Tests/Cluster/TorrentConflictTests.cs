using System.Collections.Concurrent;
using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Node;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;
using Microsoft.Extensions.Logging;

namespace LibraryCluster.Actors.Tests.Cluster;

/// <summary>A node holding a torrent under a name the cluster holds with other contents (two .torrent files, one name).</summary>
public sealed class TorrentConflictTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Logs _logs = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_name_conflict_is_reported_once_and_every_other_torrent_is_still_registered()
    {
        var database = ClusterDatabase.Sqlite(_temp.Join("cluster.db"));
        var store = new ClusterStore(database);
        var (theirs, _, _) = await TestData.MultiFileTorrentAsync(_temp, "theirs", 16 * 1024, ("a.pdf", 40_000));
        store.AddTorrent(new ClusterTorrent("r_1000", "scitech", theirs.TotalLength, theirs.InfoHash.ToString(), DateTimeOffset.UtcNow), [1, 2, 3]);

        using var loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Information));
        await using var node = new MirrorNode(
            new NodeSettings { Volumes = [new NodeVolume("a", _temp.Join("volume"), null)], TorrentsDirectory = _temp.Join("torrents"), CatalogPath = _temp.Join("catalog.db") },
            new SqlNodeStore(database, "n1"),
            loggers);
        node.Start();
        var (_, mine, _) = await TestData.MultiFileTorrentAsync(_temp, "mine", 16 * 1024, ("b.pdf", 50_000));
        var (_, other, _) = await TestData.MultiFileTorrentAsync(_temp, "other", 16 * 1024, ("c.pdf", 60_000));
        await node.AddTorrentAsync("r_1000", mine);
        await node.AddTorrentAsync("r_2000", other);

        var view = new ClusterView();
        node.JoinCluster(new ClusterSettings { NodeId = "n1", Endpoint = new Uri("http://127.0.0.1:1/"), ReconcileInterval = TimeSpan.FromMilliseconds(100), DefaultReplicationFactor = 1 }, store, view);

        // The other torrent becomes the cluster's; the conflicting one is named, with both info-hashes.
        await Eventually.UntilAsync(() => store.ListTorrents().Any(t => t.Name == "r_2000") && view.Conflicts.ContainsKey("r_1000"));
        var conflict = view.Conflicts["r_1000"];
        Assert.Contains(theirs.InfoHash.ToString(), conflict, StringComparison.Ordinal);
        Assert.Contains(MetainfoParser.Parse(mine).InfoHash.ToString(), conflict, StringComparison.Ordinal);
        Assert.Equal(theirs.InfoHash.ToString(), store.ListTorrents().Single(t => t.Name == "r_1000").InfoHash);

        // Reconciles go on (no "database unreachable"), and the conflict is told once, not on every tick.
        var seen = view.Snapshot!.ReadAt;
        await Eventually.UntilAsync(() => view.Snapshot!.ReadAt >= seen + TimeSpan.FromMilliseconds(500));
        Assert.Single(_logs.Messages, m => m.Contains("torrent name conflict", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Messages, m => m.Contains("unreachable", StringComparison.Ordinal));
        Assert.Equal(["r_1000"], view.Conflicts.Keys);
    }

    private sealed class Logs : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
