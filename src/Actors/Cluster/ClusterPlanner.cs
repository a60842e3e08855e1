using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Actors.Holdings;
using LibraryCluster.Actors.Placement;
using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Cluster;

/// <summary>
/// Decides, from one snapshot, what this node does: mark peers Down or Out when their heartbeats stop, store a new
/// placement when the map calls for one, hold and fill the replicas the stored placement gives it, and retire the
/// ones it no longer wants — make before break: only once the torrent has its full count of Healthy copies on its
/// targets, so the last Healthy copy is never deleted. A pure function: every node computes the same placement
/// from the same map and stored placement.
/// </summary>
public static class ClusterPlanner
{
    /// <param name="snapshot">One consistent read of the cluster.</param>
    /// <param name="settings">This node's cluster settings.</param>
    /// <param name="local">This node's replicas as its actors last published them.</param>
    /// <param name="failedLocalVolumes">This node's volumes its volume actors found Failed.</param>
    /// <param name="judgePeers">
    /// False while this node's own view of heartbeats cannot be trusted (just after the database came back: every
    /// peer's lease looks expired because nobody could renew it), so that no live peer is marked Down.
    /// </param>
    public static ClusterPlan Plan(ClusterSnapshot snapshot, ClusterSettings settings, IReadOnlyDictionary<string, ReplicaStatus> local, IReadOnlySet<string> failedLocalVolumes, bool judgePeers = true)
    {
        var self = settings.NodeId;
        var changes = Liveness(snapshot, settings, failedLocalVolumes, judgePeers);
        if (changes.Count > 0)
        {
            // The map is about to change; act on the new one, not on this.
            return new ClusterPlan { MapChanges = changes };
        }

        var placement = Place(snapshot, settings);
        if (Differences(snapshot.Placement, placement.Targets) is { Added: > 0 } or { Removed: > 0 })
        {
            // Every node acts only on the stored placement, so that all act on the same: store this one first.
            return new ClusterPlan { Placement = placement.Targets, Underplaced = placement.Underplaced };
        }

        var factors = snapshot.Torrents.ToDictionary(t => t.Name, t => snapshot.ReplicationFactor(t, settings.DefaultReplicationFactor), StringComparer.Ordinal);
        var localVolumes = snapshot.Map.Volumes.Where(v => v.Node == self).ToDictionary(v => v.Name, StringComparer.Ordinal);
        var closed = localVolumes.Values.Where(v => v.State != ClusterVolumeState.In).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);

