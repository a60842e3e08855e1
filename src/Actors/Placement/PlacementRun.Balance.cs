namespace LibraryCluster.Actors.Placement;

/// <summary>
/// The balancer: moves replicas, as few bytes as it can, so that no volume is above its move limit and an
/// under-filled volume is filled toward its share.
/// </summary>
/// <remarks>
/// Every move makes the placement strictly better in this order: more replicas placed, fewer replicas beyond a
/// zone's share, fewer bytes above the move limits, fewer bytes missing below the shares. Placing only adds;
/// a zone repair moves a replica into a zone with room and onto a volume within its place limit; a drain moves
/// one off a volume above its move limit onto one within its place limit (below the move limit); a fill moves
/// one onto a volume below its share from one that stays at or above its share, and never beyond a place limit
/// or a zone's share. So the rounds end, and a placement computed from its own result is the same placement.
/// </remarks>
internal sealed partial class PlacementRun
{
    /// <summary>Moves the least preferred replica of a torrent with too many in one zone to a zone with room. Returns whether it moved any.</summary>
    private bool RepairZones()
    {
        var changed = false;
        for (var t = 0; t < _order.Length; t++)
        {
            var crowded = -1;
            var crowdedKey = double.NegativeInfinity;
            for (var i = 0; i < _count[t]; i++)
            {
                var v = _assigned[t][i];
                if (InZone(t, _cluster.Zone[v]) > _zoneCap[t] && _cluster.Key(_order[t].Hash, v) is var key && key > crowdedKey)
                {
                    (crowded, crowdedKey) = (v, key);
                }
            }

            if (crowded >= 0 && Destination(t, crowded) is var to and >= 0)
            {
                Move(t, crowded, to);
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Moves replicas off every volume above its move limit until it is within it, or nothing more can go. Returns whether it moved any.</summary>
    private bool Drain()
    {
        var changed = false;
        for (var v = 0; v < _cluster.Count; v++)
        {
            while (_load[v] > _moveLimit[v] && MoveOff(v))
            {
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>
    /// Moves one replica off <paramref name="from"/>: the smallest one that alone brings it within its move limit,
    /// or else the largest, to its torrent's most preferred volume with room. Unless the volume is above its
    /// watermark, a replica is not moved if that would leave the volume below its fill level (it would then be
    /// filled again). Returns false when no replica can move.
    /// </summary>
    private bool MoveOff(int from)
    {
        var excess = _load[from] - _moveLimit[from];

        // Above the watermark, whatever it takes.
        var floor = _load[from] > _cluster.HardLimit[from] ? 0 : _fillBelow[from];
        var candidates = new List<(bool Short, long Order, int Torrent)>();
        foreach (var t in _held[from])
        {
            var size = _order[t].Torrent.SizeBytes;
            if (size > 0 && _load[from] - size >= floor)
            {
                candidates.Add(size >= excess ? (false, size, t) : (true, -size, t));
            }
        }

        candidates.Sort();
        foreach (var (_, _, t) in candidates)
        {
            if (Destination(t, from) is var to and >= 0)
            {
                Move(t, from, to);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The first volume of t's ranking its replica on <paramref name="from"/> may move to: another node, a zone
    /// with room, and within the volume's place limit. −1 when there is none.
    /// </summary>
    private int Destination(int t, int from)
    {
        var size = _order[t].Torrent.SizeBytes;
        _ranking.Reset(_order[t].Hash);
        for (var rank = 0; rank < _ranking.Count; rank++)
        {
            var v = _ranking.At(rank);
            if (v != from && _load[v] + size <= _placeLimit[v] && Allowed(t, v, _zoneCap[t], except: from))
            {
                return v;
            }
        }

        return -1;
    }

    /// <summary>
    /// Fills every volume below its fill level (a new disk, say), the emptiest first, up to its share. Returns
    /// whether it moved any replica.
    /// </summary>
    private bool Fill()
    {
        var receivers = new List<(double Fill, int Volume)>();
        for (var v = 0; v < _cluster.Count; v++)
        {
            if (_load[v] < _fillBelow[v])
            {
                receivers.Add(((double)_load[v] / _cluster.Volumes[v].CapacityBytes, v));
            }
        }

        receivers.Sort();
        var changed = false;
        foreach (var (_, v) in receivers)
        {
            while (_load[v] < _share[v] && PullOnto(v))
            {
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>
    /// Moves one replica onto <paramref name="to"/> from a volume that stays at or above its share: preferably
    /// of a torrent that ranks <paramref name="to"/> before the volume it leaves (where plain rendezvous would
    /// put it), and from the fullest such volume. Returns false when there is none.
    /// </summary>
    private bool PullOnto(int to)
    {
        var room = _placeLimit[to] - _load[to];
        var best = (Torrent: -1, From: -1, Favoured: false, Fill: 0.0);
        for (var from = 0; from < _cluster.Count; from++)
        {
            if (_load[from] <= _share[from] || _cluster.Node[from] == _cluster.Node[to])
            {
                continue;
            }

            var fill = (double)_load[from] / _cluster.Volumes[from].CapacityBytes;
            if (best.Favoured && fill <= best.Fill)
            {
                continue;
            }

            foreach (var t in _held[from])
            {
                var size = _order[t].Torrent.SizeBytes;
                if (size == 0 || size > room || _load[from] - size < _share[from] || !Allowed(t, to, _zoneCap[t], except: from))
                {
                    continue;
                }

                var favoured = _cluster.Key(_order[t].Hash, to) < _cluster.Key(_order[t].Hash, from);
                if ((favoured && !best.Favoured) || (favoured == best.Favoured && fill > best.Fill) || best.Torrent < 0)
                {
                    best = (t, from, favoured, fill);
                }
            }
        }

        if (best.Torrent < 0)
        {
            return false;
        }

        Move(best.Torrent, best.From, to);
        return true;
    }

    // How many of t's replicas are in this zone.
    private int InZone(int t, int zone)
    {
        var count = 0;
        for (var i = 0; i < _count[t]; i++)
        {
            if (_cluster.Zone[_assigned[t][i]] == zone)
            {
                count++;
            }
        }

        return count;
    }
}
