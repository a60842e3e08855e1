using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Host.Configuration;

namespace LibraryCluster.Host.Cluster;

/// <summary>
/// The node's cluster side, present in every node: in a cluster it holds the shared store, the view of the map
/// and the client peers are reached with; on a single node <see cref="Store"/> is null and the view stays empty.
/// </summary>
public sealed class ClusterRuntime : IDisposable
{
    /// <summary>Marks a request one node forwarded to another, so that it is never forwarded again.</summary>
    public const string ForwardedHeader = "X-LibraryCluster-Forwarded";

    public ClusterRuntime(ClusterOptions options)
    {
        Options = options;
        Peers = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(3),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (options.Enabled)
        {
            Store = new ClusterStore(ClusterDatabase.Postgres(options.Database!));
            Fetcher = new PeerFetcher(Peers, options.Token!, new TransferGate(new TransferOptions
            {
                MaxConcurrent = options.MaxConcurrentTransfers,
                BytesPerSecond = options.TransferMegabytesPerSecond > 0 ? (long)(options.TransferMegabytesPerSecond * 1e6) : null,
            }));
        }
    }

    public ClusterOptions Options { get; }

    public ClusterStore? Store { get; }

    public PeerFetcher? Fetcher { get; }

    public ClusterView View { get; } = new();

    /// <summary>For copying replicas and forwarding downloads; no overall timeout (a large copy takes long), a short connect one.</summary>
    public HttpClient Peers { get; }

    public bool Enabled => Store is not null;

    /// <summary>The agent's settings, once the node's own address is known.</summary>
    public ClusterSettings Settings(Uri endpoint) => new()
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

    public void Dispose() => Peers.Dispose();
}
