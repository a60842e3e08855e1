using System.Diagnostics;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Bench.Swarm;

/// <summary>
/// A real node process taking N existing torrents into seeding: their data is already on its volume and their
/// .torrent files in its watch folder when it starts, as when an existing library is put under a node. The node
/// registers each one, adopts it by verifying its data, and adds it to the qbittorrent-nox it runs with
/// skip-checking. Timed from the node's start until /readyz reports all N seeding; then the memory of the node and
/// of its daemon, their CPU once settled (the node's own polls included), and the same after a restart of the node.
/// </summary>
internal static class NodeAdoption
{
    public static async Task<Dictionary<string, object>> RunAsync(BenchArgs args)
    {
        var count = args.Int("--torrents", 1000);
        var host = args.Text("--host") ?? throw new ArgumentException("--host DIR (the published node) is required");
        // More settings for the node, e.g. "--Cluster:ReconcileInterval=00:01:00", to see what its own CPU goes to.
        var more = (args.Text("--node-args") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var data = Path.Join(args.Work, "node");
        var volume = Path.Join(data, "volumes", "default");
        var watch = Path.Join(data, "watch");
        Directory.CreateDirectory(watch);
        var result = new Dictionary<string, object> { ["torrents"] = count, ["node_args"] = string.Join(' ', more), ["load_at_start"] = Measure.Load() };

        var trackerPort = OpentrackerServer.FreePort();
        var hashes = new List<InfoHash>(count);
        var files = new List<(string Name, byte[] Torrent)>(count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            // LibGen's shape: r_N holds records N to N+999 in a folder named N (one 64 KiB file here).
            var name = $"r_{i * 1000}";
            var (bytes, torrent) = await TestData.SeedTorrentAsync(Path.Join(volume, name), (i * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"http://127.0.0.1:{trackerPort}/announce", 16_384, i * 7 + 1, ("file", 65_536));
            hashes.Add(torrent.InfoHash);
            files.Add((name, bytes));
        }

        foreach (var (name, bytes) in files)
        {
            await File.WriteAllBytesAsync(Path.Join(watch, name + ".torrent"), bytes);
        }

        result["make_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
        await using var tracker = await OpentrackerServer.StartAsync(hashes, trackerPort);
        var webUiPort = LoopbackPorts.Free();
        var listenPort = LoopbackPorts.Free();

        clock.Restart();
        var node = await NodeProcess.StartAsync(host, data, webUiPort, listenPort, more);
        try
        {
            result["api_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
            var (registered, healthy) = (0.0, 0.0);
            var lastReport = 0.0;
            await node.UntilAsync(async ct =>
            {
                var replicas = await node.ReplicasAsync(ct);
                var seeding = await node.SeedingAsync(ct);
                var now = clock.Elapsed.TotalSeconds;
                if (registered == 0 && replicas.Values.Sum() == count)
                {
                    registered = now;
                }

                if (healthy == 0 && replicas.GetValueOrDefault("Healthy") == count)
                {
                    healthy = now;
                }

                if (now - lastReport > 10)
                {
                    lastReport = now;
                    Console.Error.WriteLine($"node {now:0}s: {seeding} seeding; replicas " + string.Join(' ', replicas.Where(r => r.Value > 0).Select(r => $"{r.Key}={r.Value}")));
                }

                return seeding == count;
            }, TimeSpan.FromMinutes(30), $"all {count} torrents seeding");
            result["all_registered_seconds"] = Measure.Round(registered);
            result["all_healthy_seconds"] = Measure.Round(healthy);
            result["all_seeding_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
            await SteadyStateAsync(node, "", result);

            result["stop_seconds"] = Measure.Round(await node.StopAsync());
            await node.DisposeAsync();

            // A restart: the node knows its replicas (from its store) and the daemon its torrents (from its profile).
            clock.Restart();
            node = await NodeProcess.StartAsync(host, data, webUiPort, listenPort, more);
            await node.UntilAsync(async ct => await node.SeedingAsync(ct) == count, TimeSpan.FromMinutes(30), $"all {count} torrents seeding after the restart");
            result["restart_all_seeding_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
            await SteadyStateAsync(node, "after_restart_", result);
        }
        finally
        {
            await node.DisposeAsync();
        }

        result["load_at_end"] = Measure.Load();
        return result;
    }

    /// <summary>
    /// The memory of the node and its daemon once all seed, then how much CPU each uses once the daemon's burst of
    /// writing resume data for new torrents is over (the node keeps polling it every Swarm:PollInterval meanwhile).
    /// </summary>
    private static async Task SteadyStateAsync(NodeProcess node, string prefix, Dictionary<string, object> result)
    {
        var daemon = node.DaemonProcessId ?? throw new InvalidOperationException("the node's daemon is not running");
        foreach (var (key, value) in Measure.Memory(node.ProcessId, prefix + "node_").Concat(Measure.Memory(daemon, prefix + "daemon_")))
        {
            result[key] = value;
        }

        // Settled: two 5 s windows in a row within 3 points of a core of each other (at most two minutes).
        var settle = Stopwatch.StartNew();
        var previous = await Measure.CoreShareAsync(daemon, TimeSpan.FromSeconds(5));
        while (settle.Elapsed < TimeSpan.FromMinutes(2))
        {
            var share = await Measure.CoreShareAsync(daemon, TimeSpan.FromSeconds(5));
            if (Math.Abs(share - previous) < 0.03)
            {
                break;
            }

            previous = share;
        }

        result[prefix + "settle_seconds"] = Measure.Round(settle.Elapsed.TotalSeconds, 0);
        var nodeCpu = Measure.CpuSeconds(node.ProcessId);
        var span = Stopwatch.StartNew();
        result[prefix + "daemon_steady_core_share"] = await Measure.CoreShareAsync(daemon, TimeSpan.FromSeconds(30));
        result[prefix + "node_steady_core_share"] = Math.Round((Measure.CpuSeconds(node.ProcessId) - nodeCpu) / span.Elapsed.TotalSeconds, 3);
        foreach (var (key, value) in Measure.Memory(node.ProcessId, prefix + "settled_node_").Concat(Measure.Memory(daemon, prefix + "settled_daemon_")))
        {
            result[key] = value;
        }
    }
}
