using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LibraryCluster.Host;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Host.Node;
using LibraryCluster.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;

namespace LibraryCluster.Cli.Tests;

/// <summary>
/// A local cluster of two nodes in this process over a private PostgreSQL server, replication factor 2, each
/// node with volumes a and b; the sample's data starts on node1 and the cluster copies it to node2.
/// </summary>
public sealed class TwoNodeCluster : IAsyncLifetime
{
    public const string ClusterToken = "cli-test-cluster-token-0123456789";

    private readonly List<WebApplication> _nodes = [];
    private PostgresServer? _postgres;

    public TempDirectory Temp { get; } = new();

    public Dictionary<string, string> Addresses { get; } = new(StringComparer.Ordinal);

    public int Torrents { get; private set; }

    public string VolumePath(string node, string volume) => Temp.Join(node, "volumes", volume);

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        var database = await _postgres.CreateDatabaseAsync();
        var node1 = new NodeOptions { DataDirectory = Temp.Join("node1"), Demo = true };
        await DemoCollection.PrepareAsync(node1, NullLogger.Instance, CancellationToken.None, RunningNode.DefaultSample);
        Torrents = Directory.GetFiles(node1.EffectiveWatchDirectory, "*.torrent").Length;
        Directory.CreateDirectory(Temp.Join("node2"));
        File.Copy(node1.CatalogPath, Temp.Join("node2", "catalog.db"));
        foreach (var (id, zone) in new[] { ("node1", "zone1"), ("node2", "zone2") })
        {
            var app = NodeApplication.Create(
            [
                "--urls", "http://127.0.0.1:0",
                "--data-dir", Temp.Join(id),
                "--admin-token", RunningNode.Token,
                $"--Node:Volumes:0:Id=a", $"--Node:Volumes:0:Path={VolumePath(id, "a")}",
                $"--Node:Volumes:1:Id=b", $"--Node:Volumes:1:Path={VolumePath(id, "b")}",
                $"--Cluster:Database={database}", $"--Cluster:NodeId={id}", $"--Cluster:Token={ClusterToken}", $"--Cluster:Zone={zone}",
                "--Cluster:ReplicationFactor=2", "--Cluster:ReconcileInterval=00:00:00.500",
                "--Logging:LogLevel:Default=Warning",
            ]);
            await app.StartAsync();
            _nodes.Add(app);
            Addresses[id] = app.Urls.First();
        }

        using var admin = new HttpClient { BaseAddress = new Uri(Addresses["node1"]) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RunningNode.Token);
        await Eventually.UntilAsync(
            async () => await admin.GetAsync("/api/admin/cluster/status") is { IsSuccessStatusCode: true } response ? await response.Content.ReadFromJsonAsync<JsonElement>() : default,
            status => status.ValueKind == JsonValueKind.Object && status.GetProperty("torrents").GetInt32() == Torrents
                && status.GetProperty("fullyReplicated").GetInt32() == Torrents && status.GetProperty("bytesToMove").GetInt64() == 0
                && status.GetProperty("nodes").GetProperty("Up").GetInt32() == 2,
            TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Runs libcluster against <paramref name="node"/> with the admin token.</summary>
    internal Task<(int ExitCode, string Output, string Error)> RunAsync(string node, params string[] args) =>
        CliRunner.RunAsync(new CliRun { Environment = new Dictionary<string, string?> { ["LIBCLUSTER_TOKEN"] = RunningNode.Token } }, [.. args, "--node", Addresses[node]]);

    internal async Task<JsonElement> JsonAsync(string node, params string[] args)
    {
        var (code, output, error) = await RunAsync(node, [.. args, "--json"]);
        Assert.True(code == 0, $"libcluster {string.Join(' ', args)} exited {code}: {error}");
        return JsonDocument.Parse(output).RootElement;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.StopAsync();
            await node.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        Temp.Dispose();
    }
}

/// <summary>The operator verbs in a real cluster: any node answers for all, a volume drains onto its node's other volume, refusals that protect copies.</summary>
[Trait("Category", "Integration")]
public sealed class ClusterCommandTests(TwoNodeCluster cluster) : IClassFixture<TwoNodeCluster>
{
    [Fact]
    public async Task Any_node_answers_for_the_whole_cluster()
    {
        foreach (var asked in new[] { "node1", "node2" })
        {
            var (code, output, error) = await cluster.RunAsync(asked, "cluster", "show");
            Assert.True(code == 0, error);
            Assert.Contains(output.Split('\n'), l => l.TrimStart().StartsWith("node1 ", StringComparison.Ordinal) && l.Contains("zone1", StringComparison.Ordinal));
            Assert.Contains(output.Split('\n'), l => l.TrimStart().StartsWith("node2 ", StringComparison.Ordinal) && l.Contains("zone2", StringComparison.Ordinal));
            Assert.Equal("Count: 2 nodes", output.TrimEnd().Split('\n')[^1]);
        }

        var torrents = await cluster.JsonAsync("node2", "torrents", "list");
        Assert.All(torrents.EnumerateArray(), t => Assert.Equal(2, t.GetProperty("healthy").GetInt32()));
        var scrub = await cluster.JsonAsync("node1", "torrents", "scrub", "r_000");
        Assert.Equal(["node1", "node2"], scrub.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("node").GetString()));
        Assert.All(scrub.GetProperty("nodes").EnumerateArray(), n => Assert.Equal(JsonValueKind.Null, n.GetProperty("error").ValueKind));
    }

