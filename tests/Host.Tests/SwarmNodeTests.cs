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
        await using var app = NodeApplication.Create(
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
        ]);
        await app.StartAsync();
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
}
