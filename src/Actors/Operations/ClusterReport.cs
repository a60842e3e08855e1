using LibraryCluster.Actors.Cluster;

namespace LibraryCluster.Actors.Operations;

/// <summary>One node as <c>libcluster cluster show</c> lists it.</summary>
/// <remarks>
/// <para><c>HeartbeatAgeSeconds</c>: How long ago its last heartbeat was, as the answering node reads the database.</para>
/// <para><c>Replicas</c>: Copies the node records (any state); <c>Healthy</c> of them Healthy or being scrubbed.</para>
/// </remarks>
public sealed record NodeRow(
    string Id,
    string Endpoint,
    string Zone,
    NodeState State,
    string Reason,
    DateTimeOffset StateSince,
    DateTimeOffset Heartbeat,
    double HeartbeatAgeSeconds,
    int Volumes,
    int Replicas,
    int Healthy);

/// <summary>Every node of the cluster, as one node read the shared database.</summary>
/// <remarks>
/// <para><c>AnsweredBy</c>: The node that answered (any node answers for the whole cluster).</para>
/// <para><c>SingleNode</c>: True for a single-node mirror: a one-node cluster whose map lives in its own node.db.</para>
/// </remarks>
public sealed record ClusterOverview(long Epoch, string AnsweredBy, bool SingleNode, DateTimeOffset At, IReadOnlyList<NodeRow> Nodes);

/// <summary>The cluster in a few numbers, and what an operator should look at.</summary>
/// <remarks>
/// <para><c>Healthy</c>: No node Down, no volume Failed, no copy Damaged, every torrent with its full count of Healthy copies (a drain or leave under way, a node or volume Out, are not faults).</para>
/// <para><c>Replicas</c>: Copies on nodes that are Up or leaving, by state; <c>ReplicasOnNodesAway</c> the copies still recorded for nodes Down or Out.</para>
/// <para><c>Problems</c>: One line per thing that is not as it should be, worst first.</para>
/// <para><c>NotWanted</c>: Torrents the holdings policy wants no copy of (not chosen and nothing of them held, or released): not counted as missing.</para>
/// </remarks>
public sealed record ClusterStatus(
    long Epoch,
    string AnsweredBy,
    bool SingleNode,
    bool Healthy,
    IReadOnlyDictionary<string, int> Nodes,
    IReadOnlyDictionary<string, int> Volumes,
    int Torrents,
    long Bytes,
    IReadOnlyDictionary<string, int> Replicas,
    int ReplicasOnNodesAway,
    int FullyReplicated,
    int UnderReplicated,
    int Unavailable,
    int NotWanted,
    int Underplaced,
    long BytesToMove,
    IReadOnlyList<string> Problems);
