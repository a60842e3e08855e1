using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using LibraryCluster.Testing;

namespace LibraryCluster.Cluster.Tests;

/// <summary>
/// A cluster on 127.0.0.1 the way scripts/cluster.sh makes one: a private PostgreSQL server, N node processes with
/// two volumes each in alternating zones, and the sample collection whose data and .torrent files start on node1
/// only (the cluster spreads them to the replication factor). Everything lives in one temp folder.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    public const string Token = "chaos-cluster-token-0123456789abcdef";

    private readonly TempDirectory _root;
    private readonly List<NodeProcess> _nodes = [];

    private LocalCluster(TempDirectory root, PostgresServer postgres, string connectionString, ChaosSample sample)
    {
        _root = root;
        Postgres = postgres;
        ConnectionString = connectionString;
        Sample = sample;
        Tables = new ClusterTables(connectionString);
    }

    public PostgresServer Postgres { get; }

    public string ConnectionString { get; }

    public ChaosSample Sample { get; }

    public ClusterTables Tables { get; }

    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    public IReadOnlyList<NodeProcess> Running => [.. _nodes.Where(n => n.IsRunning)];

    public NodeProcess Node(string id) => _nodes.Single(n => n.Id == id);

    /// <summary>The repository: the folder holding LibraryCluster.sln, above the test's binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Join(directory.FullName, "LibraryCluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no LibraryCluster.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The node binary built with this test's configuration (the project reference builds it).</summary>
    public static string HostDll()
    {
        var configuration = typeof(LocalCluster).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value;
        var dll = Path.Join(RepositoryRoot(), "src", "Host", "bin", configuration, "net10.0", "LibraryCluster.Host.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build src/Host ({configuration}) first");
    }

    /// <summary>Starts PostgreSQL, makes the sample, prepares and starts <paramref name="count"/> nodes and waits until each answers /readyz.</summary>
    public static async Task<LocalCluster> StartAsync(int count, int replicationFactor, TimeSpan downOut, TimeSpan limit, CancellationToken cancellationToken)
    {
        var hostDll = HostDll();
        var root = new TempDirectory();
        PostgresServer? postgres = null;
        LocalCluster cluster;
        try
        {
            postgres = await PostgresServer.StartAsync();
            cluster = new LocalCluster(root, postgres, await postgres.CreateDatabaseAsync(), await ChaosSample.CreateAsync(root.Path, cancellationToken));
        }
        catch
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            root.Dispose();
            throw;
        }

        try
        {
            for (var i = 1; i <= count; i++)
            {
                cluster._nodes.Add(cluster.Prepare(i, hostDll, replicationFactor, downOut));
            }

            foreach (var node in cluster._nodes)
            {
                node.Start();
            }

            foreach (var node in cluster._nodes)
            {
                await cluster.WaitReadyAsync(node, limit, cancellationToken);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the node answers /readyz with 200.</summary>
    public async Task WaitReadyAsync(NodeProcess node, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        string last = "no answer yet";
        while (!timeout.IsCancellationRequested)
        {
            if (!node.IsRunning)
            {
                throw new InvalidOperationException($"{node.Id} exited while starting:\n{node.Tail(60)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(node.Endpoint, "readyz"), timeout.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(timeout.Token)}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                break;
            }

            await Task.Delay(200, CancellationToken.None);
        }

        throw new TimeoutException($"{node.Id} did not become ready within {limit.TotalSeconds:0} s (last: {last}):\n{node.Tail(60)}");
    }

    /// <summary>The last lines of every node's log, for failure messages.</summary>
    public string LogTails(int lines)
    {
        var text = new StringBuilder();
        foreach (var node in _nodes)
        {
            text.AppendLine($"==== {node.Id} ({(node.IsRunning ? "running" : "not running")}) {node.LogPath}, last {lines} lines:");
            text.AppendLine(node.Tail(lines));
        }

        return text.ToString();
    }

    /// <summary>Copies the node logs where they outlive the temp folder; returns that folder.</summary>
    public string KeepLogs()
    {
        var target = Path.Join(AppContext.BaseDirectory, "chaos-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(target);
        foreach (var node in _nodes.Where(n => File.Exists(n.LogPath)))
        {
            File.Copy(node.LogPath, Path.Join(target, node.Id + ".log"), overwrite: true);
        }

        var postgresLog = Path.Join(Postgres.DataDirectory, "server.log");
        if (File.Exists(postgresLog))
        {
            File.Copy(postgresLog, Path.Join(target, "postgres.log"), overwrite: true);
        }

        return target;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        await Postgres.DisposeAsync();
        _root.Dispose();
    }

    private NodeProcess Prepare(int i, string hostDll, int replicationFactor, TimeSpan downOut)
    {
        var id = $"node{i}";
        var directory = _root.Join(id);
        foreach (var folder in new[] { "volumes/a", "volumes/b", "watch" })
        {
            Directory.CreateDirectory(Path.Join(directory, folder));
        }

        File.Copy(Sample.CatalogPath, Path.Join(directory, "catalog.db"));
        if (i == 1)
        {
            // The collection's data starts on node1; the .torrent files in its watch folder make them the cluster's.
            foreach (var data in Directory.GetDirectories(Path.Join(Sample.Directory, "data")))
            {
                Directory.Move(data, Path.Join(directory, "volumes", "a", Path.GetFileName(data)));
            }

            foreach (var torrent in Directory.GetFiles(Path.Join(Sample.Directory, "torrents"), "*.torrent"))
            {
                File.Copy(torrent, Path.Join(directory, "watch", Path.GetFileName(torrent)));
            }
        }

        var zone = $"zone{((i - 1) % 2) + 1}";
        var port = FreePort();
        string[] arguments =
        [
            "--urls", $"http://127.0.0.1:{port}",
            "--data-dir", directory,
            "--admin-token", Token,
            "--Node:Volumes:0:Id=a", $"--Node:Volumes:0:Path={Path.Join(directory, "volumes", "a")}",
            "--Node:Volumes:1:Id=b", $"--Node:Volumes:1:Path={Path.Join(directory, "volumes", "b")}",
            "--Node:VolumeProbeInterval=00:00:02",
            $"--Cluster:Database={ConnectionString}",
            $"--Cluster:NodeId={id}",
            $"--Cluster:Token={Token}",
            $"--Cluster:Zone={zone}",
            $"--Cluster:ReplicationFactor={replicationFactor}",
            $"--Cluster:DownOutInterval={downOut:c}",
            "--Logging:LogLevel:LibraryCluster=Debug",
            "--Logging:Console:FormatterName=simple",
            "--Logging:Console:FormatterOptions:SingleLine=true",
            "--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ",
            "--Logging:Console:FormatterOptions:UseUtcTimestamp=true",
        ];
        return new NodeProcess(id, zone, port, directory, hostDll, arguments);
    }

    /// <summary>
    /// A free port below Linux's ephemeral range (32768 and up), so that no outgoing connection takes it between
    /// now and the node's start, nor while a killed node is away and its port is to be used again.
    /// </summary>
    private int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            if (_nodes.Any(n => n.Endpoint.Port == port))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        throw new InvalidOperationException("no free port between 20000 and 32000 on 127.0.0.1");
    }
}
