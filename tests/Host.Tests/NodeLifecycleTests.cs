using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using LibraryCluster.Testing;

namespace LibraryCluster.Host.Tests;

/// <summary>A node whose volumes are probed every second, so that a vanished disk is noticed quickly.</summary>
public sealed class FastProbeNodeFixture : NodeFixture
{
    public override TimeSpan ProbeInterval => TimeSpan.FromSeconds(1);
}

/// <summary>Changes to a running node: a torrent added through the API, a volume that disappears.</summary>
public sealed class NodeLifecycleTests(FastProbeNodeFixture node) : IClassFixture<FastProbeNodeFixture>
{
    private Task<JsonElement> TorrentAsync(string name) =>
        Eventually.UntilAsync(
            () => node.Admin.GetFromJsonAsync<JsonElement>("/api/admin/torrents"),
            list => list.EnumerateArray().Any(t => t.GetProperty("name").GetString() == name))
        .ContinueWith(t => t.Result.EnumerateArray().First(x => x.GetProperty("name").GetString() == name), TaskScheduler.Default);

    [Fact]
    public async Task A_torrent_added_through_the_api_adopts_the_data_already_on_a_volume_and_its_books_download()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Join(node.DataDirectory, "demo-sample", "torrents", NodeFixture.NotHeldTorrent + ".torrent"));

        using var added = await node.Admin.PutAsync($"/api/admin/torrents/{NodeFixture.NotHeldTorrent}", new ByteArrayContent(bytes));

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var result = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("b", result.GetProperty("volume").GetString());
        await Eventually.UntilAsync(
            () => node.Admin.GetFromJsonAsync<JsonElement>("/api/admin/torrents"),
            list => list.EnumerateArray().Any(t => t.GetProperty("name").GetString() == NodeFixture.NotHeldTorrent && NodeFixture.ReplicaState(t) == "Healthy"));

        var book = node.NotHeldBook;
        var downloaded = await node.Client.GetByteArrayAsync($"/files/{book.Md5}");
        Assert.Equal(book.Md5, Convert.ToHexStringLower(MD5.HashData(downloaded)));
    }

    [Fact]
    public async Task A_volume_that_disappears_turns_its_replicas_lost_places_them_again_on_the_other_volume_and_the_api_dashboard_and_downloads_say_so()
    {
        var onA = (await node.Admin.GetFromJsonAsync<JsonElement>("/api/admin/torrents")).EnumerateArray()
            .Where(t => t.GetProperty("volume").GetString() == "a").Select(t => t.GetProperty("name").GetString()!).ToList();
        Assert.NotEmpty(onA);
        var book = node.Manifest.Records.First(r => r.HasFile && r.Visible.Length == 0 && r.Torrent == onA[0] && r.ZipEntry is null);
        Assert.Equal(HttpStatusCode.OK, (await node.Client.GetAsync($"/files/{book.Md5}", HttpCompletionOption.ResponseHeadersRead)).StatusCode);

        Directory.Delete(Path.Join(node.DataDirectory, "volumes", "a"), recursive: true);

        var volumes = await Eventually.UntilAsync(
            () => node.Admin.GetFromJsonAsync<JsonElement>("/api/admin/volumes"),
            list => list.EnumerateArray().Any(v => v.GetProperty("id").GetString() == "a" && v.GetProperty("state").GetString() == "Failed"));
        Assert.Contains("vanished", volumes.EnumerateArray().First(v => v.GetProperty("id").GetString() == "a").GetProperty("reason").GetString(), StringComparison.Ordinal);
        // The node is a cluster of one: its copies are Lost, then placed again on volume b, where they wait for a source.
        foreach (var name in onA)
        {
            var torrent = await Eventually.UntilAsync(() => TorrentAsync(name), t => NodeFixture.ReplicaState(t) == "Absent" && t.GetProperty("volume").GetString() == "b");
            Assert.Contains("after volume a failed", torrent.GetProperty("replica").GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        using var download = await node.Client.GetAsync($"/files/{book.Md5}");
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.Contains("does not hold intact (absent)", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var journal = await node.Admin.GetFromJsonAsync<JsonElement>("/api/admin/journal?limit=1000");
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("volume").GetString() == "a" && e.GetProperty("torrent").ValueKind == JsonValueKind.Null && e.GetProperty("to").GetString() == "Failed");
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("volume").GetString() == "a" && e.GetProperty("torrent").GetString() == onA[0] && e.GetProperty("to").GetString() == "Lost");

        using var dashboard = new HttpRequestMessage(HttpMethod.Get, "/admin");
        dashboard.Headers.Authorization = new("Bearer", NodeFixture.AdminToken);
        var html = await (await node.Client.SendAsync(dashboard)).Content.ReadAsStringAsync();
        Assert.Contains("<span class=\"badge bad\">Failed</span>", html, StringComparison.Ordinal);
        Assert.Contains(">Absent<", html, StringComparison.Ordinal);

        // One volume still works, so the node stays ready and says what is wrong.
        var ready = await node.Client.GetStringAsync("/readyz");
        Assert.StartsWith("ready: volume a Failed", ready, StringComparison.Ordinal);
        Assert.Contains("librarycluster_volume_up{volume=\"a\"} 0", await node.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }
}
