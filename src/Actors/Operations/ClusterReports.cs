using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Placement;
using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Operations;

/// <summary>
/// What operators see of the cluster (<c>libcluster cluster|volumes|torrents</c>), computed from one snapshot of
/// the shared database, so that any node answers the same for the whole cluster.
/// </summary>
public static class ClusterReports
{
    public static ClusterOverview Overview(ClusterSnapshot snapshot, string answeredBy, bool singleNode)
    {
        var replicas = snapshot.Replicas.ToLookup(r => r.Node, StringComparer.Ordinal);
        var rows = snapshot.Map.Nodes.Select(n => new NodeRow(
            n.Id, n.Endpoint, n.Zone, n.State, n.Reason, n.StateSince, n.Heartbeat,
            Math.Round(Math.Max(0, (snapshot.ReadAt - n.Heartbeat).TotalSeconds), 1),
            snapshot.Map.Volumes.Count(v => v.Node == n.Id),
            replicas[n.Id].Count(),
            replicas[n.Id].Count(r => r.State is ReplicaState.Healthy or ReplicaState.Scrubbing))).ToList();
        return new ClusterOverview(snapshot.Map.Epoch, answeredBy, singleNode, snapshot.ReadAt, rows);
    }

    public static ClusterStatus Status(ClusterSnapshot snapshot, ClusterSettings settings, string answeredBy, bool singleNode)
    {
        var torrents = Torrents(snapshot, settings);
        var heal = HealReports.Items(snapshot, settings);
        // A node or volume that is Out (left, downed, drained) is as the operator wanted it: not a problem.
        var problems = new List<string>();
        foreach (var node in snapshot.Map.Nodes.Where(n => n.State is NodeState.Down or NodeState.Leaving))
        {
            problems.Add($"node {node.Id} is {node.State}: {node.Reason}");
        }

        foreach (var volume in snapshot.Map.Volumes.Where(v => v.State is ClusterVolumeState.Failed or ClusterVolumeState.Draining))
        {
            problems.Add($"volume {volume.Id} is {volume.State}: {volume.Reason}");
        }

        var unavailable = torrents.Count(t => t.Health == TorrentHealth.Unavailable);
        var under = torrents.Count(t => t.Health == TorrentHealth.UnderReplicated);
        if (unavailable > 0)
        {
            problems.Insert(0, $"{unavailable} torrents have no Healthy copy on an Up node: {Names(torrents.Where(t => t.Health == TorrentHealth.Unavailable).Select(t => t.Name))}");
        }

        if (under > 0)
        {
            problems.Add($"{under} torrents have fewer Healthy copies than their replication factor ('libcluster heal status')");
        }

        var underplaced = torrents.Count(t => t.Targets.Count < t.ReplicationFactor);
        if (underplaced > 0)
        {
            problems.Add($"{underplaced} torrents have fewer targets than their replication factor (not enough nodes, or no room): {Names(torrents.Where(t => t.Targets.Count < t.ReplicationFactor).Select(t => t.Name))}");
        }

        var damaged = snapshot.Replicas.Count(r => r.State == ReplicaState.Damaged && snapshot.IsUp(r.Node));
        if (damaged > 0)
        {
            problems.Add($"{damaged} copies are Damaged ('libcluster torrents list --state Damaged')");
        }

        // Healthy: every copy there, none damaged, no node silent, no disk broken (a drain or leave under way is not a fault).
        var healthy = unavailable == 0 && under == 0 && damaged == 0
            && snapshot.Map.Nodes.All(n => n.State != NodeState.Down)
            && snapshot.Map.Volumes.All(v => v.State != ClusterVolumeState.Failed);
        var serving = snapshot.Replicas.Where(r => snapshot.IsUp(r.Node)).ToList();
        return new ClusterStatus(
            snapshot.Map.Epoch,
            answeredBy,
            singleNode,
            healthy,
            Count(snapshot.Map.Nodes.Select(n => n.State.ToString())),
            Count(snapshot.Map.Volumes.Select(v => v.State.ToString())),
            snapshot.Torrents.Count,
            snapshot.Torrents.Sum(t => t.Size),
            Count(serving.Select(r => r.State.ToString())),
            snapshot.Replicas.Count - serving.Count,
            torrents.Count(t => t.Health == TorrentHealth.Ok),
            under,
            unavailable,
            torrents.Count(t => t.Health == TorrentHealth.NotWanted),
            underplaced,
            heal.Sum(i => i.Size),
            problems);
    }

