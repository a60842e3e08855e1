using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LibraryCluster.Host;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Host.Node;
using LibraryCluster.Samples;
using LibraryCluster.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;

namespace LibraryCluster.Host.Tests;

/// <summary>
/// A real node on a loopback port over a small generated collection: three scitech torrents, fiction and
/// scimag on two volumes, all adopted, except r_2000, which is in the catalogue but deliberately not held.
/// </summary>
public class NodeFixture : IAsyncLifetime
{
    public const string AdminToken = "test-admin-token-0123456789";

    public const string NotHeldTorrent = "r_2000";

    private static readonly SampleOptions Sample = new()
    {
        OutputDirectory = string.Empty,
        Books = 60,
        IdGap = 40,
        Fiction = 20,
        Scimag = 60,
        Seed = 7,
    };

    private WebApplication? _app;

    public TempDirectory Temp { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public SampleManifest Manifest { get; private set; } = null!;

    public string DataDirectory => Temp.Join("data");

    public virtual TimeSpan ProbeInterval => TimeSpan.FromSeconds(30);

    /// <summary>A visible book whose torrent this node holds.</summary>
    public SampleRecord HeldBook => Manifest.Records.First(r => r.Collection == Catalog.Collection.Scitech && r.HasFile && r.Visible.Length == 0 && r.Torrent != NotHeldTorrent);

    public SampleRecord NotHeldBook => Manifest.Records.First(r => r.Collection == Catalog.Collection.Scitech && r.HasFile && r.Visible.Length == 0 && r.Torrent == NotHeldTorrent);

    public SampleRecord Article => Manifest.Records.First(r => r.Collection == Catalog.Collection.Scimag && r.HasFile && r.Visible.Length == 0 && r.Doi is not null);

    public async Task InitializeAsync()
    {
        var options = new NodeOptions { DataDirectory = DataDirectory, Demo = true };
        await DemoCollection.PrepareAsync(options, NullLogger.Instance, CancellationToken.None, Sample);
        Manifest = await SampleGenerator.LoadManifestAsync(Path.Join(DataDirectory, "demo-sample"));
        File.Delete(Path.Join(options.EffectiveWatchDirectory, NotHeldTorrent + ".torrent"));

        _app = NodeApplication.Create(
        [
            "--urls", "http://127.0.0.1:0",
            "--data-dir", DataDirectory,
            "--admin-token", AdminToken,
            "--demo",
            $"--Node:VolumeProbeInterval={ProbeInterval}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First());
        Client = new HttpClient { BaseAddress = BaseAddress };
        Admin = new HttpClient { BaseAddress = BaseAddress };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);

        // The watch folder registers the torrents; each replica adopts its data by verifying it.
        var expected = Manifest.Torrents.Count - 1;
        await Eventually.UntilAsync(
            () => Admin.GetFromJsonAsync<JsonElement>("/api/admin/torrents"),
            torrents => torrents.GetArrayLength() == expected && torrents.EnumerateArray().All(t => ReplicaState(t) == "Healthy"));
    }

    /// <summary>A torrent's replica state from /api/admin/torrents, or null while its actor is starting.</summary>
    public static string? ReplicaState(JsonElement torrent) =>
        torrent.GetProperty("replica") is { ValueKind: JsonValueKind.Object } replica ? replica.GetProperty("state").GetString() : null;

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Admin?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Temp.Dispose();
        GC.SuppressFinalize(this);
    }
}
