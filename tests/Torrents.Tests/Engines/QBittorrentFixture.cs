using LibraryCluster.Testing;

namespace LibraryCluster.Torrents.Tests.Engines;

/// <summary>One qbittorrent-nox shared by the tests of a class; each test adds torrents of its own.</summary>
public sealed class QBittorrentFixture : IAsyncLifetime
{
    private QBittorrentServer? _server;

    public QBittorrentServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await QBittorrentServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
