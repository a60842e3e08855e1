using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using LibraryCluster.Testing;

namespace LibraryCluster.Bench.Swarm;

/// <summary>
/// A real node: the Host as published by run.sh, in a process of its own, on 127.0.0.1, running and supervising
/// its own qbittorrent-nox (WebUI and peers on 127.0.0.1, DHT and PeX off). Read through its public /readyz and
/// /metrics and its admin API, as an operator would.
/// </summary>
internal sealed partial class NodeProcess : IAsyncDisposable
{
    public const string AdminToken = "bench-admin-token-0123456789";

    private readonly Process _process;

    private NodeProcess(Process process, Uri url, string dataDirectory)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        DataDirectory = dataDirectory;
    }

    public HttpClient Http { get; }

    public string DataDirectory { get; }

    public int ProcessId => _process.Id;

    /// <summary>The daemon the node runs, found by its profile folder; null while it is not running.</summary>
    public int? DaemonProcessId => Measure.FindProcess("--profile=" + Path.Join(DataDirectory, "qbittorrent"));

    /// <summary>Starts the node on a data folder (a second start on the same folder is a restart); returns once /healthz answers.</summary>
    public static async Task<NodeProcess> StartAsync(string hostDirectory, string dataDirectory, int webUiPort, int listenPort, params string[] more)
    {
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[
            Path.Join(hostDirectory, "LibraryCluster.Host.dll"),
            "--urls", $"http://127.0.0.1:{port}",
            "--data-dir", dataDirectory,
            "--admin-token", AdminToken,
            "--Swarm:DaemonPath=/usr/bin/qbittorrent-nox",
            $"--Swarm:WebUiPort={webUiPort}",
            $"--Swarm:ListenPort={listenPort}",
            "--Swarm:ListenInterface=lo",
            "--Swarm:ListenAddress=127.0.0.1",
            "--Swarm:Dht=false",
            "--Swarm:PeerExchange=false",
            "--Swarm:StartTimeout=00:02:00",
            "--Swarm:StopTimeout=00:01:00",
            "--Logging:LogLevel:Default=Warning",
            .. more])
        {
            start.ArgumentList.Add(arg);
        }

        var log = new StreamWriter(Path.Join(dataDirectory + ".log"), append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the node");
        process.OutputDataReceived += (_, e) => Log(log, e.Data);
        process.ErrorDataReceived += (_, e) => Log(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new NodeProcess(process, new Uri($"http://127.0.0.1:{port}/"), dataDirectory);
        await node.UntilAsync(async ct => (await node.Http.GetAsync("healthz", ct)).IsSuccessStatusCode, TimeSpan.FromMinutes(2), "the node to answer /healthz");
        return node;
    }

    /// <summary>Replicas by state, from /metrics.</summary>
    public async Task<Dictionary<string, int>> ReplicasAsync(CancellationToken cancellationToken = default)
    {
        var metrics = await Http.GetStringAsync("metrics", cancellationToken);
        return ReplicaLine().Matches(metrics).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Torrents the node reports seeding on /readyz (as of its last pass); -1 before its first pass.</summary>
    public async Task<int> SeedingAsync(CancellationToken cancellationToken = default)
    {
        using var answer = await Http.GetAsync("readyz", cancellationToken);
        var match = SeedingLine().Match(await answer.Content.ReadAsStringAsync(cancellationToken));
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    /// <summary>Polls <paramref name="condition"/> every 250 ms until it holds; throws after <paramref name="limit"/>.</summary>
    public async Task UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan limit, string what)
    {
        using var timeout = new CancellationTokenSource(limit);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the node exited with code {_process.ExitCode} while waiting for {what}; see {DataDirectory}.log");
            }

            try
            {
                if (await condition(timeout.Token))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not answering yet.
            }
            catch (TaskCanceledException) when (!timeout.IsCancellationRequested)
            {
                // One slow answer.
            }

            try
            {
                await Task.Delay(250, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {what} within {limit.TotalMinutes:0} minutes");
            }
        }
    }

    /// <summary>Stops the node as its service manager would (SIGTERM: it stops its daemon too); seconds until it exited.</summary>
    public async Task<double> StopAsync()
    {
        var clock = Stopwatch.StartNew();
        if (!_process.HasExited)
        {
            await ChildProcess.TerminateAsync(_process, TimeSpan.FromMinutes(3));
        }

        return clock.Elapsed.TotalSeconds;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Http.Dispose();
    }

    private static void Log(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    [GeneratedRegex("""librarycluster_replicas\{state="(\w+)"\} (\d+)""")]
    private static partial Regex ReplicaLine();

    [GeneratedRegex(@"; (\d+) torrents seeding")]
    private static partial Regex SeedingLine();
}

/// <summary>Stopping processes the harness started.</summary>
internal static class ChildProcess
{
    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="patience"/>.</summary>
    public static async Task TerminateAsync(Process process, TimeSpan patience)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var limit = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
