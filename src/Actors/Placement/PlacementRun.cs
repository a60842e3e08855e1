namespace LibraryCluster.Actors.Placement;

/// <summary>
/// The mutable state of one <see cref="ReplicaPlacement"/>.Compute call: which volumes hold which torrents, the
/// loads, and the limits the balancer works to. This file keeps the previous placement and places what is
/// missing; <c>PlacementRun.Balance.cs</c> moves replicas.
/// </summary>
internal sealed partial class PlacementRun
{
    // A safety net only: every round that changes something strictly improves the placement (see Balance), so
    // the loop ends long before this.
    private const int MaxRounds = 10_000;

    private readonly PlacementCluster _cluster;
    private readonly PlacementWork[] _order;
    private readonly PlacementRanking _ranking;
    private readonly long[] _load;

    // Per volume: new replicas go on it only while its load stays within _placeLimit; the balancer moves replicas
    // off it above _moveLimit, and fills it up to _share when it is below _fillBelow.
    private readonly long[] _placeLimit;
    private readonly long[] _moveLimit;
    private readonly long[] _share;
    private readonly long[] _fillBelow;

    // Per torrent (index in _order): its volumes (the first _count[t] of _assigned[t]), how many it may have
    // (min(RF, nodes)) and at most how many in one zone.
    private readonly int[][] _assigned;
    private readonly int[] _count;
    private readonly int[] _zoneCap;

    // Per volume: the torrents on it.
    private readonly List<int>[] _held;
    private readonly double? _fillBound;

    public PlacementRun(PlacementCluster cluster, PlacementOptions options, PlacementWork[] order)
    {
        _cluster = cluster;
        _order = order;
        _ranking = new PlacementRanking(cluster);
        _load = new long[cluster.Count];
        _held = new List<int>[cluster.Count];
        for (var v = 0; v < _held.Length; v++)
        {
            _held[v] = [];
        }

        _assigned = new int[order.Length][];
        _count = new int[order.Length];
        _zoneCap = new int[order.Length];
        var bytes = 0.0;
        for (var t = 0; t < order.Length; t++)
        {
            var wanted = Math.Min(order[t].Torrent.ReplicationFactor, cluster.NodeCount);
            _assigned[t] = wanted == 0 ? [] : new int[wanted];
            _zoneCap[t] = wanted == 0 ? 0 : (wanted + cluster.ZoneCount - 1) / cluster.ZoneCount;
            bytes += (double)order[t].Torrent.SizeBytes * wanted;
        }

        var loadFactor = bytes > 0 && cluster.TotalCapacity > 0 ? bytes / cluster.TotalCapacity : 0;
        _fillBound = loadFactor > 0 ? (1 + options.MoveSlack) * loadFactor : null;
        _placeLimit = Limits(1 + options.LoadSlack);
        _moveLimit = Limits(1 + options.MoveSlack);
        _share = Limits(1);
        _fillBelow = Limits(1 - options.FillSlack);
        for (var v = 0; v < cluster.Count; v++)
        {
            _share[v] = Math.Min(_share[v], _placeLimit[v]);
        }

        // Fraction × load factor × capacity, never above the watermark.
        long[] Limits(double fraction)
        {
            var limits = new long[cluster.Count];
            for (var v = 0; v < limits.Length; v++)
            {
                limits[v] = Math.Min(cluster.HardLimit[v], (long)Math.Floor(fraction * loadFactor * cluster.Volumes[v].CapacityBytes));
            }

            return limits;
        }
    }

    public PlacementResult Place(IReadOnlyDictionary<string, IReadOnlyList<string>> previous)
    {
        Keep(previous);
        for (var round = 0; round < MaxRounds; round++)
        {
            // Non-short-circuiting: every step runs each round. Fill before Drain: a new disk takes from the
            // fullest volumes first, which is often all the draining there is to do.
            if (!(PlaceMissing() | RepairZones() | Fill() | Drain()))
            {
                break;
            }
        }

        return Result();
    }

    /// <summary>
    /// Keeps each torrent's previous volumes that are still eligible, on distinct nodes (the most preferred
    /// volume of a node when it had two), and no more than it may have (the most preferred). Loads, the watermark
    /// and zones are left to the balancer, which moves replicas only where it has somewhere better to put them.
    /// </summary>
    private void Keep(IReadOnlyDictionary<string, IReadOnlyList<string>> previous)
    {
        var candidates = new List<(double Key, int Volume)>();
        for (var t = 0; t < _order.Length; t++)
        {
            if (_assigned[t].Length == 0 || !previous.TryGetValue(_order[t].Torrent.Name, out var ids) || ids is null)
            {
                continue;
            }

            candidates.Clear();
            foreach (var id in ids)
            {
                if (id is not null && _cluster.IndexById.TryGetValue(id, out var v))
                {
                    candidates.Add((_cluster.Key(_order[t].Hash, v), v));
                }
            }

            candidates.Sort();
            foreach (var (_, v) in candidates)
            {
                if (_count[t] < _assigned[t].Length && !OnNodeOf(t, v, except: -1))
                {
                    Add(t, v);
                }
            }
        }
    }

