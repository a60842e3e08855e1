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

namespace LibraryCluster.Cli.Tests;

/// <summary>
/// A real single-node mirror on a loopback port, in this process, for libcluster (a separate process) to talk to:
/// five small torrents adopted on two volumes, a and b, and the node joined to its own one-node map.
/// </summary>
public class RunningNode : IAsyncLifetime
{
    public const string Token = "cli-test-admin-token-0123456789";

    /// <summary>The sample collection every running node starts with.</summary>
    internal static readonly SampleOptions DefaultSample = new()
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

    public string Address { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public SampleManifest Manifest { get; private set; } = null!;

    public string DataDirectory => Temp.Join("data");

    public string Volume(string id) => Path.Join(DataDirectory, "volumes", id);

    public async Task InitializeAsync()
    {
        var options = new NodeOptions { DataDirectory = DataDirectory, Demo = true };
        await DemoCollection.PrepareAsync(options, NullLogger.Instance, CancellationToken.None, Sample);
        Manifest = await SampleGenerator.LoadManifestAsync(Path.Join(DataDirectory, "demo-sample"));
        BeforeStart();
        _app = NodeApplication.Create(
        [
            "--urls", "http://127.0.0.1:0",
            "--data-dir", DataDirectory,
            "--admin-token", Token,
            "--demo",
            "--Cluster:ReconcileInterval=00:00:00.500",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
        Address = _app.Urls.First();
        Admin = new HttpClient { BaseAddress = new Uri(Address) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        // Every torrent adopted, in the map, and placed: the one-node cluster is settled.
        await Eventually.UntilAsync(
            async () => await Admin.GetAsync("/api/admin/cluster/status") is { IsSuccessStatusCode: true } response ? await response.Content.ReadFromJsonAsync<JsonElement>() : default,
            status => status.ValueKind == JsonValueKind.Object
                && status.GetProperty("torrents").GetInt32() == Manifest.Torrents.Count
                && status.GetProperty("fullyReplicated").GetInt32() == Manifest.Torrents.Count - NotWhole
                && status.GetProperty("underplaced").GetInt32() == 0,
            TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The sample collection this node starts with.</summary>
    protected virtual SampleOptions Sample => DefaultSample;

    /// <summary>Changes the node's data before it starts (the sample is generated and on its volumes).</summary>
    protected virtual void BeforeStart()
    {
    }

    /// <summary>Torrents whose data <see cref="BeforeStart"/> left incomplete: they never count as fully replicated.</summary>
    protected virtual int NotWhole => 0;

    /// <summary>Runs libcluster against this node with the admin token in LIBCLUSTER_TOKEN.</summary>
    internal Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync(new CliRun { Environment = new Dictionary<string, string?> { ["LIBCLUSTER_TOKEN"] = Token } }, [.. args, "--node", Address]);

    /// <summary>Runs libcluster and parses what it printed as JSON (it must exit 0).</summary>
    internal async Task<JsonElement> JsonAsync(params string[] args)
    {
        var (code, output, error) = await RunAsync([.. args, "--json"]);
        Assert.True(code == 0, $"libcluster {string.Join(' ', args)} exited {code}: {error}");
        return JsonDocument.Parse(output).RootElement;
    }

    public async Task DisposeAsync()
    {
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
