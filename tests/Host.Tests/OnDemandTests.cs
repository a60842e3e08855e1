using System.Net;
using System.Net.Http.Json;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Host.Node;
using LibraryCluster.Host.Serving;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LibraryCluster.Host.Tests;

/// <summary>
/// On-demand fetch of one book through real qbittorrent-nox daemons on loopback: the node has the catalogue and
/// the .torrent, another peer in the swarm has the data. A download shows progress, then serves the verified
/// file, which stays as a partial copy; files that share no piece with it are never fetched.
/// </summary>
[Trait("Category", "Swarm")]
public sealed class OnDemandTests : IAsyncLifetime
{
    private const string Torrent = "r_000";
    private readonly TempDirectory _temp = new();
    private LoopbackTracker _tracker = null!;
    private QBittorrentServer _seeder = null!;

    public async Task InitializeAsync()
    {
        _tracker = LoopbackTracker.Start();
        _seeder = await QBittorrentServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _seeder.DisposeAsync();
        await _tracker.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_book_not_held_is_fetched_from_the_swarm_with_progress_verified_served_and_kept_as_a_partial_copy()
    {
        // A small collection whose .torrent files announce to the loopback tracker; pieces of 64 KiB, so that a
        // book spans a few pieces and shares its first and last with its neighbours.
        var data = _temp.Join("node");
        var options = new NodeOptions { DataDirectory = data };
        await DemoCollection.PrepareAsync(options, NullLogger.Instance, CancellationToken.None, DemoCollection.Sample with
        {
            OutputDirectory = string.Empty, Books = 300, Fiction = 0, Scimag = 0, SizeScale = 0.02, PieceLength = 64 * 1024, Announce = _tracker.AnnounceUrl,
        });

        // The node keeps the catalogue and the .torrent of r_000; its data moves to another peer of the swarm.
        var volume = options.EffectiveVolumes[0].Path;
        var elsewhere = _seeder.Folder("seed");
        Directory.Move(Path.Join(volume, Torrent), Path.Join(elsewhere, Torrent));
        var torrentFile = await File.ReadAllBytesAsync(Path.Join(options.EffectiveWatchDirectory, Torrent + ".torrent"));
        var metainfo = MetainfoParser.Parse(torrentFile);
        await _seeder.Engine.AddAsync(new TorrentAddRequest { Metainfo = torrentFile, SavePath = Path.Join(elsewhere, Torrent), SkipChecking = true });
        await Eventually.UntilAsync(() => _tracker.Announces(metainfo.InfoHash) >= 1);

        await using var app = await StartNodeAsync(data);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var node = app.Services.GetRequiredService<MirrorNode>();
        await Eventually.UntilAsync(() => node.View.Replica(Torrent)?.State == ReplicaState.Absent && node.View.Replicas.Count(r => r.IsHeld) == node.View.Torrents.Count() - 1);

        // A book in the middle of the torrent, and one at its end that shares no piece with it.
        var books = metainfo.Files.Where(f => !f.IsPadding).ToList();
        var wanted = books[books.Count / 2];
        var far = books[^1];
        var md5 = wanted.PathComponents[^1];
        var expected = await File.ReadAllBytesAsync(Path.Join(elsewhere, Torrent, Path.Join([.. wanted.PathComponents])));

        // A browser sees a page that reloads itself with the fetch's progress.
        using (var page = new HttpRequestMessage(HttpMethod.Get, $"/files/{md5}") { Headers = { { "Accept", "text/html" } } })
        using (var response = await client.SendAsync(page))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.True(response.Headers.Contains("Refresh"));
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("id=\"on-demand\"", html, StringComparison.Ordinal);
            Assert.Contains("BitTorrent swarm", html, StringComparison.Ordinal);
        }

        // A script polls the same address: 202 with JSON progress until the verified file comes.
        var phases = new List<string>();
        var served = await Eventually.UntilAsync(
            async () =>
            {
                using var response = await client.GetAsync($"/files/{md5}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await response.Content.ReadAsByteArrayAsync();
                }

                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
                var view = await response.Content.ReadFromJsonAsync<OnDemandView>();
                phases.Add(view!.Phase);
                Assert.InRange(view.Progress, 0, 1);
                return null;
            },
            body => body is not null,
            TimeSpan.FromMilliseconds(200));

        Assert.Equal(expected, served);
        Assert.Equal("fetching", phases[0]);
        var replica = node.View.Replica(Torrent)!;
        Assert.Equal(ReplicaState.Partial, replica.State);
        Assert.True(replica.CanServe(wanted.Index));
        Assert.False(replica.CanServe(far.Index));
        Assert.False(File.Exists(Path.Join(volume, Torrent, Path.Join([.. far.PathComponents]))), "a file sharing no piece with the book was fetched");
        var fetched = metainfo.Files.Count(f => File.Exists(Path.Join(volume, Torrent, Path.Join([.. f.PathComponents]))));
        Assert.InRange(fetched, 1, 5);

        // The record page offers the same fetch for a book still not here; the held one downloads at once.
        var record = await client.GetStringAsync($"/records/{far.PathComponents[^1]}");
        Assert.Contains("id=\"fetch\"", record, StringComparison.Ordinal);
        Assert.Contains("id=\"download\"", await client.GetStringAsync($"/records/{md5}"), StringComparison.Ordinal);
    }

    /// <summary>A node that runs its own qbittorrent-nox on 127.0.0.1 and fetches on demand.</summary>
    private static async Task<WebApplication> StartNodeAsync(string data)
    {
        var app = NodeApplication.Create(
        [
            "--urls", "http://127.0.0.1:0",
            "--data-dir", data,
            "--Swarm:DaemonPath=qbittorrent-nox",
            $"--Swarm:WebUiPort={LoopbackPorts.Free()}",
            $"--Swarm:ListenPort={LoopbackPorts.Free()}",
            "--Swarm:ListenInterface=lo",
            "--Swarm:ListenAddress=127.0.0.1",
            "--Swarm:Dht=false",
            "--Swarm:PeerExchange=false",
            "--Swarm:PollInterval=00:00:00.300",
            "--Swarm:FetchOnDemand=true",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        return app;
    }
}
