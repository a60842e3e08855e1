namespace LibraryCluster.Actors.Placement;

/// <summary>The mutable state of one <see cref="ReplicaPlacement.Compute"/> call: loads, bounds and the targets found so far.</summary>
internal sealed class PlacementRun
{
    private readonly PlacementCluster _cluster;
    private readonly PlacementOptions _options;
    private readonly PlacementRanking _ranking;
    private readonly long[] _load;
    private readonly long[] _bound;
    private int[] _chosen = new int[4];

    public PlacementRun(PlacementCluster cluster, PlacementOptions options)
    {
        _cluster = cluster;
        _options = options;
        _ranking = new PlacementRanking(cluster);
        _load = new long[cluster.Count];
        _bound = new long[cluster.Count];
    }

    public PlacementResult Place(PlacementWork[] order)
    {
        var fillBound = SetBounds(order);
        var targets = new Dictionary<string, IReadOnlyList<string>>(order.Length, StringComparer.Ordinal);
        var shortfalls = new List<PlacementShortfall>();
        foreach (var work in order)
        {
            var wanted = work.Torrent.ReplicationFactor;
            if (wanted == 0)
            {
                continue;
            }

            var placed = 0;
            var possible = Math.Min(wanted, _cluster.NodeCount);
            if (possible > 0)
            {
                if (_chosen.Length < possible)
                {
                    _chosen = new int[Math.Max(possible, _chosen.Length * 2)];
                }

                placed = PlaceOne(work, possible);
            }

            if (placed > 0)
            {
                var ids = new string[placed];
                for (var i = 0; i < placed; i++)
                {
                    ids[i] = _cluster.Volumes[_chosen[i]].Id;
                }

                targets.Add(work.Torrent.Name, ids);
            }

            if (placed < wanted)
            {
                var reason = _cluster.NodeCount < wanted ? UnderplacedReason.NotEnoughNodes : UnderplacedReason.NoRoom;
                shortfalls.Add(new PlacementShortfall(work.Torrent.Name, wanted, placed, reason));
            }
        }

        shortfalls.Sort(static (a, b) => string.CompareOrdinal(a.Torrent, b.Torrent));
        var projected = new Dictionary<string, long>(_cluster.Count, StringComparer.Ordinal);
        for (var i = 0; i < _cluster.Count; i++)
        {
            projected.Add(_cluster.Volumes[i].Id, _load[i]);
        }

        return new PlacementResult
        {
            Targets = targets,
            Underplaced = shortfalls.ConvertAll(static s => s.Torrent),
            Shortfalls = shortfalls,
            ProjectedBytes = projected,
            FillBound = fillBound,
        };
    }

    /// <summary>
    /// Sets each volume's bound: the watermark, and with BalanceLoad also (1 + slack) × the load factor
    /// rounded up to a power of (1 + step), × capacity. Returns that fill bound, or null when there is none.
    /// </summary>
    private double? SetBounds(PlacementWork[] order)
    {
        Array.Copy(_cluster.HardLimit, _bound, _bound.Length);
        var bytes = 0.0;
        foreach (var work in order)
        {
            bytes += (double)work.Torrent.SizeBytes * Math.Min(work.Torrent.ReplicationFactor, _cluster.NodeCount);
        }

        if (!_options.BalanceLoad || !(bytes > 0) || !(_cluster.TotalCapacity > 0))
        {
            return null;
        }

        var loadFactor = bytes / _cluster.TotalCapacity;
        if (_options.LoadStep > 0)
        {
            var step = PlacementHash.Ln(1 + _options.LoadStep);
            var power = Math.Ceiling(PlacementHash.Ln(loadFactor) / step);
            loadFactor = PlacementHash.Pow(1 + _options.LoadStep, (int)power);
        }

        var fillBound = (1 + _options.LoadSlack) * loadFactor;
        for (var i = 0; i < _bound.Length; i++)
        {
            var soft = Math.Floor(fillBound * _cluster.Volumes[i].CapacityBytes);
            if (soft < _bound[i])
            {
                _bound[i] = (long)soft;
            }
        }

        return fillBound;
    }

    /// <summary>
    /// Walks the torrent's ranking up to three times: within the bounds and spread over zones; within
    /// the watermark and spread over zones (a torrent too big for any bound); within the watermark on
    /// any distinct nodes (zones too full). Returns how many targets it found, in <c>_chosen</c>.
    /// </summary>
    private int PlaceOne(PlacementWork work, int wanted)
    {
        _ranking.Reset(work.Hash);
        var size = work.Torrent.SizeBytes;
        var zoneCap = (wanted + _cluster.ZoneCount - 1) / _cluster.ZoneCount;
        var placed = Walk(size, wanted, 0, _bound, zoneCap);
        if (placed < wanted && _options.BalanceLoad)
        {
            placed = Walk(size, wanted, placed, _cluster.HardLimit, zoneCap);
        }

        if (placed < wanted && zoneCap < wanted)
        {
            placed = Walk(size, wanted, placed, _cluster.HardLimit, wanted);
        }

        return placed;
    }

    private int Walk(long size, int wanted, int placed, long[] limit, int zoneCap)
    {
        for (var rank = 0; rank < _ranking.Count && placed < wanted; rank++)
        {
            var v = _ranking.At(rank);
            if (_load[v] + size > limit[v] || !Allowed(v, placed, zoneCap))
            {
                continue;
            }

            _chosen[placed++] = v;
            _load[v] += size;
        }

        return placed;
    }

    // Not on a node that already has a replica of this torrent, and not over the zone's share.
    private bool Allowed(int v, int placed, int zoneCap)
    {
        var node = _cluster.Node;
        var zone = _cluster.Zone;
        var inZone = 0;
        for (var i = 0; i < placed; i++)
        {
            var other = _chosen[i];
            if (node[other] == node[v])
            {
                return false;
            }

            if (zone[other] == zone[v])
            {
                inZone++;
            }
        }

        return inZone < zoneCap;
    }
}
