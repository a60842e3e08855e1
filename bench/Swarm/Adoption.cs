using System.Diagnostics;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Engines.QBittorrent;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Bench.Swarm;

/// <summary>
/// N existing torrents (one 64 KiB file each, as the probe in shared/torrent-engines.md made) taken into seeding by
/// qbittorrent-nox through QBittorrentEngine with skip-checking, then by transmission-daemon (which verifies each
/// add: 3.00 has no skip-checking), one after the other in the same run on the same files. For each: time from the
/// first add until the daemon reports every torrent seeding, its memory then, and its CPU when idle and when polled.
/// </summary>
internal static class Adoption
{
    public static async Task<Dictionary<string, object>> RunAsync(BenchArgs args)
    {
        var count = args.Int("--torrents", 1000);
        var parallel = args.Int("--parallel", 4);
        var pollMs = args.Int("--poll-ms", 500);
        var transmissionUpTo = args.Int("--transmission-up-to", 1000);
        var refreshMs = args.Int("--refresh-ms", 250);
        var work = args.Work;
        var result = new Dictionary<string, object> { ["torrents"] = count, ["parallel_adds"] = parallel, ["poll_ms"] = pollMs, ["qb_refresh_ms"] = refreshMs, ["load_at_start"] = Measure.Load() };

        // A tracker in its own process, so that 10,000 announces cost the harness nothing (opentracker is whitelist-only: the hashes go in first).
        var trackerPort = OpentrackerServer.FreePort();
        var data = Path.Join(work, "data");
        var torrents = new List<(byte[] Bytes, InfoHash Hash)>(count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var (bytes, torrent) = await TestData.SeedTorrentAsync(data, $"t{i:D5}", $"http://127.0.0.1:{trackerPort}/announce", 16_384, i * 7 + 1, ("file", 65_536));
            torrents.Add((bytes, torrent.InfoHash));
        }

        result["make_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
        await using var tracker = await OpentrackerServer.StartAsync([.. torrents.Select(t => t.Hash)], trackerPort);
        await QBittorrentAsync(torrents, data, parallel, pollMs, refreshMs, result);
        if (count <= transmissionUpTo)
        {
            await TransmissionAsync(torrents, data, parallel, Path.Join(work, "transmission"), result);
        }

        result["load_at_end"] = Measure.Load();
        return result;
    }

    private static async Task QBittorrentAsync(List<(byte[] Bytes, InfoHash Hash)> torrents, string data, int parallel, int pollMs, int refreshMs, Dictionary<string, object> result)
    {
        // The test suite's private daemon, with the node's refresh interval rather than the tests' 100 ms.
        await using var server = await QBittorrentServer.StartAsync(o => o with
        {
            RefreshInterval = TimeSpan.FromMilliseconds(refreshMs),
            StartTimeout = TimeSpan.FromSeconds(120),
            StopTimeout = TimeSpan.FromSeconds(60),
        });
        var engine = server.Engine;
        var version = await engine.CheckHealthAsync();
        result["qb_daemon"] = $"qbittorrent-nox {version.Version} (WebAPI {version.ApiVersion})";
        await engine.PollAsync();

        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(torrents, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (t, ct) =>
        {
            var outcome = await engine.AddAsync(new TorrentAddRequest { Metainfo = t.Bytes, SavePath = data, SkipChecking = true }, ct);
            if (outcome != EngineOutcome.Done)
            {
                throw new InvalidOperationException($"{t.Hash}: {outcome}");
            }
        });
        result["qb_add_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
        var (seedingSeconds, polls) = await UntilAllSeedingAsync(engine, torrents.Count, clock, pollMs, "qb");
        result["qb_all_seeding_seconds"] = Measure.Round(seedingSeconds);
        result["qb_polls_while_waiting"] = polls;
        var pid = server.Daemon.ProcessId!.Value;
        foreach (var (key, value) in Measure.Memory(pid, "qb_"))
        {
            result[key] = value;
        }

        Console.Error.WriteLine($"qb: all seeding; idle for 20 s (pid {pid})");
        // What seeding N torrents costs the daemon by itself, and what our polls add (the node polls every 2 s).
        result["qb_idle_core_share"] = await Measure.CoreShareAsync(pid, TimeSpan.FromSeconds(20));
        using (var fresh = new QBittorrentEngine(new QBittorrentConnection { WebUiUrl = server.Daemon.Options.WebUiUrl }))
        {
            clock.Restart();
            var full = await fresh.PollAsync();
            result["qb_full_poll_ms"] = Measure.Round(clock.Elapsed.TotalMilliseconds, 1);
            if (full.TorrentCount != torrents.Count)
            {
                throw new InvalidOperationException($"the daemon holds {full.TorrentCount} torrents, not {torrents.Count}");
            }

            var pollTimes = new List<double>();
            var changed = new List<double>();
            result["qb_polled_every_2s_core_share"] = await Measure.CoreShareAsync(pid, TimeSpan.FromSeconds(20), async stop =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var one = Stopwatch.StartNew();
                    changed.Add((await fresh.PollAsync(stop)).Changed.Count);
                    pollTimes.Add(one.Elapsed.TotalMilliseconds);
                    await Task.Delay(2000, stop);
                }
            });
            result["qb_incremental_poll_ms_median"] = Measure.Round(Median(pollTimes), 1);
            // Torrents an incremental poll 2 s after the last one reports changed: qBittorrent counts seeding time per torrent.
            result["qb_incremental_poll_changed_median"] = Median(changed);
            result["qb_polled_back_to_back_core_share"] = await Measure.CoreShareAsync(pid, TimeSpan.FromSeconds(10), async stop =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await fresh.PollAsync(stop);
                }
            });
        }

        clock.Restart();
        await server.Daemon.StopAsync();
        result["qb_stop_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);

        await using var again = new QBittorrentDaemon(server.Daemon.Options);
        clock.Restart();
        await again.StartAsync();
        result["qb_restart_api_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
        (seedingSeconds, _) = await UntilAllSeedingAsync(again.Engine, torrents.Count, clock, pollMs, "qb restart");
        result["qb_restart_all_seeding_seconds"] = Measure.Round(seedingSeconds);
        foreach (var (key, value) in Measure.Memory(again.ProcessId!.Value, "qb_after_restart_"))
        {
            result[key] = value;
        }
    }

    private static async Task TransmissionAsync(List<(byte[] Bytes, InfoHash Hash)> torrents, string data, int parallel, string config, Dictionary<string, object> result)
    {
        await using var daemon = await TransmissionDaemon.StartAsync(config, data);
        result["tr_daemon"] = $"transmission-daemon {daemon.Version}";
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(torrents, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (t, ct) => await daemon.AddAsync(t.Bytes, data, ct));
        result["tr_add_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
        var lastReport = 0.0;
        using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(60)))
        {
            while (true)
            {
                var all = await daemon.ListAsync(limit.Token);
                if (all.Count == torrents.Count && all.All(t => t is { Status: 6, Left: 0 }))
                {
                    break;
                }

                if (clock.Elapsed.TotalSeconds - lastReport > 10)
                {
                    lastReport = clock.Elapsed.TotalSeconds;
                    Console.Error.WriteLine($"tr {lastReport:0}s: " + string.Join(' ', all.GroupBy(t => t.Status).OrderBy(g => g.Key).Select(g => $"status{g.Key}={g.Count()}")));
                }

                await Task.Delay(250, limit.Token);
            }
        }

        result["tr_all_seeding_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
        foreach (var (key, value) in Measure.Memory(daemon.ProcessId, "tr_"))
        {
            result[key] = value;
        }

        result["tr_idle_core_share"] = await Measure.CoreShareAsync(daemon.ProcessId, TimeSpan.FromSeconds(20));
        clock.Restart();
        await daemon.ListAsync();
        result["tr_list_all_ms"] = Measure.Round(clock.Elapsed.TotalMilliseconds, 1);
    }

    /// <summary>
    /// Polls incrementally until every torrent seeds; seconds on the clock and polls made. Between polls it waits
    /// <paramref name="pollMs"/>, or twice as long as the last poll took if that is longer (a poll of 10,000 torrents
    /// costs the daemon about a second, and back-to-back polls would keep it busy answering them).
    /// </summary>
    public static async Task<(double Seconds, int Polls)> UntilAllSeedingAsync(ITorrentEngine engine, int expected, Stopwatch clock, int pollMs, string label)
    {
        var states = new Dictionary<InfoHash, EngineTorrent>();
        var lastReport = 0.0;
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        for (var polls = 1; ; polls++)
        {
            var one = Stopwatch.StartNew();
            var changes = await engine.PollAsync(limit.Token);
            var took = one.Elapsed;
            if (changes.FullUpdate)
            {
                states.Clear();
            }

            foreach (var t in changes.Changed)
            {
                states[t.Hash] = t;
            }

            foreach (var gone in changes.Removed)
            {
                states.Remove(gone);
            }

            if (states.Count == expected && states.Values.All(t => t.IsComplete && t.Activity == TorrentActivity.Seeding))
            {
                return (clock.Elapsed.TotalSeconds, polls);
            }

            if (clock.Elapsed.TotalSeconds - lastReport > 5)
            {
                // The daemon's own words, so that a stall shows where it is (checkingResumeData, queuedUP, …).
                lastReport = clock.Elapsed.TotalSeconds;
                Console.Error.WriteLine($"{label} {lastReport:0.0}s: poll {took.TotalMilliseconds:0} ms; "
                    + string.Join(' ', states.Values.GroupBy(t => t.EngineState + (t.BytesLeft > 0 ? "(incomplete)" : string.Empty)).Select(g => $"{g.Key}={g.Count()}")));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(pollMs, 2 * took.TotalMilliseconds)), limit.Token);
        }
    }

    private static double Median(List<double> values) => values.Count == 0 ? 0 : values.Order().ElementAt(values.Count / 2);
}
