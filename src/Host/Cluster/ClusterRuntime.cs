using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Host.Configuration;

namespace LibraryCluster.Host.Cluster;

/// <summary>
/// The node's cluster side, present in every node: in a cluster it holds the shared store, the view of the map
/// and the client peers are reached with. A single node (no <c>Cluster:Database</c>) is a cluster of one: its map
/// lives in its own node.db (<see cref="Map"/>), so that placement, drains and the admin API work the same;
/// <see cref="Store"/> (the shared database) is null there and nothing is forwarded to peers.
/// </summary>
public sealed class ClusterRuntime : IDisposable
{
    /// <summary>Marks a request one node forwarded to another, so that it is never forwarded again.</summary>
    public const string ForwardedHeader = "X-LibraryCluster-Forwarded";

    /// <summary>A single node's id in its own map (and in node.db's replica rows).</summary>
    public const string SingleNodeId = "local";

    private readonly Lazy<ClusterStore> _map;

    public ClusterRuntime(ClusterOptions options, NodeOptions node)
    {
        Options = options;
        Peers = PeerClient();
        // Copies have connections of their own: a peer answers them by sendfile until a connection carries any other
        // request (a forwarded download), which leaves that connection to Kestrel's slower path (PeerFileSender).
        Transfers = PeerClient();
        if (options.Enabled)
        {
            Store = new ClusterStore(ClusterDatabase.Postgres(options.Database!));
            Fetcher = new PeerFetcher(Transfers, options.Token!, new TransferGate(new TransferOptions
            {
                MaxConcurrent = options.MaxConcurrentTransfers,
                BytesPerSecond = options.TransferMegabytesPerSecond > 0 ? (long)(options.TransferMegabytesPerSecond * 1e6) : null,
            }));
        }

        _map = new Lazy<ClusterStore>(() =>
        {
            if (Store is { } shared)
            {
                return shared;
            }

            Directory.CreateDirectory(node.DataDirectory);
            return new ClusterStore(ClusterDatabase.Sqlite(node.NodeStorePath));
        });
    }

    /// <summary>The store of the map this node belongs to: the shared database, or a single node's node.db.</summary>
    public ClusterStore Map => _map.Value;

    /// <summary>This node's id in the map.</summary>
    public string NodeId => Enabled ? Options.NodeId : SingleNodeId;

    /// <summary>The settings the node's agent runs with, once it has joined the map (null while starting).</summary>
    public ClusterSettings? Joined { get; set; }

    public ClusterOptions Options { get; }

    public ClusterStore? Store { get; }

    public PeerFetcher? Fetcher { get; }

    public ClusterView View { get; } = new();

    /// <summary>For forwarding downloads and asking peers things.</summary>
    public HttpClient Peers { get; }

    /// <summary>For copying replicas only (<see cref="Fetcher"/>).</summary>
    public HttpClient Transfers { get; }

    public bool Enabled => Store is not null;

    /// <summary>A client for peers: no overall timeout (a large copy takes long), a short connect one.</summary>
    private static HttpClient PeerClient() => new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(3),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>
    /// The agent's settings, once the node's own address is known. A single node keeps one copy of each torrent
    /// and renews its lease rarely: nobody else reads it.
    /// </summary>
    public ClusterSettings Settings(Uri endpoint) => !Enabled
        ? new ClusterSettings
        {
            NodeId = SingleNodeId,
            Endpoint = endpoint,
            HeartbeatInterval = TimeSpan.FromSeconds(5),
            DownAfter = TimeSpan.FromSeconds(30),
            ReconcileInterval = Options.ReconcileInterval >= TimeSpan.FromMilliseconds(100) ? Options.ReconcileInterval : TimeSpan.FromSeconds(2),
            DefaultReplicationFactor = 1,
        }
        : new()
    {
        NodeId = Options.NodeId,
        Endpoint = Options.Endpoint is { } configured ? new Uri(configured.EndsWith('/') ? configured : configured + "/") : endpoint,
        Zone = Options.Zone,
        HeartbeatInterval = Options.HeartbeatInterval,
        DownAfter = Options.DownAfter,
        DownOutInterval = Options.DownOutInterval,
        ReconcileInterval = Options.ReconcileInterval,
        DefaultReplicationFactor = Options.ReplicationFactor,
    };

    public void Dispose()
    {
        Peers.Dispose();
        Transfers.Dispose();
    }
}