    [Fact]
    public async Task Leaving_or_downing_a_node_whose_copies_nobody_else_can_take_is_refused()
    {
        var leave = await cluster.RunAsync("node1", "cluster", "leave", "node2");
        Assert.Equal(6, leave.ExitCode);
        Assert.Contains("nowhere to go", leave.Error, StringComparison.Ordinal);

        var down = await cluster.RunAsync("node1", "cluster", "down", "node2");
        Assert.Equal(6, down.ExitCode);
        Assert.Contains("heartbeating", down.Error, StringComparison.Ordinal);

        var unreachable = await cluster.RunAsync("node1", "cluster", "down-unreachable");
        Assert.Equal(0, unreachable.ExitCode);
        Assert.Contains("no node is unreachable", unreachable.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_drained_volume_hands_its_copies_to_the_other_volume_of_its_node_and_is_empty_and_out()
    {
        // Drain whichever of node2's volumes holds more: its copies can only go to node2's other volume (node1 has one already).
        var volumes = await cluster.JsonAsync("node1", "volumes", "list");
        var drained = volumes.EnumerateArray().Where(v => v.GetProperty("node").GetString() == "node2").MaxBy(v => v.GetProperty("replicas").GetInt32());
        var id = drained.GetProperty("id").GetString()!;
        var other = id.EndsWith("/a", StringComparison.Ordinal) ? "b" : "a";
        Assert.True(drained.GetProperty("replicas").GetInt32() > 0);

        var (code, output, error) = await cluster.RunAsync("node1", "volumes", "drain", id, "--wait");

        Assert.True(code == 0, error);
        Assert.Contains($"{id} is Out: drained", output, StringComparison.Ordinal);
        var shown = await cluster.JsonAsync("node2", "volumes", "show", id);
        Assert.Empty(shown.GetProperty("replicas").EnumerateArray());
        Assert.Empty(Directory.EnumerateDirectories(cluster.VolumePath("node2", id[(id.IndexOf('/', StringComparison.Ordinal) + 1)..])));
        var torrents = await cluster.JsonAsync("node1", "torrents", "list");
        Assert.All(torrents.EnumerateArray(), t =>
        {
            Assert.Equal(2, t.GetProperty("healthy").GetInt32());
            Assert.Contains(t.GetProperty("copies").EnumerateArray(), c => c.GetProperty("node").GetString() == "node2" && c.GetProperty("volume").GetString() == other && c.GetProperty("state").GetString() == "Healthy");
        });
        var status = await cluster.RunAsync("node2", "cluster", "status");
        Assert.Equal(0, status.ExitCode);
    }
}
