using System.Diagnostics;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Engines.QBittorrent;

namespace LibraryCluster.Torrents.Tests.Engines;

/// <summary>The supervisor around a real qbittorrent-nox: restarts, clean stops, start failures, leftovers.</summary>
[Trait("Category", "Swarm")]
public sealed class QBittorrentDaemonTests
{
    [Fact]
    public async Task A_Killed_Daemon_Is_Restarted_With_Its_Torrents()
    {
        await using var server = await QBittorrentServer.StartAsync();
        var save = server.Folder("data");
        var (bytes, torrent) = await TestData.SeedTorrentAsync(save, "r_2000", null, 16_384, 3, ("x", 50_000));
        await server.Engine.AddAsync(new TorrentAddRequest { Metainfo = bytes, SavePath = save, SkipChecking = true });
        await TorrentWait.UntilSeedingAsync(server.Engine, torrent.InfoHash);
        var first = server.Daemon.ProcessId!.Value;

        Process.GetProcessById(first).Kill();

        await Eventually.UntilAsync(() => Task.FromResult((server.Daemon.Starts, server.Daemon.State)), s => s is (2, DaemonState.Running), TimeSpan.FromMilliseconds(20));
        Assert.NotEqual(first, server.Daemon.ProcessId);
        Assert.Contains($"qbittorrent-nox (pid {first}) exited with code", server.Daemon.LastProblem, StringComparison.Ordinal);
        Assert.True((await server.Engine.CheckHealthAsync()).Answering);
        await TorrentWait.UntilSeedingAsync(server.Engine, torrent.InfoHash);
    }

    [Fact]
    public async Task A_Daemon_Alive_But_Silent_Is_Killed_And_Restarted()
    {
        await using var server = await QBittorrentServer.StartAsync(o => o with
        {
            HealthCheckInterval = TimeSpan.FromMilliseconds(200), HealthCheckTimeout = TimeSpan.FromMilliseconds(500), SilentChecksBeforeRestart = 2,
        });
        var first = server.Daemon.ProcessId!.Value;

        // Frozen: the process is there, its WebAPI never answers (what a deadlocked daemon looks like from outside).
        Process.Start("kill", ["-STOP", first.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

        await Eventually.UntilAsync(() => Task.FromResult((server.Daemon.Starts, server.Daemon.State)), s => s is (2, DaemonState.Running), TimeSpan.FromMilliseconds(20));
        Assert.False(Processes.IsRunning(first));
        Assert.Contains($"qbittorrent-nox (pid {first}) was running but did not answer its WebAPI 2 times in a row", server.Daemon.LastProblem, StringComparison.Ordinal);
        Assert.True((await server.Engine.CheckHealthAsync()).Answering);
    }

    [Fact]
    public async Task Stopping_Shuts_The_Daemon_Down_And_It_Starts_Again_With_Its_Torrents()
    {
        var server = await QBittorrentServer.StartAsync();
        await using (server)
        {
            var save = server.Folder("data");
            var (bytes, torrent) = await TestData.SeedTorrentAsync(save, "r_3000", null, 16_384, 5, ("y", 70_000));
            await server.Engine.AddAsync(new TorrentAddRequest { Metainfo = bytes, SavePath = save, SkipChecking = true });
            await TorrentWait.UntilSeedingAsync(server.Engine, torrent.InfoHash);
            var pid = server.Daemon.ProcessId!.Value;

            await server.Daemon.StopAsync();

            Assert.Equal(DaemonState.Stopped, server.Daemon.State);
            Assert.Null(server.Daemon.ProcessId);
            Assert.False(Processes.IsRunning(pid));
            Assert.False((await server.Engine.CheckHealthAsync()).Answering);

            // A new supervisor on the same profile finds the torrent again (the profile keeps it).
            await using var again = new QBittorrentDaemon(server.Daemon.Options);
            await again.StartAsync();
            await TorrentWait.UntilSeedingAsync(again.Engine, torrent.InfoHash);
        }
    }

    [Fact]
    public async Task A_Daemon_That_Cannot_Start_Is_Reported_With_The_Reason()
    {
        using var profile = new TempDirectory();
        await using var daemon = new QBittorrentDaemon(new QBittorrentDaemonOptions
        {
            ExecutablePath = profile.Join("no-such-qbittorrent-nox"),
            ProfileDirectory = profile.Join("profile"),
            WebUiPort = LoopbackPorts.Free(),
            StartTimeout = TimeSpan.FromSeconds(2),
        });

        var error = await Assert.ThrowsAsync<TorrentEngineException>(() => daemon.StartAsync());

        Assert.Equal(EngineErrorKind.Unavailable, error.Kind);
        Assert.Contains($"cannot start {profile.Join("no-such-qbittorrent-nox")}", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install qbittorrent-nox", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Daemon_Left_Over_On_Our_Port_Is_Asked_To_Quit_Before_Ours_Starts()
    {
        using var folder = new TempDirectory();
        var options = new QBittorrentDaemonOptions
        {
            ProfileDirectory = folder.Join("profile"),
            WebUiPort = LoopbackPorts.Free(),
            ListenPort = LoopbackPorts.Free(),
            ListenInterface = "lo",
            ListenAddress = "127.0.0.1",
        };
        // As a node killed without stopping its daemon would leave it.
        QBittorrentConfig.Write(options);
        using var leftover = Process.Start(new ProcessStartInfo("qbittorrent-nox", $"--profile={options.ProfileDirectory}") { RedirectStandardInput = true, RedirectStandardOutput = true })!;
        await using var daemon = new QBittorrentDaemon(options);
        await Eventually.UntilAsync(() => daemon.Engine.CheckHealthAsync(), h => h.Answering, TimeSpan.FromMilliseconds(50));

        await daemon.StartAsync();

        Assert.True(leftover.HasExited);
        Assert.NotEqual(leftover.Id, daemon.ProcessId);
        Assert.True((await daemon.Engine.CheckHealthAsync()).Answering);
    }
}
