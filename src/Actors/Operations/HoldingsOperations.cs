using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Holdings;

namespace LibraryCluster.Actors.Operations;

/// <summary>
/// The holdings policy against the cluster (<c>libcluster holdings show|plan|set</c>), decided from one snapshot and
/// the stored scrapes: the candidates are the torrents the cluster has registered, "held" means a Healthy copy on an
/// Up node. Setting a policy stores what it chose; from then on the cluster holds the chosen torrents at their
/// replication factor and wants no other (see <see cref="ClusterSnapshot.ReplicationFactor"/>): one copy of a torrent
/// not chosen is kept while it has data, unless the operator released it, and the last Healthy copy is deleted by a
/// policy change only then.
/// </summary>
public static class HoldingsOperations
{
    /// <summary>What the policy chooses among the registered torrents now.</summary>
    public static HoldingsPlan Choose(ClusterSnapshot snapshot, IReadOnlyList<TrackerScrape> scrapes, HoldingsRequest request)
    {
        var byHash = scrapes.ToLookup(s => s.InfoHash, StringComparer.Ordinal);
        var candidates = snapshot.Torrents
            .Select(t => new HoldingCandidate(t.Name, t.InfoHash, t.Size, IsHeld(snapshot, t.Name), [.. byHash[t.InfoHash]]))
            .ToList();
        return HoldingsPolicy.Plan(candidates, request.Options(snapshot.ReadAt));
    }

    /// <summary>What <c>holdings set</c> with <paramref name="request"/> would choose and change; changes nothing.</summary>
    public static HoldingsPlanReport Plan(ClusterSnapshot snapshot, ClusterSettings settings, IReadOnlyList<TrackerScrape> scrapes, HoldingsRequest request)
    {
        var plan = Choose(snapshot, scrapes, request);
        var next = Next(snapshot, plan.Chosen.Select(c => c.Torrent.Name), plan.NotChosen.Select(c => c.Torrent.Name), request, string.Empty);
        var after = snapshot with { Holdings = next };
        HoldingRow Row(HoldingChoice c) => HoldingRow.Of(c, snapshot.ReadAt, Change(snapshot.Holding(c.Torrent.Name), after.Holding(c.Torrent.Name), c.Torrent.Held));
        var chosen = plan.Chosen.Select(Row).ToList();
        var notChosen = plan.NotChosen.Select(Row).ToList();
        var rows = chosen.Concat(notChosen).ToList();
        int Count(HoldingChange change) => rows.Count(r => r.Change == change);
        long Bytes(HoldingChange change) => rows.Where(r => r.Change == change).Sum(r => r.Size);
        var wantedAgain = rows.Where(r => r.Change == HoldingChange.Want).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var copyBytes = snapshot.Torrents.Where(t => wantedAgain.ContainsKey(t.Name))
            .Sum(t => t.Size * Math.Max(0, after.ReplicationFactor(t, settings.DefaultReplicationFactor) - snapshot.ReplicationFactor(t, settings.DefaultReplicationFactor)));
        var current = snapshot.Holdings;
        var changes = new HoldingsChanges(
            snapshot.Map.Epoch,
            current?.Request.Describe(),
            Same(current, next),
            Count(HoldingChange.Fetch),
            Bytes(HoldingChange.Fetch),
            Count(HoldingChange.Want),
            copyBytes,
            Count(HoldingChange.Keep),
            Bytes(HoldingChange.Keep),
            Count(HoldingChange.Release),
            Bytes(HoldingChange.Release),
            [.. notChosen.Where(r => r.Change == HoldingChange.Release && r.Seeders is not > 0).Select(r => r.Name)],
            Count(HoldingChange.Drop),
            Bytes(HoldingChange.Drop));
        return new HoldingsPlanReport(plan.MaxBytes, plan.ChosenBytes, plan.BytesToFetch, chosen, notChosen, changes, []);
    }

