using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Operations;

/// <summary>
/// <c>libcluster heal status</c>: the copies the stored placement wants that do not exist yet (healing, rebalancing,
/// moves off drained volumes), and how fast copies were made lately, from the journal.
/// </summary>
public static class HealReports
{
    /// <summary>How far back the rate is measured.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(10);

    /// <remarks><c>recent</c>: journal entries of the last <see cref="RateWindow"/>, in any order.</remarks>
    public static HealReport Report(ClusterSnapshot snapshot, ClusterSettings settings, IReadOnlyList<JournalEntry> recent)
    {
        var items = Items(snapshot, settings);
        var rows = ClusterReports.Torrents(snapshot, settings);

        // Copies made: a fetch or repair that ended Healthy, or a move; each entry carries the bytes it wrote.
        var made = recent.Where(e => e.To == "Healthy" && e.Bytes > 0 && e.From is "Fetching" or "Repairing" or "Healthy" && e.At >= snapshot.ReadAt - RateWindow).ToList();
        var bytes = made.Sum(e => e.Bytes);
        var seconds = made.Count == 0 ? 0 : Math.Max(60, (snapshot.ReadAt - made.Min(e => e.At)).TotalSeconds);
        var rate = seconds > 0 ? bytes / seconds : 0;
        var toMove = items.Sum(i => i.Size);
        var stuck = rows.Where(r => r.Health == TorrentHealth.Unavailable).Select(r => $"{r.Name}: no Healthy copy on an Up node to copy from")
            .Concat(rows.Where(r => r.Targets.Count < r.ReplicationFactor).Select(r => $"{r.Name}: placed on {r.Targets.Count} of {r.ReplicationFactor} volumes (not enough nodes, or no room)"))
            .ToList();
        return new HealReport(
            snapshot.ReadAt,
            snapshot.Torrents.Count,
            rows.Count(r => r.Health == TorrentHealth.UnderReplicated),
            rows.Count(r => r.Health == TorrentHealth.Unavailable),
            toMove,
            bytes,
            Math.Round(rate, 1),
            rate > 0 && toMove > 0 ? Math.Round(toMove / rate) : null,
            items,
            stuck);
    }

    /// <summary>Every copy the stored placement wants that is not there yet, healing first, then biggest first.</summary>
    public static IReadOnlyList<HealItem> Items(ClusterSnapshot snapshot, ClusterSettings settings)
    {
        var volumes = snapshot.Map.Volumes.ToDictionary(v => v.Id, StringComparer.Ordinal);
        var items = new List<HealItem>();
        foreach (var torrent in snapshot.Torrents)
        {
            var wanted = snapshot.ReplicationFactor(torrent, settings.DefaultReplicationFactor);
            var copies = snapshot.ReplicasOf(torrent.Name).ToList();
            var healthy = copies.Where(snapshot.CountsAsHealthy).Select(r => r.Node).Distinct(StringComparer.Ordinal).Count();
            foreach (var target in snapshot.Placement.GetValueOrDefault(torrent.Name) ?? [])
            {
                var node = ClusterReports.NodeOf(target);
                var there = copies.FirstOrDefault(r => r.Node == node);
                if (there is not null && snapshot.CountsAsHealthy(there))
                {
                    // A copy on another volume of the target node counts, unless that volume is being emptied.
                    if (there.VolumeId != target && volumes.GetValueOrDefault(there.VolumeId)?.State is ClusterVolumeState.Draining or ClusterVolumeState.Out)
                    {
                        items.Add(new HealItem(torrent.Name, torrent.Size, healthy, wanted, HealKind.Move, target, $"moving from {there.VolumeId}"));
                    }

                    continue;
                }

                var state = there is null ? "waiting" : there.State == ReplicaState.Absent ? "Absent (waiting for a source)" : there.State.ToString();
                items.Add(new HealItem(torrent.Name, torrent.Size, healthy, wanted, healthy < wanted ? HealKind.Heal : HealKind.Rebalance, target, state));
            }
        }

        return [.. items.OrderBy(i => i.Kind).ThenByDescending(i => i.Size).ThenBy(i => i.Torrent, StringComparer.Ordinal)];
    }
}
