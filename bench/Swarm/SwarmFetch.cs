using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Engines.QBittorrent;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Bench.Swarm;

/// <summary>
/// Swarm fetch throughput on loopback. One torrent of G GB (LibGen-like: files of 1–16 MiB, 4 MiB pieces) seeded by a
/// qbittorrent-nox, announced through Debian's opentracker on 127.0.0.1. The same bytes are then fetched, in turn:
/// by curl from nginx serving the seeder's folder (the plain copy limit: one HTTP connection, written to the same
/// disk), by a plain second qbittorrent-nox (the daemon alone: one peer connection), and by a real node process with
/// Swarm:FetchMissing, from the moment its torrent is registered until its replica is Healthy, i.e. fetched by its
/// daemon and then verified piece by piece by the node itself. sha1sum over the same bytes is the one-core hashing
/// reference. Each destination is a fresh folder on the same disk; `sync` runs between them. --protocol sets the
/// fetching daemons' peer protocol (the node's Swarm:PeerProtocol): Both dials uTP, Tcp dials TCP.
/// </summary>
internal static class SwarmFetch
{
    private const string Name = "r_100000";

    public static async Task<Dictionary<string, object>> RunAsync(BenchArgs args)
    {
        var gigabytes = args.Double("--gigabytes", 2);
        var runs = args.Int("--runs", 1);
        // The node's Swarm:PeerProtocol, also given to the plain daemon: Both (qBittorrent's default, uTP dialed first) or Tcp.
        var protocol = Enum.Parse<PeerProtocol>(args.Text("--protocol") ?? "Both", ignoreCase: true);
        var host = args.Text("--host") ?? throw new ArgumentException("--host DIR (the published node) is required");
        var work = args.Work;
        var result = new Dictionary<string, object> { ["gigabytes"] = gigabytes, ["protocol"] = protocol.ToString(), ["load_at_start"] = Measure.Load() };

        var seedFolder = Path.Join(work, "seed");
        var clock = Stopwatch.StartNew();
        var (files, total) = await WriteFilesAsync(Path.Join(seedFolder, "100000"), (long)(gigabytes * 1e9));
        result["files"] = files;
        result["bytes"] = total;
        result["write_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
        var trackerPort = OpentrackerServer.FreePort();
        clock.Restart();
        var torrentFile = await TorrentBuilder.FromDirectoryAsync(Path.Join(seedFolder, "100000"), new TorrentBuildOptions { Announce = $"http://127.0.0.1:{trackerPort}/announce" });
        var metainfo = MetainfoParser.Parse(torrentFile);
        result["make_torrent_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
        result["piece_length"] = metainfo.PieceLength;
        await using var tracker = await OpentrackerServer.StartAsync([metainfo.InfoHash], trackerPort);

        await using var seeder = await QBittorrentServer.StartAsync();
        await seeder.Engine.AddAsync(new TorrentAddRequest { Metainfo = torrentFile, SavePath = seedFolder, SkipChecking = true });
        await UntilAsync(async () => (await seeder.Engine.GetTrackersAsync(metainfo.InfoHash))?.Any(t => t.Status == TrackerStatus.Working) == true, "the seeder's announce");

        var nginx = await Nginx.StartAsync(seedFolder, Path.Join(work, "nginx"));
        try
        {
            var all = new List<Dictionary<string, object>>();
            for (var run = 1; run <= runs; run++)
            {
                var one = new Dictionary<string, object> { ["load"] = Measure.Load() };
                await CurlAsync(nginx, metainfo, Path.Join(work, $"curl{run}"), total, one);
                await ShaSumAsync(Path.Join(work, $"curl{run}"), total, one);
                await DaemonAloneAsync(torrentFile, metainfo, protocol, Path.Join(work, $"qb{run}"), total, one);
                await NodeAsync(host, torrentFile, protocol, Path.Join(work, $"node{run}"), total, one);
                one["node_vs_curl"] = Measure.Round((double)one["node_mb_s"] / (double)one["curl_mb_s"], 3);
                Console.Error.WriteLine($"fetch run {run}: " + JsonSerializer.Serialize(one));
                all.Add(one);
                foreach (var copy in new[] { $"curl{run}", $"qb{run}", $"node{run}" })
                {
                    Directory.Delete(Path.Join(work, copy), recursive: true);
                }
            }

            result["runs"] = all;
        }
        finally
        {
            await nginx.DisposeAsync();
        }

        result["load_at_end"] = Measure.Load();
        return result;
    }

    /// <summary>Files of 1–16 MiB of seeded random bytes until <paramref name="bytes"/>, as LibGen's books vary.</summary>
    private static async Task<(int Files, long Bytes)> WriteFilesAsync(string folder, long bytes)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(100_000);
        var buffer = new byte[16 << 20];
        var (files, written) = (0, 0L);
        while (written < bytes)
        {
            var length = (int)Math.Min(random.Next(1 << 20, 16 << 20), bytes - written);
            random.NextBytes(buffer.AsSpan(0, length));
            await File.WriteAllBytesAsync(Path.Join(folder, $"{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(buffer.AsSpan(0, length)))}.pdf"), buffer.AsMemory(0, length));
            files++;
            written += length;
        }

        return (files, written);
    }

    private static async Task CurlAsync(Nginx nginx, TorrentMetainfo metainfo, string folder, long total, Dictionary<string, object> result)
    {
        // One curl, one connection kept alive, every file in turn: what one HTTP stream over loopback moves to this disk.
        Directory.CreateDirectory(folder);
        var urls = Path.Join(folder + ".urls");
        await File.WriteAllLinesAsync(urls, metainfo.Files.SelectMany(f => new[] { $"url = \"{nginx.Url}{string.Join('/', f.PathComponents)}\"", $"output = \"{Path.Join([folder, .. f.PathComponents])}\"" }));
        await Sync();
        var clock = Stopwatch.StartNew();
        await RunAsync("curl", "-sSf", "--create-dirs", "--config", urls);
        var seconds = clock.Elapsed.TotalSeconds;
        result["curl_seconds"] = Measure.Round(seconds);
        result["curl_mb_s"] = Measure.Round(total / 1e6 / seconds, 1);
        File.Delete(urls);
    }

    private static async Task ShaSumAsync(string folder, long total, Dictionary<string, object> result)
    {
        // Warm (just written): hashing alone, on one core, as a reference for the node's own verification.
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        var clock = Stopwatch.StartNew();
        await RunAsync("sha1sum", files);
        result["sha1sum_seconds"] = Measure.Round(clock.Elapsed.TotalSeconds);
        result["sha1sum_mb_s"] = Measure.Round(total / 1e6 / clock.Elapsed.TotalSeconds, 1);
    }

    private static async Task DaemonAloneAsync(byte[] torrentFile, TorrentMetainfo metainfo, PeerProtocol protocol, string folder, long total, Dictionary<string, object> result)
    {
        await using var leecher = await QBittorrentServer.StartAsync(o => o with { PeerProtocol = protocol });
        Directory.CreateDirectory(folder);
        await Sync();
        var clock = Stopwatch.StartNew();
        await leecher.Engine.AddAsync(new TorrentAddRequest { Metainfo = torrentFile, SavePath = folder });
        var lastReport = 0.0;
        await UntilAsync(async () =>
        {
            var t = await leecher.Engine.GetTorrentAsync(metainfo.InfoHash);
            if (clock.Elapsed.TotalSeconds - lastReport >= 10)
            {
                lastReport = clock.Elapsed.TotalSeconds;
                Console.Error.WriteLine($"qb alone {lastReport:0}s: {t?.EngineState} {t?.Progress:P0} {t?.DownloadBytesPerSecond / 1e6:0.0} MB/s, {t?.ConnectedSeeds} seeds connected");
            }

            return t?.IsComplete == true;
        }, "the plain daemon to complete", 100);
        var seconds = clock.Elapsed.TotalSeconds;
        result["qb_seconds"] = Measure.Round(seconds);
        result["qb_mb_s"] = Measure.Round(total / 1e6 / seconds, 1);
    }

    private static async Task NodeAsync(string host, byte[] torrentFile, PeerProtocol protocol, string data, long total, Dictionary<string, object> result)
    {
        Directory.CreateDirectory(data);
        var webUiPort = LoopbackPorts.Free();
        await using var node = await NodeProcess.StartAsync(host, data, webUiPort, LoopbackPorts.Free(), "--Swarm:FetchMissing=true", "--Swarm:FetchMissingAfter=00:00:00", $"--Swarm:PeerProtocol={protocol}");
        await node.UntilAsync(async ct => await node.SeedingAsync(ct) == 0, TimeSpan.FromMinutes(2), "the node's first seeding pass");
        await Sync();
        var daemon = node.DaemonProcessId ?? throw new InvalidOperationException("the node's daemon is not running");
        var cpu = (Node: Measure.CpuSeconds(node.ProcessId), Daemon: Measure.CpuSeconds(daemon));
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using (var put = await node.Http.PutAsync($"api/admin/torrents/{Name}", new ByteArrayContent(torrentFile)))
        {
            put.EnsureSuccessStatusCode();
        }

        await node.UntilAsync(async ct =>
        {
            var torrents = await node.Http.GetFromJsonAsync<JsonElement>("api/admin/torrents", ct);
            var replica = torrents.EnumerateArray().Single().GetProperty("replica");
            return replica.ValueKind == JsonValueKind.Object && replica.GetProperty("state").GetString() == "Healthy";
        }, TimeSpan.FromMinutes(30), "the node's copy to be Healthy");
        var seconds = clock.Elapsed.TotalSeconds;
        result["node_seconds"] = Measure.Round(seconds);
        result["node_mb_s"] = Measure.Round(total / 1e6 / seconds, 1);
        result["node_cpu_seconds"] = Measure.Round(Measure.CpuSeconds(node.ProcessId) - cpu.Node);
        result["node_daemon_cpu_seconds"] = Measure.Round(Measure.CpuSeconds(daemon) - cpu.Daemon);

        // The node's daemon's own account (whole seconds): from its add until it had every piece.
        using (var daemonView = new QBittorrentEngine(new QBittorrentConnection { WebUiUrl = new Uri($"http://127.0.0.1:{webUiPort}/") }))
        {
            if (await daemonView.GetTorrentAsync(MetainfoParser.Parse(torrentFile).InfoHash) is { AddedOn: { } added, CompletedOn: { } completed })
            {
                result["node_daemon_transfer_seconds"] = (completed - added).TotalSeconds;
            }
        }

        // Where the time went, from the node's journal: registered → Fetching (handed to the daemon) → Verifying (the
        // daemon reported it complete) → Healthy (our check passed).
        var journal = await node.Http.GetFromJsonAsync<JsonElement>($"api/admin/journal?torrent={Name}&limit=50");
        var steps = new Queue<string>(["Fetching", "Verifying", "Healthy"]);
        foreach (var entry in journal.EnumerateArray().OrderBy(e => e.GetProperty("sequence").GetInt64()))
        {
            if (steps.Count > 0 && entry.GetProperty("to").GetString() == steps.Peek())
            {
                result[$"node_{steps.Dequeue().ToLowerInvariant()}_at_seconds"] = Measure.Round((entry.GetProperty("at").GetDateTimeOffset() - started).TotalSeconds);
            }
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, int everyMs = 250)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        while (!await condition())
        {
            try
            {
                await Task.Delay(everyMs, limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {what} within 30 minutes");
            }
        }
    }

    /// <summary>Flushes what earlier steps wrote, so that their writeback does not slow the next one.</summary>
    private static Task Sync() => RunAsync("sync");

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}");
        }
    }
}

/// <summary>nginx serving one folder on 127.0.0.1 (sendfile on, no access log), as the heal benchmark runs it.</summary>
internal sealed class Nginx : IAsyncDisposable
{
    private readonly Process _process;

    private Nginx(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public static async Task<Nginx> StartAsync(string root, string work)
    {
        Directory.CreateDirectory(work);
        var port = LoopbackPorts.Free();
        var config = Path.Join(work, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            worker_processes auto; pid {{work}}/nginx.pid; error_log {{work}}/error.log; daemon off;
            events { worker_connections 1024; }
            http { access_log off; sendfile on; tcp_nopush on; server { listen 127.0.0.1:{{port}}; root {{root}}; } }
            """);
        var binary = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("nginx is not installed");
        var process = Process.Start(binary, ["-c", config, "-p", work]);
        var nginx = new Nginx(process, $"http://127.0.0.1:{port}/");
        using var http = new HttpClient();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await http.GetAsync(nginx.Url, limit.Token);
                return nginx;
            }
            catch (HttpRequestException) when (!process.HasExited)
            {
                await Task.Delay(50, limit.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcess.TerminateAsync(_process, TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