    /// <summary>
    /// Sets the policy as <paramref name="plan"/> (this snapshot's <see cref="Plan"/>) chose: those torrents are
    /// wanted, the others not (released with <see cref="HoldingsRequest.Release"/>). Nothing to do when the cluster
    /// follows exactly this already. A release that would delete torrents no tracker reports a seeder for is always
    /// refused: the cluster's copies may be the last anywhere, and the last copy is never deleted.
    /// </summary>
    public static OperationDecision Set(ClusterSnapshot snapshot, HoldingsPlanReport plan, HoldingsRequest request, string node, string who)
    {
        var changes = plan.Changes!;
        if (changes.Unchanged)
        {
            return new OperationDecision.Nothing($"the cluster follows this holdings policy already: {plan.Chosen.Count} torrents wanted");
        }

        if (changes.LastCopies.Count > 0)
        {
            return new OperationDecision.Refused(
                $"releasing would delete {changes.LastCopies.Count} torrents no tracker reports a seeder for (never scraped, failing, or none): the cluster's copies may be the last anywhere ({string.Join(", ", changes.LastCopies.Take(10))}{(changes.LastCopies.Count > 10 ? " and more" : string.Empty)}). Scrape them (a seeder must vouch for each), hold them (a larger --max-tb), or set the policy without --release (they are kept, one copy each)",
                changes.LastCopies);
        }

        var next = Next(snapshot, plan.Chosen.Select(r => r.Name), plan.NotChosen.Select(r => r.Name), request, who);
        var summary = $"{plan.Chosen.Count} torrents wanted, {changes.Fetch} to fetch, {changes.Want} wanted again, {changes.Keep} no longer wanted but kept, {changes.Release} released, {changes.Drop} no longer fetched";
        return new OperationDecision.Change(
            [new MapChange.SetHoldings(next, node, $"holdings set to {request.Describe()}: {summary}: {who}")],
            $"holdings policy set ({request.Describe()}): {summary}");
    }

    /// <summary>The policy the cluster follows and how far it is from it.</summary>
    public static HoldingsStatus Show(ClusterSnapshot snapshot, ClusterSettings settings)
    {
        var rows = ClusterReports.Torrents(snapshot, settings);
        var wanted = rows.Where(r => r.Holding is null or HoldingState.Wanted).ToList();
        var missing = wanted.Where(r => r.Healthy < r.ReplicationFactor).OrderByDescending(r => r.Size).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        var holdings = snapshot.Holdings;
        var decided = holdings is null ? [] : holdings.Wanted.Concat(holdings.Released).ToHashSet(StringComparer.Ordinal);
        return new HoldingsStatus(
            snapshot.Map.Epoch,
            holdings?.Request,
            holdings?.SetAt,
            holdings?.SetBy,
            holdings?.Epoch,
            rows.Count,
            rows.Sum(r => r.Size),
            wanted.Count,
            wanted.Sum(r => r.Size),
            wanted.Count(r => r.Healthy >= r.ReplicationFactor),
            wanted.Count(r => r.Healthy > 0 && r.Healthy < r.ReplicationFactor),
            wanted.Count(r => r.Healthy == 0),
            wanted.Where(r => r.Healthy == 0).Sum(r => r.Size),
            wanted.Where(r => r.Healthy > 0).Sum(r => r.Size * Math.Max(0, r.ReplicationFactor - r.Healthy)),
            rows.Count(r => r.Holding == HoldingState.Kept),
            rows.Where(r => r.Holding == HoldingState.Kept).Sum(r => r.Size),
            rows.Count(r => r.Holding == HoldingState.Released && r.Copies.Count > 0),
            rows.Where(r => r.Holding == HoldingState.Released && r.Copies.Count > 0).Sum(r => r.Size),
            rows.Count(r => r.Holding == HoldingState.NotWanted),
            holdings is null ? 0 : snapshot.Torrents.Count(t => t.Added > holdings.SetAt && !decided.Contains(t.Name)),
            missing);
    }

    /// <summary>A Healthy copy on an Up node: "held" for the policy.</summary>
    private static bool IsHeld(ClusterSnapshot snapshot, string torrent) => snapshot.ReplicasOf(torrent).Any(snapshot.CountsAsHealthy);

    private static ClusterHoldings Next(ClusterSnapshot snapshot, IEnumerable<string> chosen, IEnumerable<string> notChosen, HoldingsRequest request, string who)
    {
        var wanted = chosen.ToHashSet(StringComparer.Ordinal);
        // Released once, released still (its copies may be gone): asking again is the same policy.
        var released = request.Release
            ? notChosen.Where(t => snapshot.HoldsData(t) || snapshot.Holdings?.Released.Contains(t) == true).ToHashSet(StringComparer.Ordinal)
            : [];
        return new ClusterHoldings(request, snapshot.ReadAt, who, snapshot.Map.Epoch, wanted, released);
    }

    private static bool Same(ClusterHoldings? current, ClusterHoldings next) =>
        current is not null && current.Request == next.Request && current.Wanted.SetEquals(next.Wanted) && current.Released.SetEquals(next.Released);

    /// <summary>What moving from <paramref name="before"/> (null: no policy, so wanted) to <paramref name="after"/> does.</summary>
    private static HoldingChange? Change(HoldingState? before, HoldingState? after, bool held)
    {
        var wasWanted = before is null or HoldingState.Wanted;
        return after switch
        {
            HoldingState.Wanted when !wasWanted => held ? HoldingChange.Want : HoldingChange.Fetch,
            HoldingState.Kept when wasWanted => HoldingChange.Keep,
            HoldingState.Released when before != HoldingState.Released => HoldingChange.Release,
            HoldingState.NotWanted when wasWanted => HoldingChange.Drop,
            _ => null,
        };
    }
}
