using System.Diagnostics;
using LibraryCluster.Host.Swarm;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines.QBittorrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LibraryCluster.Host.Tests;

/// <summary>A node that runs its own qbittorrent-nox (on 127.0.0.1 only).</summary>
[Trait("Category", "Swarm")]
public sealed class SwarmNodeTests
{
    [Fact]
    public async Task The_node_runs_its_daemon_restarts_it_when_it_dies_and_stops_it_on_shutdown()
    {
        using var temp = new TempDirectory();
        var webUiPort = LoopbackPorts.Free();
        await using var app = await StartNodeAsync(temp, webUiPort);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var daemon = app.Services.GetRequiredService<SwarmRuntime>().Daemon!;

        var seeding = $"swarm: seeding through qBittorrent at http://127.0.0.1:{webUiPort}/ (v4.5.2, WebAPI 2.8.19)";
        await Eventually.UntilAsync(() => client.GetStringAsync("/readyz"), r => r.Contains(seeding, StringComparison.Ordinal), TimeSpan.FromMilliseconds(50));
        var config = File.ReadAllLines(temp.Join("qbittorrent", "qBittorrent", "config", "qBittorrent.conf"));
        Assert.Contains("Session\\DHTEnabled=false", config);
        Assert.Contains($"WebUI\\Port={webUiPort}", config);
        var first = daemon.ProcessId!.Value;

        Process.GetProcessById(first).Kill();
        await Eventually.UntilAsync(() => Task.FromResult((daemon.Starts, daemon.State)), s => s is (2, DaemonState.Running), TimeSpan.FromMilliseconds(20));
        Assert.Contains(seeding, await client.GetStringAsync("/readyz"), StringComparison.Ordinal);
        var second = daemon.ProcessId!.Value;

        await app.StopAsync();

        Assert.Equal(DaemonState.Stopped, daemon.State);
        Assert.False(Processes.IsRunning(second));
    }

    [Fact]
    public async Task A_node_with_a_daemon_seeds_every_torrent_it_holds_intact()
    {
        using var temp = new TempDirectory();
        var webUiPort = LoopbackPorts.Free();
        await using var app = await StartNodeAsync(temp, webUiPort, "--demo", "--Swarm:PollInterval=00:00:00.300");
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var node = app.Services.GetRequiredService<LibraryCluster.Actors.Node.MirrorNode>();
        // Every torrent of the demo collection registered (the node takes them from its watch folder one by one) and adopted.
        var held = Directory.GetFiles(temp.Join("demo-sample", "torrents"), "*.torrent").Length;
        await Eventually.UntilAsync(() => node.View.Torrents.Count() == held && node.View.Replicas.All(r => r.IsHeld));

        // The daemon comes up beside the node (it may take a while on a busy machine), then the node adds what it holds.
        await Eventually.UntilAsync(() => client.GetStringAsync("/readyz"), r => r.Contains("swarm: seeding through", StringComparison.Ordinal), TimeSpan.FromMilliseconds(100));
        await Eventually.UntilAsync(() => client.GetStringAsync("/readyz"), r => r.Contains($"; {held} torrents seeding, 0 paused", StringComparison.Ordinal), TimeSpan.FromMilliseconds(100));

        using var daemonView = new QBittorrentEngine(new QBittorrentConnection { WebUiUrl = new Uri($"http://127.0.0.1:{webUiPort}/") });
        var inDaemon = (await daemonView.PollAsync()).Changed;
        Assert.Equal(node.View.Torrents.Select(t => t.Metainfo.InfoHash.ToString()).Order(), inDaemon.Select(t => t.Hash.ToString()).Order());
        Assert.All(inDaemon, t => Assert.Equal(0, t.BytesLeft));
        await app.StopAsync();
    }

    /// <summary>A node on a loopback port running its own qbittorrent-nox, WebUI and peers on 127.0.0.1, no DHT or PeX.</summary>
    private static async Task<WebApplication> StartNodeAsync(TempDirectory temp, int webUiPort, params string[] more)
    {
        var app = NodeApplication.Create(
        [
            "--urls", "http://127.0.0.1:0",
            "--data-dir", temp.Path,
            "--Swarm:DaemonPath=qbittorrent-nox",
            $"--Swarm:WebUiPort={webUiPort}",
            $"--Swarm:ListenPort={LoopbackPorts.Free()}",
            "--Swarm:ListenInterface=lo",
            "--Swarm:ListenAddress=127.0.0.1",
            "--Swarm:Dht=false",
            "--Swarm:PeerExchange=false",
            "--Logging:LogLevel:Default=Warning",
            .. more,
        ]);
        await app.StartAsync();
        return app;
    }
}
