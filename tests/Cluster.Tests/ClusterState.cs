using System.Text;

namespace LibraryCluster.Cluster.Tests;

public sealed record NodeRow(string Id, string Zone, string State, string Reason, long StateSince, long Heartbeat);

public sealed record VolumeRow(string Id, string Node, string Name, string State, string Reason);

public sealed record ReplicaRow(string Node, string Torrent, string Volume, string State, string Reason, long Since)
{
    public string VolumeId => $"{Node}/{Volume}";
}

public sealed record JournalRow(long Seq, long At, string Node, string? Torrent, string Volume, string From, string To, string Reason, long Bytes);

/// <summary>One consistent read of the cluster's tables (nodes, volumes, torrents, replicas), as an operator sees them.</summary>
public sealed record ClusterState(IReadOnlyList<NodeRow> Nodes, IReadOnlyList<VolumeRow> Volumes, IReadOnlyList<string> Torrents, IReadOnlyList<ReplicaRow> Replicas, DateTimeOffset ReadAt)
{
    /// <summary>Replica states whose data a peer may copy and serve: Healthy, or Healthy and being scrubbed.</summary>
    public static bool IsHealthy(string state) => state is "Healthy" or "Scrubbing";

    public NodeRow? Node(string id) => Nodes.FirstOrDefault(n => n.Id == id);

    public bool IsUp(string node) => Node(node)?.State is "Up" or "Leaving";

    public IEnumerable<ReplicaRow> Of(string torrent) => Replicas.Where(r => r.Torrent == torrent);

    public VolumeRow? Volume(string id) => Volumes.FirstOrDefault(v => v.Id == id);

    /// <summary>A copy peers can read from: Healthy, on an Up node, on a volume the map does not say Failed.</summary>
    public bool IsUsable(ReplicaRow replica) => IsHealthy(replica.State) && IsUp(replica.Node) && Volume(replica.VolumeId)?.State != "Failed";

    /// <summary>The usable copies of <paramref name="torrent"/>.</summary>
    public IReadOnlyList<ReplicaRow> Usable(string torrent) => [.. Of(torrent).Where(IsUsable)];

    /// <summary>
    /// What keeps the cluster from being healed, or null: each of <paramref name="running"/> is Up, and every torrent
    /// has usable copies on at least <paramref name="factor"/> distinct nodes.
    /// </summary>
    public string? Unhealed(IReadOnlyCollection<string> running, int factor)
    {
        var problems = NotUp(running);
        problems.AddRange(Torrents
            .Where(t => Usable(t).Select(r => r.Node).Distinct().Count() < factor)
            .Select(t => $"{t}: {Describe(Of(t))}"));
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>
    /// What keeps the cluster from being settled, or null: each of <paramref name="running"/> is Up, and every torrent
    /// has exactly <paramref name="factor"/> Healthy copies on distinct Up nodes and no other copy on an Up node.
    /// </summary>
    public string? Unsettled(IReadOnlyCollection<string> running, int factor)
    {
        var problems = NotUp(running);
        problems.AddRange(UnsettledTorrents(factor).Select(t => $"{t}: {Describe(Of(t).Where(r => IsUp(r.Node)))}"));
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>Torrents without exactly <paramref name="factor"/> Healthy copies on distinct Up nodes, or with other copies on Up nodes.</summary>
    public IReadOnlyList<string> UnsettledTorrents(int factor) =>
        [.. Torrents.Where(torrent =>
        {
            var onUp = Of(torrent).Where(r => IsUp(r.Node)).ToList();
            var healthy = onUp.Where(IsUsable).ToList();
            return healthy.Count != factor || healthy.Select(r => r.Node).Distinct().Count() != factor || onUp.Count != healthy.Count;
        })];

    /// <summary>The copies of each unsettled torrent, with the reason of every copy that is not Healthy.</summary>
    public string Leftovers(int factor) => string.Join("; ", UnsettledTorrents(factor).Select(t =>
        $"{t}: " + string.Join(", ", Of(t).Where(r => IsUp(r.Node)).Select(r => r.State == "Healthy"
            ? $"{r.VolumeId} Healthy"
            : $"{r.VolumeId} {r.State} since {DateTimeOffset.FromUnixTimeMilliseconds(r.Since):HH:mm:ss.fff} ('{r.Reason}')"))));

    private List<string> NotUp(IReadOnlyCollection<string> running)
    {
        var problems = new List<string>();
        foreach (var id in running)
        {
            if (Node(id) is not { } node)
            {
                problems.Add($"{id} is not in the map");
            }
            else if (node.State != "Up")
            {
                problems.Add($"{id} is {node.State} ({node.Reason})");
            }
        }

        return problems;
    }

    /// <summary>Torrents with exactly <paramref name="factor"/> usable copies that share a zone (placement spreads copies over zones where there are enough).</summary>
    public IReadOnlyList<string> SameZone(int factor) =>
        [.. Torrents.Select(t => (Torrent: t, Zones: Usable(t).Select(r => Node(r.Node)!.Zone).ToList()))
            .Where(t => t.Zones.Count == factor && t.Zones.Distinct().Count() < factor)
            .Select(t => $"{t.Torrent} ({string.Join(", ", t.Zones)})")];

    public static string Describe(IEnumerable<ReplicaRow> replicas)
    {
        var list = replicas.ToList();
        return list.Count == 0 ? "no copy" : string.Join(", ", list.Select(r => $"{r.VolumeId} {r.State}"));
    }

    /// <summary>The whole state as text, for failure messages.</summary>
    public string Dump()
    {
        var text = new StringBuilder();
        text.AppendLine($"cluster at {ReadAt:HH:mm:ss.fff}:");
        foreach (var node in Nodes)
        {
            text.AppendLine($"  node {node.Id} {node.Zone} {node.State} ({node.Reason}) heartbeat {DateTimeOffset.FromUnixTimeMilliseconds(node.Heartbeat):HH:mm:ss.fff}");
        }

        foreach (var volume in Volumes.Where(v => v.State != "In"))
        {
            text.AppendLine($"  volume {volume.Id} {volume.State} ({volume.Reason})");
        }

        foreach (var torrent in Torrents)
        {
            text.AppendLine($"  {torrent}: {Describe(Of(torrent))}");
            foreach (var odd in Of(torrent).Where(r => r.State != "Healthy"))
            {
                text.AppendLine($"    {odd.VolumeId} {odd.State} since {DateTimeOffset.FromUnixTimeMilliseconds(odd.Since):HH:mm:ss.fff}: {odd.Reason}");
            }
        }

        return text.ToString();
    }
}