    public static IReadOnlyList<VolumeRow> Volumes(ClusterSnapshot snapshot)
    {
        var sizes = snapshot.Torrents.ToDictionary(t => t.Name, t => t.Size, StringComparer.Ordinal);
        var replicas = snapshot.Replicas.ToLookup(r => r.VolumeId, StringComparer.Ordinal);
        var targets = snapshot.Placement.SelectMany(p => p.Value.Select(v => (Volume: v, Torrent: p.Key))).ToLookup(p => p.Volume, p => p.Torrent, StringComparer.Ordinal);
        return snapshot.Map.Volumes.Select(v => new VolumeRow(
            v.Id, v.Node, v.Name, v.State, v.Reason, snapshot.Map.Node(v.Node)?.State, v.Capacity, v.Used,
            replicas[v.Id].Count(),
            replicas[v.Id].Sum(r => sizes.GetValueOrDefault(r.Torrent)),
            targets[v.Id].Count(),
            targets[v.Id].Sum(t => sizes.GetValueOrDefault(t)))).ToList();
    }

    /// <summary>One volume and its copies; null when the map has no such volume.</summary>
    public static VolumeDetail? Volume(ClusterSnapshot snapshot, string id)
    {
        if (Volumes(snapshot).FirstOrDefault(v => v.Id == id) is not { } row)
        {
            return null;
        }

        var sizes = snapshot.Torrents.ToDictionary(t => t.Name, t => t.Size, StringComparer.Ordinal);
        var copies = snapshot.Replicas.Where(r => r.VolumeId == id)
            .Select(r => new VolumeReplica(r.Torrent, r.State, sizes.GetValueOrDefault(r.Torrent), r.Since, snapshot.Placement.GetValueOrDefault(r.Torrent)?.Contains(id) == true))
            .ToList();
        return new VolumeDetail(row, copies);
    }

    public static IReadOnlyList<TorrentRow> Torrents(ClusterSnapshot snapshot, ClusterSettings settings) =>
        snapshot.Torrents.Select(t => Row(snapshot, settings, t)).ToList();

    /// <summary>Everything about one torrent; null when the cluster holds no such torrent.</summary>
    public static TorrentDetail? Torrent(ClusterSnapshot snapshot, ClusterSettings settings, string name, IReadOnlyList<(string Node, ReplicaStatus Status)> replicas, IReadOnlyList<TrackerScrape> scrapes)
    {
        if (snapshot.Torrents.FirstOrDefault(t => t.Name == name) is not { } torrent)
        {
            return null;
        }

        var row = Row(snapshot, settings, torrent);
        var targetNodes = row.Targets.Select(NodeOf).ToHashSet(StringComparer.Ordinal);
        var details = replicas.Select(r => new ReplicaDetail(
            r.Node, r.Status.Volume, r.Status.State, r.Status.Reason, r.Status.Since, r.Status.LastVerified, r.Status.BytesVerified,
            [.. r.Status.BadFiles.Order()],
            targetNodes.Contains(r.Node),
            snapshot.CountsAsHealthy(new ClusterReplica(r.Node, name, r.Status.Volume, r.Status.State, r.Status.Since)))).ToList();
        var seeders = scrapes.Select(s => new SeederCount(s.Tracker, s.Counts?.Seeders, s.Counts?.Leechers, s.Counts?.Completed, s.ScrapedAt, s.Error)).ToList();
        return new TorrentDetail(row, torrent.InfoHash, torrent.Added, details, PlacementExplanation.Explain(snapshot, settings, torrent.Name),
            details.Max(d => d.LastVerified), seeders);
    }

    internal static string NodeOf(string volumeId) => volumeId[..volumeId.IndexOf('/', StringComparison.Ordinal)];

    private static TorrentRow Row(ClusterSnapshot snapshot, ClusterSettings settings, ClusterTorrent torrent)
    {
        var factor = snapshot.ReplicationFactor(torrent, settings.DefaultReplicationFactor);
        var copies = snapshot.ReplicasOf(torrent.Name).ToList();
        var healthy = copies.Where(snapshot.CountsAsHealthy).Select(r => r.Node).Distinct(StringComparer.Ordinal).Count();
        var health = factor == 0 ? TorrentHealth.NotWanted : healthy == 0 ? TorrentHealth.Unavailable : healthy < factor ? TorrentHealth.UnderReplicated : TorrentHealth.Ok;
        return new TorrentRow(torrent.Name, torrent.Collection, torrent.Size, factor, healthy, health,
            snapshot.Placement.GetValueOrDefault(torrent.Name) ?? [],
            [.. copies.Select(r => new CopyRow(r.Node, r.Volume, r.State))],
            snapshot.Holding(torrent.Name));
    }

    private static Dictionary<string, int> Count(IEnumerable<string> states) =>
        states.GroupBy(s => s, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return string.Join(", ", list.Take(10)) + (list.Count > 10 ? $" and {list.Count - 10} more" : string.Empty);
    }
}