    /// <summary>
    /// Gives each torrent with fewer volumes than it may have the first volumes of its ranking that are on a new
    /// node, keep its replicas spread over zones and stay within their place limit; then, for what is still
    /// missing, within the move limit (a big torrent where no volume has that much room: it then moves nothing
    /// else); within the watermark only, where it goes furthest beyond the move limit the least (the balancer
    /// then makes room); then the same on any distinct nodes (zones too full). Returns whether it placed anything.
    /// </summary>
    private bool PlaceMissing()
    {
        var changed = false;
        for (var t = 0; t < _order.Length; t++)
        {
            var wanted = _assigned[t].Length;
            if (_count[t] == wanted)
            {
                continue;
            }

            var before = _count[t];
            _ranking.Reset(_order[t].Hash);
            Walk(t, _placeLimit, _zoneCap[t]);
            if (_count[t] < wanted)
            {
                Walk(t, _moveLimit, _zoneCap[t]);
            }

            if (_count[t] < wanted)
            {
                PlaceWithLeastExcess(t, _zoneCap[t]);
            }

            if (_count[t] < wanted && _zoneCap[t] < wanted)
            {
                PlaceWithLeastExcess(t, wanted);
            }

            changed |= _count[t] > before;
        }

        return changed;
    }

    private void Walk(int t, long[] limit, int zoneCap)
    {
        var size = _order[t].Torrent.SizeBytes;
        for (var rank = 0; rank < _ranking.Count && _count[t] < _assigned[t].Length; rank++)
        {
            var v = _ranking.At(rank);
            if (_load[v] + size <= limit[v] && Allowed(t, v, zoneCap, except: -1))
            {
                Add(t, v);
            }
        }
    }

    // Within the watermark, on the volumes the torrent takes furthest beyond their move limit the least, so that
    // the balancer has the fewest bytes to move off them.
    private void PlaceWithLeastExcess(int t, int zoneCap)
    {
        var size = _order[t].Torrent.SizeBytes;
        while (_count[t] < _assigned[t].Length)
        {
            var best = -1;
            for (var v = 0; v < _cluster.Count; v++)
            {
                if (_load[v] + size <= _cluster.HardLimit[v] && (best < 0 || _moveLimit[v] - _load[v] > _moveLimit[best] - _load[best]) && Allowed(t, v, zoneCap, except: -1))
                {
                    best = v;
                }
            }

            if (best < 0)
            {
                return;
            }

            Add(t, best);
        }
    }

    /// <summary>
    /// Whether torrent t may have a replica on v when its replica on <paramref name="except"/> (−1: none) moves
    /// there: no replica of t on v's node (nor is v on the node it leaves: a node keeps one copy of a torrent, so
    /// moving between its own volumes is not done), and at most <paramref name="zoneCap"/> in v's zone.
    /// </summary>
    private bool Allowed(int t, int v, int zoneCap, int except)
    {
        if (OnNodeOf(t, v, except) || (except >= 0 && _cluster.Node[except] == _cluster.Node[v]))
        {
            return false;
        }

        var inZone = 0;
        for (var i = 0; i < _count[t]; i++)
        {
            var other = _assigned[t][i];
            if (other != except && _cluster.Zone[other] == _cluster.Zone[v])
            {
                inZone++;
            }
        }

        return inZone < zoneCap;
    }

    // Whether t has a replica other than on `except` on v's node.
    private bool OnNodeOf(int t, int v, int except)
    {
        for (var i = 0; i < _count[t]; i++)
        {
            var other = _assigned[t][i];
            if (other != except && _cluster.Node[other] == _cluster.Node[v])
            {
                return true;
            }
        }

        return false;
    }

    private void Add(int t, int v)
    {
        _assigned[t][_count[t]++] = v;
        _held[v].Add(t);
        _load[v] += _order[t].Torrent.SizeBytes;
    }

    private void Move(int t, int from, int to)
    {
        var size = _order[t].Torrent.SizeBytes;
        _assigned[t][Array.IndexOf(_assigned[t], from, 0, _count[t])] = to;
        _held[from].Remove(t);
        _held[to].Add(t);
        _load[from] -= size;
        _load[to] += size;
    }

    private PlacementResult Result()
    {
        var targets = new Dictionary<string, IReadOnlyList<string>>(_order.Length, StringComparer.Ordinal);
        var shortfalls = new List<PlacementShortfall>();
        var ranked = new List<(double Key, int Volume)>();
        for (var t = 0; t < _order.Length; t++)
        {
            var torrent = _order[t].Torrent;
            if (_count[t] > 0)
            {
                // Most preferred first, so that the list does not depend on the order the replicas were found in.
                ranked.Clear();
                for (var i = 0; i < _count[t]; i++)
                {
                    ranked.Add((_cluster.Key(_order[t].Hash, _assigned[t][i]), _assigned[t][i]));
                }

                ranked.Sort();
                targets.Add(torrent.Name, ranked.ConvertAll(r => _cluster.Volumes[r.Volume].Id));
            }

            if (_count[t] < torrent.ReplicationFactor)
            {
                var reason = _cluster.NodeCount < torrent.ReplicationFactor ? UnderplacedReason.NotEnoughNodes : UnderplacedReason.NoRoom;
                shortfalls.Add(new PlacementShortfall(torrent.Name, torrent.ReplicationFactor, _count[t], reason));
            }
        }

        shortfalls.Sort(static (a, b) => string.CompareOrdinal(a.Torrent, b.Torrent));
        var projected = new Dictionary<string, long>(_cluster.Count, StringComparer.Ordinal);
        for (var v = 0; v < _cluster.Count; v++)
        {
            projected.Add(_cluster.Volumes[v].Id, _load[v]);
        }

        return new PlacementResult
        {
            Targets = targets,
            Underplaced = shortfalls.ConvertAll(static s => s.Torrent),
            Shortfalls = shortfalls,
            ProjectedBytes = projected,
            FillBound = _fillBound,
        };
    }
}
