using LibraryCluster.Torrents.Engines.QBittorrent;

namespace LibraryCluster.Testing;

/// <summary>
/// A private qbittorrent-nox for one test (or one test class): Debian's package (scripts/test.sh installs it),
/// run by the product's <see cref="QBittorrentDaemon"/> on a fresh profile, WebUI and peers on 127.0.0.1 only,
/// on free ports, DHT, PeX and LSD off, state refreshed every 100 ms.
/// </summary>
public sealed class QBittorrentServer : IAsyncDisposable
{
    private readonly TempDirectory _folder = new();

    private QBittorrentServer(Func<QBittorrentDaemonOptions, QBittorrentDaemonOptions>? configure)
    {
        var options = new QBittorrentDaemonOptions
        {
            ProfileDirectory = _folder.Join("profile"),
            WebUiPort = LoopbackPorts.Free(),
            ListenPort = LoopbackPorts.Free(),
            ListenInterface = "lo",
            ListenAddress = "127.0.0.1",
            RefreshInterval = TimeSpan.FromMilliseconds(100),
            StartTimeout = TimeSpan.FromSeconds(60),
            RestartDelay = TimeSpan.FromMilliseconds(200),
        };
        Daemon = new QBittorrentDaemon(configure is null ? options : configure(options));
    }

    public QBittorrentDaemon Daemon { get; }

    public QBittorrentEngine Engine => Daemon.Engine;

    /// <summary>A folder of this server's own, e.g. for the data it seeds or fetches.</summary>
    public string Folder(string name)
    {
        var path = _folder.Join(name);
        Directory.CreateDirectory(path);
        return path;
    }

    public static async Task<QBittorrentServer> StartAsync(Func<QBittorrentDaemonOptions, QBittorrentDaemonOptions>? configure = null)
    {
        if (!File.Exists("/usr/bin/qbittorrent-nox"))
        {
            throw new InvalidOperationException("qbittorrent-nox is not installed: apt-get install qbittorrent-nox, or run scripts/test.sh, which does");
        }

        var server = new QBittorrentServer(configure);
        try
        {
            await server.Daemon.StartAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        _folder.Dispose();
    }
}
