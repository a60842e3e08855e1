using System.Diagnostics;
using System.Globalization;
using LibraryCluster.Actors.Placement;
using LibraryCluster.Actors.Tests.Placement;

// Usage: LibraryCluster.Bench.Placement [REPETITIONS] [TRIALS]
// Times ReplicaPlacement.Compute on the issue's instance (100 nodes × 12 volumes of 8/12/16 TB in 10 zones,
// 10,000 torrents of median 9 GB, RF 2 and 3): 3 warm-up runs, then REPETITIONS timed runs (median, min,
// bytes allocated per call). Then the placement figures: fill max/mean, and over TRIALS seeded additions and
// removals of one volume the bytes moved, with the balance bound on (default options) and off.
var invariant = CultureInfo.InvariantCulture;
var repetitions = args.Length > 0 ? int.Parse(args[0], invariant) : 15;
var trials = args.Length > 1 ? int.Parse(args[1], invariant) : 20;
Console.WriteLine(string.Create(invariant, $"runtime {Environment.Version}, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}"));

var balanced = new PlacementOptions();
var plain = new PlacementOptions { BalanceLoad = false };
foreach (var (name, rf, options) in new[] { ("RF 2, balanced", 2, balanced), ("RF 3, balanced", 3, balanced), ("RF 2, plain", 2, plain) })
{
    var (volumes, torrents) = PlacementScenario.Large(rf);
    var (median, min, allocated, result) = Time(volumes, torrents, options, repetitions);
    Console.WriteLine(string.Create(invariant, $"{name}: median {median:F0} ms, min {min:F0} ms, {allocated / 1e6:F1} MB allocated per call; fill max/mean {PlacementMetrics.FillMaxOverMean(result, volumes):F3}; underplaced {result.Underplaced.Count}"));
}

var unrounded = new PlacementOptions { LoadStep = 0 };
foreach (var (name, options) in trials > 0 ? new[] { ("balanced", balanced), ("plain", plain), ("balanced without rounding (LoadStep 0)", unrounded) } : [])
{
    var (volumes, torrents) = PlacementScenario.Large(2);
    var before = ReplicaPlacement.Compute(volumes, torrents, options);
    var total = PlacementMetrics.ReplicaBytes(before, torrents);
    var capacity = volumes.Sum(v => (double)v.CapacityBytes);
    var random = new Random(11);
    var added = new List<double>();
    var removedOthers = new List<double>();
    var crossings = 0;
    long[] capacities = [8 * PlacementScenario.TB, 12 * PlacementScenario.TB, 16 * PlacementScenario.TB];
    for (var i = 0; i < (options == unrounded ? Math.Min(trials, 5) : trials); i++)
    {
        // One disk more: on an existing node, or (every third trial) on a new node.
        var node = i % 3 == 2 ? 100 + i : random.Next(100);
        var volume = new PlacementVolume($"node-{node}/new{i}", $"node-{node}", $"zone-{node % 10}", capacities[random.Next(3)]);
        var after = ReplicaPlacement.Compute([.. volumes, volume], torrents, options);
        added.Add(PlacementMetrics.ArrivedBytes(before, after, torrents) / (total * volume.CapacityBytes / (capacity + volume.CapacityBytes)));
        crossings += after.FillBound == before.FillBound ? 0 : 1;

        var gone = volumes[random.Next(volumes.Count)];
        after = ReplicaPlacement.Compute([.. volumes.Where(v => v != gone)], torrents, options);
        removedOthers.Add(PlacementMetrics.LeftBytes(before, after, torrents, except: gone.Id) / before.ProjectedBytes[gone.Id]);
        crossings += after.FillBound == before.FillBound ? 0 : 1;
    }

    Console.WriteLine(string.Create(invariant, $"{name}, add one volume ({added.Count} trials): bytes moved ÷ its share: {Summary(added)}"));
    Console.WriteLine(string.Create(invariant, $"{name}, remove one volume ({removedOthers.Count} trials): other replicas moved ÷ bytes it held: {Summary(removedOthers)}; load-step crossings in all trials: {crossings}"));
}

// What a step crossing costs: remove volumes one by one (seeded order) until the rounded load factor moves up a step.
{
    var (volumes, torrents) = PlacementScenario.Large(2);
    var order = PlacementScenario.Shuffled(volumes, 3);
    var current = volumes.ToList();
    var before = ReplicaPlacement.Compute(current, torrents, balanced);
    for (var removed = 1; removed <= order.Count / 10; removed++)
    {
        var gone = order[removed - 1];
        current.Remove(gone);
        var after = ReplicaPlacement.Compute(current, torrents, balanced);
        if (after.FillBound != before.FillBound)
        {
            var moved = PlacementMetrics.LeftBytes(before, after, torrents, except: gone.Id) / PlacementMetrics.ReplicaBytes(before, torrents);
            Console.WriteLine(string.Create(invariant, $"balanced, load step crossed at removal #{removed} (fill bound {before.FillBound:F5} → {after.FillBound:F5}): other replicas moved = {moved * 100:F1}% of all replica bytes ({moved * current.Count:F1}× a volume's share)"));
            break;
        }

        before = after;
    }
}

// Growth of the holdings: 100 new torrents (1% more) within one load step.
{
    var (volumes, torrents) = PlacementScenario.Large(2);
    var before = ReplicaPlacement.Compute(volumes, torrents, balanced);
    var fresh = PlacementScenario.Torrents(10_100, 2, seed: 5)[10_000..].Select((t, i) => t with { Name = $"fiction/f_{i * 1000:D7}.torrent" }).ToList();
    var after = ReplicaPlacement.Compute(volumes, [.. torrents, .. fresh], balanced);
    var moved = PlacementMetrics.LeftBytes(before, after, torrents);
    var added = PlacementMetrics.ReplicaBytes(after, fresh);
    Console.WriteLine(string.Create(invariant, $"balanced, 100 torrents added (fill bound {(after.FillBound == before.FillBound ? "unchanged" : "changed")}): existing replicas moved = {moved / added:F2}× the new replica bytes"));
}

return 0;

static (double Median, double Min, double Allocated, PlacementResult Result) Time(List<PlacementVolume> volumes, List<PlacementTorrent> torrents, PlacementOptions options, int repetitions)
{
    PlacementResult result = null!;
    for (var i = 0; i < 3; i++)
    {
        result = ReplicaPlacement.Compute(volumes, torrents, options);
    }

    var times = new List<double>();
    var allocated = 0L;
    for (var i = 0; i < repetitions; i++)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        result = ReplicaPlacement.Compute(volumes, torrents, options);
        times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
    }

    times.Sort();
    return (times[times.Count / 2], times[0], allocated, result);
}

static string Summary(List<double> values)
{
    var sorted = values.Order().ToList();
    return string.Create(CultureInfo.InvariantCulture, $"mean {values.Average():F2}, median {sorted[sorted.Count / 2]:F2}, max {sorted[^1]:F2}, min {sorted[0]:F2}");
}
