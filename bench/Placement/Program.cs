using System.Diagnostics;
using System.Globalization;
using LibraryCluster.Actors.Placement;
using LibraryCluster.Actors.Tests.Placement;

// Usage: LibraryCluster.Bench.Placement [REPETITIONS] [TRIALS]
// Times ReplicaPlacement.Compute on the instance (100 nodes × 12 volumes of 8/12/16 TB in 10 zones,
// 10,000 torrents of median 9 GB, RF 2 and 3) from scratch and from the previous placement: 3 warm-up runs, then
// REPETITIONS timed runs (median, min, bytes allocated per call). Then the placement figures: fill max/mean, and
// over TRIALS seeded additions and removals of one volume the bytes moved, each from the fresh placement; then
// a sequence of changes applied one after the other, each from the placement before it.
var invariant = CultureInfo.InvariantCulture;
var repetitions = args.Length > 0 ? int.Parse(args[0], invariant) : 15;
var trials = args.Length > 1 ? int.Parse(args[1], invariant) : 20;
Console.WriteLine(string.Create(invariant, $"runtime {Environment.Version}, {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}"));

var options = new PlacementOptions();
foreach (var rf in new[] { 2, 3 })
{
    var (volumes, torrents) = PlacementScenario.Large(rf);
    var fresh = Time(() => ReplicaPlacement.Compute(volumes, torrents, options), repetitions);
    var again = Time(() => ReplicaPlacement.Compute(volumes, torrents, fresh.Result.Targets, options), repetitions);
    var same = PlacementMetrics.ArrivedBytes(fresh.Result, again.Result, torrents) == 0;
    Console.WriteLine(string.Create(invariant, $"RF {rf}, from scratch: median {fresh.Median:F0} ms, min {fresh.Min:F0} ms, {fresh.Allocated / 1e6:F1} MB allocated per call; {Fill(fresh.Result, volumes)}; underplaced {fresh.Result.Underplaced.Count}"));
    Console.WriteLine(string.Create(invariant, $"RF {rf}, from its own result: median {again.Median:F0} ms, min {again.Min:F0} ms, {again.Allocated / 1e6:F1} MB allocated per call; unchanged {same}"));
}

// One change at a time, each from the fresh placement: a volume added (on an existing node, or every third trial on a
// new node), and a volume removed.
foreach (var rf in trials > 0 ? new[] { 2, 3 } : [])
{
    var (volumes, torrents) = PlacementScenario.Large(rf);
    var before = ReplicaPlacement.Compute(volumes, torrents, options);
    var random = new Random(11);
    var added = new List<double>();
    var removed = new List<double>();
    var addedFill = new List<double>();
    var removedFill = new List<double>();
    var newVolumeFill = new List<double>();
    var times = new List<double>();
    for (var i = 0; i < trials; i++)
    {
        var volume = NewVolume(random, i);
        var grown = volumes.Append(volume).ToList();
        var started = Stopwatch.GetTimestamp();
        var after = ReplicaPlacement.Compute(grown, torrents, before.Targets, options);
        times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        added.Add(PlacementMetrics.ArrivedBytes(before, after, torrents) / PlacementMetrics.Share(before, torrents, grown, volume));
        addedFill.Add(PlacementMetrics.FillMaxOverMean(after, grown));
        newVolumeFill.Add(after.ProjectedBytes[volume.Id] / PlacementMetrics.Share(after, torrents, grown, volume));

        var gone = volumes[random.Next(volumes.Count)];
        var shrunk = volumes.Where(v => v != gone).ToList();
        after = ReplicaPlacement.Compute(shrunk, torrents, before.Targets, options);
        removed.Add(PlacementMetrics.LeftBytes(before, after, torrents, except: gone.Id) / before.ProjectedBytes[gone.Id]);
        removedFill.Add(PlacementMetrics.FillMaxOverMean(after, shrunk));
    }

    Console.WriteLine(string.Create(invariant, $"RF {rf}, add one volume ({trials} trials): bytes moved ÷ its share: {Summary(added)}; the new volume's bytes ÷ its share: {Summary(newVolumeFill)}; fill max/mean after: max {addedFill.Max():F3}; time median {times.Order().ElementAt(times.Count / 2):F0} ms"));
    Console.WriteLine(string.Create(invariant, $"RF {rf}, remove one volume ({trials} trials): other replicas moved ÷ bytes it held: {Summary(removed)}; fill max/mean after: max {removedFill.Max():F3}"));
}

