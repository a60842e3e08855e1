using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Placement;

namespace LibraryCluster.Actors.Operations;

/// <summary>
/// Why the stored placement put a torrent's copies where it did, in the terms of docs/placement.md: the torrent's
/// weighted rendezvous order of the eligible volumes, and for a target that is not first, what ruled out the
/// volumes before it (a node or zone already holding a copy) or that placement kept it from before and the
/// balancer left it there.
/// </summary>
public static class PlacementExplanation
{
    public static IReadOnlyList<TargetReason> Explain(ClusterSnapshot snapshot, ClusterSettings settings, string torrent)
    {
        var targets = snapshot.Placement.GetValueOrDefault(torrent) ?? [];
        var eligible = ClusterPlanner.EligibleVolumes(snapshot.Map);
        if (targets.Count == 0 || eligible.Count == 0)
        {
            return [];
        }

        var ranking = ReplicaPlacement.Ranking(eligible, torrent);
        var zones = eligible.ToDictionary(v => v.Id, v => v.Zone, StringComparer.Ordinal);
        var zoneCount = eligible.Select(v => v.Zone).Distinct(StringComparer.Ordinal).Count();
        var factor = snapshot.Torrents.FirstOrDefault(t => t.Name == torrent) is { } found ? snapshot.ReplicationFactor(found, settings.DefaultReplicationFactor) : targets.Count;
        var held = snapshot.ReplicasOf(torrent).Where(snapshot.CountsAsHealthy).Select(r => r.Node).ToHashSet(StringComparer.Ordinal);
        var ordered = targets.OrderBy(t => IndexOf(ranking, t)).ToList();
        var reasons = new List<TargetReason>();
        foreach (var target in ordered)
        {
            var rank = IndexOf(ranking, target);
            var others = ordered.Where(t => t != target).ToList();
            string why;
            if (rank < 0)
            {
                why = "the volume is no longer eligible (not In, or its node left): placement will move this copy";
            }
            else if (rank == 0)
            {
                why = "the torrent's first choice by weighted rendezvous hashing (weight = capacity)";
            }
            else
            {
                var skipped = ranking.Take(rank).Select(v =>
                    others.Any(o => ClusterReports.NodeOf(o) == ClusterReports.NodeOf(v)) ? $"{v} (node already holds a copy)"
                    : zoneCount >= factor && others.Any(o => zones.GetValueOrDefault(o) == zones[v]) ? $"{v} (zone {zones[v]} already holds a copy)"
                    : $"{v} (passed over: placement keeps a torrent's earlier targets, and its balancer keeps every volume within 8% of the mean fill)").ToList();
                why = $"volumes ranked before it: {string.Join("; ", skipped)}";
            }

            reasons.Add(new TargetReason(target, rank + 1, ranking.Count, why, held.Contains(ClusterReports.NodeOf(target))));
        }

        return reasons;
    }

    private static int IndexOf(IReadOnlyList<string> ranking, string volume)
    {
        for (var i = 0; i < ranking.Count; i++)
        {
            if (ranking[i] == volume)
            {
                return i;
            }
        }

        return -1;
    }
}
