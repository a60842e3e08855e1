using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Engines.QBittorrent;
using LibraryCluster.Torrents.Metainfo;

// Usage: LibraryCluster.Bench.Swarm --torrents N --work DIR [--parallel P]
// Makes N one-file torrents (64 KiB each, as the probe in shared/torrent-engines.md did), starts qbittorrent-nox
// with the node's settings on 127.0.0.1, adds every torrent with skip-checking through QBittorrentEngine and times
// until all report seeding (watched through incremental polls), then reads the daemon's memory, the cost of a full
// and an incremental poll, and a restart (stop, start, all seeding again). Prints one JSON object.
var count = Arg("--torrents", 1000);
var parallel = Arg("--parallel", 4);
var work = args.SkipWhile(a => a != "--work").Skip(1).FirstOrDefault() ?? throw new ArgumentException("--work DIR is required");
Directory.CreateDirectory(work);

await using var tracker = LoopbackTracker.Start();
var data = Path.Join(work, "data");
var torrents = new List<(byte[] Bytes, InfoHash Hash)>(count);
var clock = Stopwatch.StartNew();
for (var i = 0; i < count; i++)
{
    var (bytes, torrent) = await TestData.SeedTorrentAsync(data, $"t{i:D5}", tracker.AnnounceUrl, 16_384, i * 7 + 1, ("file", 65_536));
    torrents.Add((bytes, torrent.InfoHash));
}

var makeSeconds = clock.Elapsed.TotalSeconds;
var options = new QBittorrentDaemonOptions
{
    ProfileDirectory = Path.Join(work, "profile"),
    WebUiPort = LoopbackPorts.Free(),
    ListenPort = LoopbackPorts.Free(),
    ListenInterface = "lo",
    ListenAddress = "127.0.0.1",
    StartTimeout = TimeSpan.FromSeconds(120),
    StopTimeout = TimeSpan.FromSeconds(60),
};
var result = new Dictionary<string, object> { ["torrents"] = count, ["parallel_adds"] = parallel, ["make_seconds"] = Math.Round(makeSeconds, 2) };

await using (var daemon = new QBittorrentDaemon(options))
{
    await daemon.StartAsync();
    var engine = daemon.Engine;
    var version = await engine.CheckHealthAsync();
    result["daemon"] = $"qbittorrent-nox {version.Version} (WebAPI {version.ApiVersion})";
    await engine.PollAsync();

    clock.Restart();
    await Parallel.ForEachAsync(torrents, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (t, ct) =>
    {
        var outcome = await engine.AddAsync(new TorrentAddRequest { Metainfo = t.Bytes, SavePath = data, SkipChecking = true }, ct);
        if (outcome != EngineOutcome.Done)
        {
            throw new InvalidOperationException($"{t.Hash}: {outcome}");
        }
    });
    result["add_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
    var (seedingSeconds, polls) = await UntilAllSeedingAsync(engine, torrents.Count, clock);
    result["all_seeding_seconds"] = Math.Round(seedingSeconds, 2);
    result["polls_while_waiting"] = polls;

    // Memory once it has settled into seeding: resident set, and how much of it is anonymous (heap) or file pages.
    var memory = Memory(daemon.ProcessId!.Value);
    foreach (var (key, value) in memory)
    {
        result[key] = value;
    }

    using (var fresh = new QBittorrentEngine(new QBittorrentConnection { WebUiUrl = options.WebUiUrl }))
    {
        clock.Restart();
        var full = await fresh.PollAsync();
        result["full_poll_ms"] = Math.Round(clock.Elapsed.TotalMilliseconds, 1);
        clock.Restart();
        var incremental = await fresh.PollAsync();
        result["incremental_poll_ms"] = Math.Round(clock.Elapsed.TotalMilliseconds, 1);
        result["incremental_poll_changed"] = incremental.Changed.Count;
        if (full.TorrentCount != count)
        {
            throw new InvalidOperationException($"the daemon holds {full.TorrentCount} torrents, not {count}");
        }
    }

    clock.Restart();
    await daemon.StopAsync();
    result["stop_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
}

await using (var again = new QBittorrentDaemon(options))
{
    clock.Restart();
    await again.StartAsync();
    result["restart_api_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
    var (seedingSeconds, _) = await UntilAllSeedingAsync(again.Engine, torrents.Count, clock);
    result["restart_all_seeding_seconds"] = Math.Round(seedingSeconds, 2);
    foreach (var (key, value) in Memory(again.ProcessId!.Value))
    {
        result["after_restart_" + key] = value;
    }
}

Console.WriteLine(JsonSerializer.Serialize(result));
return 0;

// Polls incrementally (every 100 ms) until every torrent seeds; seconds on the clock and polls made.
static async Task<(double Seconds, int Polls)> UntilAllSeedingAsync(ITorrentEngine engine, int expected, Stopwatch clock)
{
    var activities = new Dictionary<InfoHash, TorrentActivity>();
    using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(30));
    for (var polls = 1; ; polls++)
    {
        var changes = await engine.PollAsync(limit.Token);
        if (changes.FullUpdate)
        {
            activities.Clear();
        }

        foreach (var t in changes.Changed)
        {
            activities[t.Hash] = t.IsComplete ? t.Activity : TorrentActivity.Unknown;
        }

        foreach (var gone in changes.Removed)
        {
            activities.Remove(gone);
        }

        if (activities.Count == expected && activities.Values.All(a => a == TorrentActivity.Seeding))
        {
            return (clock.Elapsed.TotalSeconds, polls);
        }

        await Task.Delay(100, limit.Token);
    }
}

static Dictionary<string, object> Memory(int pid)
{
    var status = File.ReadAllLines($"/proc/{pid}/status").Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
    double Mb(string key) => Math.Round(long.Parse(status[key].Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0, 1);
    return new() { ["rss_mb"] = Mb("VmRSS"), ["rss_anon_mb"] = Mb("RssAnon"), ["rss_file_mb"] = Mb("RssFile") };
}

int Arg(string name, int fallback)
{
    var value = args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
    return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
}
