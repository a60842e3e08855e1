using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Operations;

/// <summary>What an operator's request comes to, decided from one snapshot before anything is written.</summary>
public abstract record OperationDecision
{
    /// <summary>Change the map so (conditional on the snapshot's epoch).</summary>
    public sealed record Change(IReadOnlyList<MapChange> Changes, string Message) : OperationDecision;

    /// <summary>The cluster is already so: nothing to write (requests are idempotent).</summary>
    public sealed record Nothing(string Message) : OperationDecision;

    /// <summary>Not done, because it would lose data or cannot work; <see cref="Torrents"/> names what it would hurt.</summary>
    public sealed record Refused(string Reason, IReadOnlyList<string> Torrents) : OperationDecision;

    /// <summary>No such node or volume.</summary>
    public sealed record Unknown(string Message) : OperationDecision;
}

/// <summary>
/// The operator's map changes (<c>libcluster cluster leave|down|down-unreachable</c>, <c>volumes
/// drain|out|in|fail</c>), each checked against one snapshot: refused with a reason when it would lose data or
/// could never finish, nothing when the cluster is already so. Every change's reason says who asked, and the
/// store journals it with the change.
/// </summary>
public static class ClusterOperations
{
    /// <summary>The node hands its copies over to the others (make before break), then is Out.</summary>
    public static OperationDecision Leave(ClusterSnapshot snapshot, ClusterSettings settings, string node, string who)
    {
        if (snapshot.Map.Node(node) is not { } member)
        {
            return new OperationDecision.Unknown($"the cluster has no node {node}");
        }

        switch (member.State)
        {
            case NodeState.Out:
                return new OperationDecision.Nothing($"{node} is Out already ({member.Reason})");
            case NodeState.Leaving:
                return new OperationDecision.Nothing($"{node} is leaving already: its copies are moving to other nodes");
            case NodeState.Down:
                return Refuse($"{node} is Down: it cannot hand its copies over. Bring it back, or write it off with 'libcluster cluster down {node}' (its copies are then made again from the others)");
        }

        if (!snapshot.Map.Nodes.Any(n => n.Id != node && n.State == NodeState.Up))
        {
            return Refuse($"{node} is the only node that is Up: there is no other node to move its copies to");
        }

        var after = snapshot.Map with { Nodes = [.. snapshot.Map.Nodes.Select(n => n.Id == node ? n with { State = NodeState.Leaving } : n)] };
        if (Stranded(snapshot, settings, after, r => r.Node == node) is { Count: > 0 } stranded)
        {
            return Refuse($"{node} cannot leave: {Describe(snapshot, stranded, r => r.Node == node)}", stranded);
        }

        return new OperationDecision.Change([new MapChange.SetNode(node, NodeState.Leaving, $"leaving: {who}")], $"{node} is leaving: its copies move to other nodes (make before break), then it is Out");
    }

    /// <summary>A node that is gone is written off now: Out, its copies made again from the others.</summary>
    public static OperationDecision Down(ClusterSnapshot snapshot, ClusterSettings settings, string node, string who)
    {
        if (snapshot.Map.Node(node) is not { } member)
        {
            return new OperationDecision.Unknown($"the cluster has no node {node}");
        }

        if (member.State == NodeState.Out)
        {
            return new OperationDecision.Nothing($"{node} is Out already ({member.Reason})");
        }

        if (!snapshot.Map.Nodes.Any(n => n.Id != node && n.State != NodeState.Out))
        {
            return Refuse($"{node} is the only node of the cluster: downing it would leave nobody to hold the data");
        }

        var silent = snapshot.ReadAt - member.Heartbeat;
        if (member.State != NodeState.Down && silent <= settings.DownAfter)
        {
            return Refuse($"{node} is {member.State} and heartbeating (last {silent.TotalSeconds:0.0} s ago): a running node that is downed joins again at once. Stop it first (it is Down after {settings.DownAfter.TotalSeconds:0} s of silence), or move its copies away with 'libcluster cluster leave {node}'");
        }

        return new OperationDecision.Change([new MapChange.SetNode(node, NodeState.Out, $"downed: {who}")], $"{node} is Out: its copies are made again from the other nodes{LastCopies(snapshot, r => r.Node == node)}");
    }

