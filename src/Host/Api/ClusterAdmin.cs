using System.Net.Http.Headers;
using System.Net.Http.Json;
using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Operations;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Host.Cluster;

namespace LibraryCluster.Host.Api;

/// <summary>
/// What the admin API does for the whole cluster from any node: reads the map, placement and replicas from the
/// database (the shared one, or a single node's node.db), applies an operator's map change conditional on the
/// epoch it was decided at (read again and decide again when another node changed the map first), and asks the
/// nodes holding a torrent to scrub it.
/// </summary>
public sealed partial class ClusterAdmin(ClusterRuntime cluster, MirrorNode node, ILogger<ClusterAdmin> logger)
{
    /// <summary>The header the CLI names its user in (the context's user, or the login and host name).</summary>
    public const string UserHeader = "X-LibraryCluster-User";

    private const int Attempts = 5;

    public bool SingleNode => !cluster.Enabled;

    public string NodeId => cluster.NodeId;

    /// <summary>The agent's settings; null until the node has joined its map (the first second after start).</summary>
    public ClusterSettings? Settings => cluster.Joined;

    public ClusterStore Store => cluster.Map;

    /// <summary>One consistent look at the cluster, read now.</summary>
    public ClusterSnapshot Read()
    {
        var store = cluster.Map;
        var map = store.ReadMap();
        var placement = store.ReadPlacement();
        var holdings = store.ReadHoldings();
        return new ClusterSnapshot(map, store.ListTorrents(), store.ReplicationFactors(), store.ListReplicas(), TimeProvider.System.GetUtcNow()) { Placement = placement, Holdings = holdings };
    }

    /// <summary>
    /// Decides on a fresh snapshot and applies the change at its epoch; when another node changed the map in
    /// between, reads and decides again. The answering node's agent acts at once rather than at its next round.
    /// </summary>
    public (OperationDecision Decision, long Epoch) Apply(Func<ClusterSnapshot, OperationDecision> decide)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var snapshot = Read();
            var decision = decide(snapshot);
            if (decision is not OperationDecision.Change change)
            {
                return (decision, snapshot.Map.Epoch);
            }

            if (cluster.Map.Change(snapshot.Map.Epoch, TimeProvider.System.GetUtcNow(), [.. change.Changes]) is { } epoch)
            {
                foreach (var applied in change.Changes)
                {
                    LogChanged(logger, epoch, applied);
                }

                node.ReconcileNow();
                return (decision, epoch);
            }
        }

        throw new ClusterStoreException($"the cluster map changed {Attempts} times while this change was being decided; try again");
    }

    /// <summary>
    /// Who asked, for the journal: the user the client names (it is the client's word: the admin token is shared),
    /// where the request came from and which node it went through.
    /// </summary>
    public string Who(HttpContext context)
    {
        var named = context.Request.Headers[UserHeader].ToString();
        var user = new string([.. named.Where(c => !char.IsControl(c)).Take(64)]).Trim();
        var from = context.Connection.RemoteIpAddress?.ToString() ?? "an unknown address";
        return $"asked by {(user.Length > 0 ? user : "an unnamed client")} (as the client says; admin token) from {from} through {cluster.NodeId}";
    }

    /// <summary>Asks every node holding a copy of <paramref name="torrent"/> (null: of any torrent) to scrub it now.</summary>
    public async Task<ScrubResult> ScrubAsync(string? torrent, ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        var holders = torrent is null
            ? snapshot.Map.Nodes.Where(n => n.State is NodeState.Up or NodeState.Leaving).Select(n => n.Id).ToList()
            : [.. snapshot.ReplicasOf(torrent).Select(r => r.Node).Distinct(StringComparer.Ordinal)];
        var asked = new List<ScrubAsked>();
        foreach (var holder in holders.Order(StringComparer.Ordinal))
        {
            if (holder == cluster.NodeId)
            {
                asked.Add(new ScrubAsked(holder, ScrubHere(torrent), null));
                continue;
            }

            if (snapshot.Map.Node(holder) is not { State: NodeState.Up or NodeState.Leaving } peer)
            {
                asked.Add(new ScrubAsked(holder, 0, $"{holder} is {snapshot.Map.Node(holder)?.State.ToString() ?? "gone"}: not asked"));
                continue;
            }

            asked.Add(await AskPeerAsync(peer, torrent, cancellationToken).ConfigureAwait(false));
        }

        return new ScrubResult(torrent, asked);
    }

    /// <summary>Scrubs this node's copy of <paramref name="torrent"/> (null: every copy here); returns how many will be scrubbed.</summary>
    public int ScrubHere(string? torrent)
    {
        var count = 0;
        foreach (var replica in node.View.Replicas.Where(r => torrent is null || r.Torrent == torrent))
        {
            if (replica.State is ReplicaState.Healthy or ReplicaState.Damaged && node.Scrub(replica.Torrent))
            {
                count++;
            }
        }

        return count;
    }

    [LoggerMessage(2030, LogLevel.Warning, "operator changed the cluster map at epoch {Epoch}: {Change}")]
    private static partial void LogChanged(ILogger logger, long epoch, MapChange change);

    private async Task<ScrubAsked> AskPeerAsync(ClusterNode peer, string? torrent, CancellationToken cancellationToken)
    {
        var path = torrent is null ? "internal/scrub" : $"internal/replicas/{Uri.EscapeDataString(torrent)}/scrub";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(peer.Endpoint), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Options.Token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await cluster.Peers.SendAsync(request, timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? new ScrubAsked(peer.Id, await response.Content.ReadFromJsonAsync<int>(timeout.Token).ConfigureAwait(false), null)
                : new ScrubAsked(peer.Id, 0, $"{peer.Id} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            return new ScrubAsked(peer.Id, 0, $"{peer.Id} at {peer.Endpoint} did not answer: {e.Message}");
        }
    }
}