// A history: 40 changes, each placed from the placement before it: volumes added and removed, and torrents added.
{
    var (volumes, torrents) = PlacementScenario.Large(2);
    var current = ReplicaPlacement.Compute(volumes, torrents, options);
    var random = new Random(17);
    var extra = PlacementScenario.Torrents(12_000, 2, seed: 23).Select((t, i) => t with { Name = $"fiction/f_{i * 1000:D7}.torrent" }).ToList();
    var addRatios = new List<double>();
    var removeRatios = new List<double>();
    var torrentRatios = new List<double>();
    var worstFill = 0.0;
    for (var step = 0; step < 40; step++)
    {
        PlacementResult next;
        switch (step % 4)
        {
            case 0 or 2:
                var volume = NewVolume(random, 1000 + step);
                volumes = [.. volumes, volume];
                next = ReplicaPlacement.Compute(volumes, torrents, current.Targets, options);
                addRatios.Add(PlacementMetrics.ArrivedBytes(current, next, torrents) / PlacementMetrics.Share(current, torrents, volumes, volume));
                break;
            case 1:
                var gone = volumes[random.Next(volumes.Count)];
                volumes = [.. volumes.Where(v => v != gone)];
                next = ReplicaPlacement.Compute(volumes, torrents, current.Targets, options);
                removeRatios.Add(PlacementMetrics.LeftBytes(current, next, torrents, except: gone.Id) / current.ProjectedBytes[gone.Id]);
                break;
            default:
                var fresh = extra.GetRange(step * 50, 200);
                var grown = torrents.Concat(fresh).ToList();
                next = ReplicaPlacement.Compute(volumes, grown, current.Targets, options);
                torrentRatios.Add(PlacementMetrics.LeftBytes(current, next, torrents) / PlacementMetrics.ReplicaBytes(next, fresh));
                torrents = grown;
                break;
        }

        worstFill = Math.Max(worstFill, PlacementMetrics.FillMaxOverMean(next, volumes));
        current = next;
    }

    Console.WriteLine(string.Create(invariant, $"history of 40 changes (RF 2): add a volume: moved ÷ share {Summary(addRatios)}; remove a volume: others moved ÷ held {Summary(removeRatios)}; 200 torrents added: existing replicas moved ÷ new bytes {Summary(torrentRatios)}; worst fill max/mean {worstFill:F3}"));
}

return 0;

static PlacementVolume NewVolume(Random random, int i)
{
    long[] capacities = [8 * PlacementScenario.TB, 12 * PlacementScenario.TB, 16 * PlacementScenario.TB];
    var node = i % 3 == 2 ? 100 + i : random.Next(100);
    return new PlacementVolume($"node-{node}/new{i}", $"node-{node}", $"zone-{node % 10}", capacities[random.Next(3)]);
}

static string Fill(PlacementResult result, List<PlacementVolume> volumes)
{
    var fills = volumes.Select(v => (double)result.ProjectedBytes[v.Id] / v.CapacityBytes).ToList();
    return string.Create(CultureInfo.InvariantCulture, $"fill max/mean {fills.Max() / fills.Average():F3}, min/mean {fills.Min() / fills.Average():F3}");
}

static (double Median, double Min, double Allocated, PlacementResult Result) Time(Func<PlacementResult> compute, int repetitions)
{
    PlacementResult result = null!;
    for (var i = 0; i < 3; i++)
    {
        result = compute();
    }

    var times = new List<double>();
    var allocated = 0L;
    for (var i = 0; i < repetitions; i++)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        result = compute();
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