    /// <summary>Every node that stopped heartbeating (Down, or silent for longer than the down interval) is written off.</summary>
    public static OperationDecision DownUnreachable(ClusterSnapshot snapshot, ClusterSettings settings, string answering, string who)
    {
        var unreachable = snapshot.Map.Nodes
            .Where(n => n.Id != answering && (n.State == NodeState.Down || (n.State is NodeState.Up or NodeState.Leaving && snapshot.ReadAt - n.Heartbeat > settings.DownAfter)))
            .Select(n => n.Id)
            .ToHashSet(StringComparer.Ordinal);
        if (unreachable.Count == 0)
        {
            return new OperationDecision.Nothing("no node is unreachable");
        }

        var changes = unreachable.Order(StringComparer.Ordinal).Select(n => (MapChange)new MapChange.SetNode(n, NodeState.Out, $"downed as unreachable: {who}")).ToList();
        return new OperationDecision.Change(changes, $"{string.Join(", ", unreachable.Order(StringComparer.Ordinal))} Out: their copies are made again from the other nodes{LastCopies(snapshot, r => unreachable.Contains(r.Node))}");
    }

    /// <summary>The volume takes no more data and its copies move away (to other volumes of its node or other nodes), then it is Out.</summary>
    public static OperationDecision Drain(ClusterSnapshot snapshot, ClusterSettings settings, string volumeId, string who)
    {
        if (Find(snapshot, volumeId) is not { } volume)
        {
            return Missing(volumeId);
        }

        switch (volume.State)
        {
            case ClusterVolumeState.Draining:
                return new OperationDecision.Nothing($"{volumeId} is draining already");
            case ClusterVolumeState.Out:
                return new OperationDecision.Nothing($"{volumeId} is Out already: it holds nothing");
            case ClusterVolumeState.Failed:
                return Refuse($"{volumeId} is Failed: its copies are written off, there is nothing to drain. 'libcluster volumes in {volumeId}' brings it back once the disk works");
        }

        var after = snapshot.Map with { Volumes = [.. snapshot.Map.Volumes.Select(v => v.Id == volumeId ? v with { State = ClusterVolumeState.Draining } : v)] };
        if (Stranded(snapshot, settings, after, r => r.VolumeId == volumeId) is { Count: > 0 } stranded)
        {
            return Refuse($"{volumeId} cannot be drained: {Describe(snapshot, stranded, r => r.VolumeId == volumeId)}", stranded);
        }

        var copies = snapshot.Replicas.Count(r => r.VolumeId == volumeId && r.State != ReplicaState.Lost);
        return new OperationDecision.Change(
            [new MapChange.SetVolume(volumeId, ClusterVolumeState.Draining, $"draining: {who}")],
            $"{volumeId} is draining: {copies} copies move to other volumes (make before break); it is Out when empty");
    }

    /// <summary>An empty volume is taken out of use.</summary>
    public static OperationDecision Out(ClusterSnapshot snapshot, string volumeId, string who)
    {
        if (Find(snapshot, volumeId) is not { } volume)
        {
            return Missing(volumeId);
        }

        if (volume.State == ClusterVolumeState.Out)
        {
            return new OperationDecision.Nothing($"{volumeId} is Out already");
        }

        var copies = snapshot.Replicas.Where(r => r.VolumeId == volumeId && r.State != ReplicaState.Lost).Select(r => r.Torrent).ToList();
        if (copies.Count > 0)
        {
            return Refuse($"{volumeId} still holds {copies.Count} copies: drain it first ('libcluster volumes drain {volumeId}'), which moves them and then takes it out", copies);
        }

        return new OperationDecision.Change([new MapChange.SetVolume(volumeId, ClusterVolumeState.Out, $"taken out: {who}")], $"{volumeId} is Out");
    }

    /// <summary>A volume that was drained, taken out or failed takes data again.</summary>
    public static OperationDecision In(ClusterSnapshot snapshot, string volumeId, string who)
    {
        if (Find(snapshot, volumeId) is not { } volume)
        {
            return Missing(volumeId);
        }

        return volume.State == ClusterVolumeState.In
            ? new OperationDecision.Nothing($"{volumeId} is In already")
            : new OperationDecision.Change([new MapChange.SetVolume(volumeId, ClusterVolumeState.In, $"brought back in (was {volume.State}): {who}")], $"{volumeId} is In: placement uses it again");
    }