        // Volumes an operator is emptying (not Failed ones: their copies are written off, not moved).
        var emptied = localVolumes.Values.Where(v => v.State is ClusterVolumeState.Draining or ClusterVolumeState.Out).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);

        var holds = new List<(string, string)>();
        var fetches = new List<(string, IReadOnlyList<PeerSource>, bool)>();
        var retires = new List<(string, string)>();
        var letGo = new List<(string, string)>();
        var moves = new List<(string, string, string)>();
        foreach (var torrent in snapshot.Torrents)
        {
            var targets = placement.Targets.GetValueOrDefault(torrent.Name) ?? [];
            var healthy = snapshot.ReplicasOf(torrent.Name).Where(snapshot.CountsAsHealthy).ToList();
            var mine = targets.FirstOrDefault(v => v.StartsWith(self + "/", StringComparison.Ordinal));
            var have = local.GetValueOrDefault(torrent.Name);
            if (mine is not null)
            {
                var volume = mine[(self.Length + 1)..];
                var elsewhere = have is not null && have.Volume != volume;
                var onClosed = elsewhere && closed.Contains(have!.Volume);
                if (have is null || (elsewhere && have.State == ReplicaState.Lost) || (onClosed && have.State == ReplicaState.Absent))
                {
                    holds.Add((torrent.Name, volume));
                }
                else if (onClosed && (have.State is ReplicaState.Healthy or ReplicaState.Scrubbing || (HasData(have.State) && emptied.Contains(have.Volume))))
                {
                    // Moved before it is filled: a Partial or Damaged copy moves with what it has (every file that
                    // verified verifies again at the new place before the old is deleted), so a drain never waits
                    // for a source that may not exist, and no byte is written to a disk being emptied.
                    moves.Add((torrent.Name, volume, $"volume {have.Volume} is {localVolumes[have.Volume].State}"));
                }
                else if (have.State is ReplicaState.Absent or ReplicaState.Damaged or ReplicaState.Partial)
                {
                    if (snapshot.HealthyPeers(torrent.Name, self) is { Count: > 0 } sources)
                    {
                        fetches.Add((torrent.Name, sources, healthy.Count < factors[torrent.Name]));
                    }
                }
            }
            else if (have is not null && have.State != ReplicaState.Retiring)
            {
                // A target node counts whichever of its volumes holds the copy (it keeps one copy per torrent).
                var targetNodes = targets.Select(v => v[..v.IndexOf('/', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
                var onTargets = healthy.Count(r => r.Node != self && targetNodes.Contains(r.Node));
                var onEmptied = emptied.Contains(have.Volume);
                if (factors[torrent.Name] > 0 && onTargets >= factors[torrent.Name])
                {
                    retires.Add((torrent.Name, $"placement moved it to {string.Join(", ", targets)}, where it has {onTargets} Healthy copies"));
                }
                else if (snapshot.Holding(torrent.Name) == HoldingState.Released)
                {
                    retires.Add((torrent.Name, $"released by the holdings policy set {snapshot.Holdings!.SetAt:u} ({snapshot.Holdings.SetBy})"));
                }
                else if (have.State == ReplicaState.Absent && (factors[torrent.Name] == 0 || onEmptied))
                {
                    // No data here to keep (as this node last saw it), and nothing placed here to wait for.
                    letGo.Add((torrent.Name, factors[torrent.Name] == 0
                        ? "not wanted by the holdings policy, and holds no data"
                        : $"volume {have.Volume} is {localVolumes[have.Volume].State} and the copy holds no data"));
                }
                else if (onEmptied && HasData(have.State) && Roomiest(localVolumes.Values, torrent.Size) is { } refuge)
                {
                    // Not placed here, but needed until its targets are Healthy (it may be the only data there is):
                    // it moves to another volume of this node rather than holding the drain up.
                    moves.Add((torrent.Name, refuge, $"volume {have.Volume} is {localVolumes[have.Volume].State}; kept on this node until its targets are Healthy"));
                }
            }
        }

        var writeOffs = localVolumes.Values
            .Where(v => v.State == ClusterVolumeState.Failed && !failedLocalVolumes.Contains(v.Name) && local.Values.Any(r => r.Volume == v.Name && r.State != ReplicaState.Lost))
            .Select(v => (v.Name, $"the map has it Failed: {v.Reason}"))
            .ToList();
        return new ClusterPlan { Holds = holds, Fetches = fetches, Retires = retires, LetGo = letGo, Moves = moves, WriteOffs = writeOffs, ClosedVolumes = closed, Underplaced = placement.Underplaced };
    }

    /// <summary>A copy whose files (some or all) have verified: what a move carries and a drain must not drop.</summary>
    private static bool HasData(ReplicaState state) => state is ReplicaState.Healthy or ReplicaState.Scrubbing or ReplicaState.Partial or ReplicaState.Damaged;

    /// <summary>This node's In volume with the most room left that fits <paramref name="size"/> bytes (ties by name), or null.</summary>
    private static string? Roomiest(IEnumerable<ClusterVolume> volumes, long size) =>
        volumes.Where(v => v.State == ClusterVolumeState.In && v.Capacity - v.Used >= size)
            .OrderByDescending(v => v.Capacity - v.Used).ThenBy(v => v.Name, StringComparer.Ordinal)
            .FirstOrDefault()?.Name;

    /// <summary>
    /// The placement of the snapshot's torrents over its eligible volumes (In, on a node that is not Out or Leaving),
    /// from its stored placement: equal to the stored one (as sets of targets) when nothing calls for a change.
    /// </summary>
    public static PlacementResult Place(ClusterSnapshot snapshot, ClusterSettings settings) =>
        ReplicaPlacement.Compute(EligibleVolumes(snapshot.Map), PlacementTorrents(snapshot, settings), snapshot.Placement, settings.Placement);

    /// <summary>The volumes placement may use: In, on a node that is Up or merely Down (not Out, not Leaving).</summary>
    public static IReadOnlyList<PlacementVolume> EligibleVolumes(ClusterMap map)
    {
        var nodes = map.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        return map.Volumes
            .Where(v => v.State == ClusterVolumeState.In && v.Capacity > 0 && nodes.TryGetValue(v.Node, out var n) && n.State is NodeState.Up or NodeState.Down)
            .Select(v => new PlacementVolume(v.Id, v.Node, nodes[v.Node].Zone, v.Capacity))
            .ToList();
    }

    /// <summary>The snapshot's torrents as placement sees them: size and replication factor.</summary>
    public static IReadOnlyList<PlacementTorrent> PlacementTorrents(ClusterSnapshot snapshot, ClusterSettings settings) =>
        snapshot.Torrents.Select(t => new PlacementTorrent(t.Name, t.Size, snapshot.ReplicationFactor(t, settings.DefaultReplicationFactor))).ToList();

    /// <summary>How many (torrent, volume) targets <paramref name="next"/> has that <paramref name="stored"/> has not, and the other way round.</summary>
    public static (int Added, int Removed) Differences(IReadOnlyDictionary<string, IReadOnlyList<string>> stored, IReadOnlyDictionary<string, IReadOnlyList<string>> next)
    {
        static int Missing(IReadOnlyDictionary<string, IReadOnlyList<string>> from, IReadOnlyDictionary<string, IReadOnlyList<string>> other) =>
            from.Sum(p => other.TryGetValue(p.Key, out var targets) ? p.Value.Count(v => !targets.Contains(v)) : p.Value.Count);

        return (Missing(next, stored), Missing(stored, next));
    }

    /// <summary>Peers whose heartbeats stopped, and this node's volumes that failed, as map changes.</summary>
    private static List<MapChange> Liveness(ClusterSnapshot snapshot, ClusterSettings settings, IReadOnlySet<string> failedLocalVolumes, bool judgePeers)
    {
        var changes = new List<MapChange>();

        // If this node's own lease looks expired too, the database (or this node) was away, not the peers.
        var own = snapshot.Map.Node(settings.NodeId);
        judgePeers &= own is not null && snapshot.ReadAt - own.Heartbeat <= settings.DownAfter;
        foreach (var node in snapshot.Map.Nodes.Where(n => judgePeers && n.Id != settings.NodeId))
        {
            var silent = snapshot.ReadAt - node.Heartbeat;
            if (node.State is NodeState.Up or NodeState.Leaving && silent > settings.DownAfter)
            {
                changes.Add(new MapChange.SetNode(node.Id, NodeState.Down, $"no heartbeat for {silent.TotalSeconds:0.0} s"));
            }
            else if (node.State == NodeState.Down && silent > settings.DownOutInterval)
            {
                changes.Add(new MapChange.SetNode(node.Id, NodeState.Out, $"down for {silent.TotalSeconds:0} s, longer than the down-out interval"));
            }
        }

        foreach (var volume in snapshot.Map.Volumes.Where(v => v.Node == settings.NodeId && v.State != ClusterVolumeState.Failed && failedLocalVolumes.Contains(v.Name)))
        {
            changes.Add(new MapChange.SetVolume(volume.Id, ClusterVolumeState.Failed, "the node found it broken"));
        }

        // A drain or a leave ends when nothing of this node's is left there (a Lost copy is not data).
        var held = snapshot.Replicas.Where(r => r.Node == settings.NodeId && r.State != ReplicaState.Lost).ToList();
        foreach (var volume in snapshot.Map.Volumes.Where(v => v.Node == settings.NodeId && v.State == ClusterVolumeState.Draining && !failedLocalVolumes.Contains(v.Name)))
        {
            if (!held.Any(r => r.Volume == volume.Name))
            {
                changes.Add(new MapChange.SetVolume(volume.Id, ClusterVolumeState.Out, "drained: it holds no copies"));
            }
        }

        if (own?.State == NodeState.Leaving && held.Count == 0)
        {
            changes.Add(new MapChange.SetNode(settings.NodeId, NodeState.Out, "left the cluster: its copies are on other nodes"));
        }

        return changes;
    }
}
