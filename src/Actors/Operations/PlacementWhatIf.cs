using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Placement;

namespace LibraryCluster.Actors.Operations;

/// <summary>
/// <c>libcluster placement plan</c>: what a change to the cluster would move, before it is made. The placement
/// every node runs (<see cref="ReplicaPlacement"/>), from the stored placement, over the volumes as they would be;
/// compared with the placement of the map as it is. Nothing is stored.
/// </summary>
public static class PlacementWhatIf
{
    /// <exception cref="ArgumentException">The change names a node or volume the map does not have, or adds one it has; the message says which.</exception>
    public static PlacementPlanReport Plan(ClusterSnapshot snapshot, ClusterSettings settings, PlacementChange change)
    {
        var before = ClusterPlanner.Place(snapshot, settings);
        var volumes = ClusterPlanner.EligibleVolumes(snapshot.Map).ToList();
        foreach (var node in change.RemoveNodes)
        {
            _ = snapshot.Map.Node(node) ?? throw new ArgumentException($"--remove-node {node}: the cluster has no such node");
            volumes.RemoveAll(v => v.Node == node);
        }

        foreach (var id in change.RemoveVolumes)
        {
            _ = snapshot.Map.Volumes.FirstOrDefault(v => v.Id == id) ?? throw new ArgumentException($"--remove-volume {id}: the cluster has no such volume");
            volumes.RemoveAll(v => v.Id == id);
        }

        foreach (var (id, capacity) in change.Weights)
        {
            var index = volumes.FindIndex(v => v.Id == id);
            if (index < 0)
            {
                throw new ArgumentException($"--weight {id}: no such volume among those placement uses (In, on a node that is not Out or leaving)");
            }

            volumes[index] = volumes[index] with { CapacityBytes = capacity };
        }

        foreach (var added in change.AddVolumes)
        {
            if (snapshot.Map.Volumes.Any(v => v.Id == added.Id) || volumes.Any(v => v.Id == added.Id))
            {
                throw new ArgumentException($"--add-volume {added.Id}: the cluster has that volume already");
            }

            var zone = snapshot.Map.Node(added.Node)?.Zone ?? volumes.FirstOrDefault(v => v.Node == added.Node)?.Zone ?? added.Zone ?? "default";
            volumes.Add(new PlacementVolume(added.Id, added.Node, zone, added.Capacity));
        }

        var after = ReplicaPlacement.Compute(volumes, ClusterPlanner.PlacementTorrents(snapshot, settings), snapshot.Placement, settings.Placement);
        var sizes = snapshot.Torrents.ToDictionary(t => t.Name, t => t.Size, StringComparer.Ordinal);
        var moves = new List<PlannedMove>();
        foreach (var torrent in snapshot.Torrents)
        {
            var from = before.Targets.GetValueOrDefault(torrent.Name) ?? [];
            var to = after.Targets.GetValueOrDefault(torrent.Name) ?? [];
            var gone = from.Except(to, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var added = to.Except(from, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (gone.Count > 0 || added.Count > 0)
            {
                moves.Add(new PlannedMove(torrent.Name, torrent.Size, gone, added));
            }
        }

        var fills = before.ProjectedBytes.Keys.Union(after.ProjectedBytes.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(id => new VolumeFill(
                id,
                volumes.FirstOrDefault(v => v.Id == id)?.CapacityBytes ?? snapshot.Map.Volumes.FirstOrDefault(v => v.Id == id)?.Capacity ?? 0,
                before.ProjectedBytes.GetValueOrDefault(id),
                after.ProjectedBytes.GetValueOrDefault(id)))
            .ToList();
        return new PlacementPlanReport(
            snapshot.Map.Epoch,
            moves.Count,
            moves.Sum(m => m.To.Count),
            moves.Sum(m => m.To.Count * m.Size),
            snapshot.Torrents.Sum(t => t.Size * (long)(after.Targets.GetValueOrDefault(t.Name)?.Count ?? 0)),
            moves,
            fills,
            after.Shortfalls);
    }
}