    /// <summary>
    /// The operator declares a disk broken: its copies are Lost and made again elsewhere at once. Refused while it
    /// holds the last Healthy copy of a torrent, unless <paramref name="force"/> (the disk really is gone).
    /// </summary>
    public static OperationDecision Fail(ClusterSnapshot snapshot, string volumeId, bool force, string who)
    {
        if (Find(snapshot, volumeId) is not { } volume)
        {
            return Missing(volumeId);
        }

        if (volume.State == ClusterVolumeState.Failed)
        {
            return new OperationDecision.Nothing($"{volumeId} is Failed already");
        }

        var last = LastCopiesOn(snapshot, r => r.VolumeId == volumeId);
        if (last.Count > 0 && !force)
        {
            return Refuse($"{volumeId} holds the last Healthy copy of {last.Count} torrents ({Names(last)}): failing it writes them off. Drain it instead ('libcluster volumes drain {volumeId}'), or if the disk really is gone, repeat with --force", last);
        }

        return new OperationDecision.Change(
            [new MapChange.SetVolume(volumeId, ClusterVolumeState.Failed, $"failed by an operator: {who}")],
            $"{volumeId} is Failed: its copies are Lost and made again elsewhere{(last.Count > 0 ? $"; {last.Count} torrents had their last Healthy copy there and cannot be made again until a copy turns up" : string.Empty)}");
    }

    /// <summary>
    /// Torrents with a copy where <paramref name="emptied"/> says that could never be let go under the map
    /// <paramref name="after"/>: no target on the copy's own node (where it could move) and fewer targets than the
    /// replication factor (the copy is retired only once the full count is Healthy on targets).
    /// </summary>
    private static List<string> Stranded(ClusterSnapshot snapshot, ClusterSettings settings, ClusterMap after, Func<ClusterReplica, bool> emptied)
    {
        var placed = ClusterPlanner.Place(snapshot with { Map = after }, settings).Targets;
        var factors = snapshot.Torrents.ToDictionary(t => t.Name, t => snapshot.ReplicationFactor(t, settings.DefaultReplicationFactor), StringComparer.Ordinal);
        return snapshot.Replicas
            .Where(r => r.State != ReplicaState.Lost && emptied(r) && factors.ContainsKey(r.Torrent))
            .Where(r =>
            {
                var targets = placed.GetValueOrDefault(r.Torrent) ?? [];
                return !targets.Any(t => ClusterReports.NodeOf(t) == r.Node) && targets.Count < factors[r.Torrent];
            })
            .Select(r => r.Torrent)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string Describe(ClusterSnapshot snapshot, List<string> stranded, Func<ClusterReplica, bool> emptied)
    {
        var last = LastCopiesOn(snapshot, emptied).Intersect(stranded, StringComparer.Ordinal).ToList();
        var text = $"{stranded.Count} torrents would have nowhere to go (no room on the other volumes, or not enough nodes for their replication factor): {Names(stranded)}";
        return last.Count > 0 ? $"{text}; for {last.Count} of them it holds the last Healthy copy. Add a volume or a node first ('libcluster placement plan --add-volume ...' shows what that would move)" : text + ". Add a volume or a node first";
    }

    /// <summary>Torrents whose every Healthy copy on an Up node is where <paramref name="where"/> says.</summary>
    private static List<string> LastCopiesOn(ClusterSnapshot snapshot, Func<ClusterReplica, bool> where) =>
        snapshot.Torrents
            .Select(t => t.Name)
            .Where(t => snapshot.ReplicasOf(t).Where(snapshot.CountsAsHealthy).ToList() is { Count: > 0 } healthy && healthy.All(where))
            .ToList();

    private static string LastCopies(ClusterSnapshot snapshot, Func<ClusterReplica, bool> where) =>
        LastCopiesOn(snapshot, where) is { Count: > 0 } last
            ? $"; {last.Count} torrents had their only Healthy copy there and are unavailable until it comes back: {Names(last)}"
            : string.Empty;

    private static ClusterVolume? Find(ClusterSnapshot snapshot, string id) => snapshot.Map.Volumes.FirstOrDefault(v => v.Id == id);

    private static OperationDecision.Unknown Missing(string id) => new($"the cluster has no volume {id} (volumes are named node/volume, e.g. node1/a; 'libcluster volumes list' shows them)");

    private static OperationDecision.Refused Refuse(string reason, IReadOnlyList<string>? torrents = null) => new(reason, torrents ?? []);

    private static string Names(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(10)) + (names.Count > 10 ? $" and {names.Count - 10} more" : string.Empty);
}
