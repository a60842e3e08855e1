namespace LibraryCluster.Actors.Placement;

/// <summary>
/// One torrent's weighted rendezvous ranking of the volumes, produced lazily: the best few from one
/// pass over the volumes (a logarithm only for pairs that can still make the head), the full order
/// only when a walk goes past them. Reused from torrent to torrent, so a placement allocates nothing
/// per (torrent, volume) pair.
/// </summary>
internal sealed class PlacementRanking
{
    /// <summary>How many of the best volumes one pass keeps; walks rarely go further.</summary>
    private const int Head = 16;

    /// <summary>
    /// Slack on the pruning bound, far above the rounding error of a key (about 1e-14), so that a pair
    /// is never pruned when its key could still win.
    /// </summary>
    private const double PruneMargin = 1e-12;

    private readonly PlacementCluster _cluster;
    private readonly RankedVolume[] _full;
    private readonly double[] _headKeys = new double[Head];
    private readonly int[] _head = new int[Head];
    private ulong _torrentHash;
    private int _headCount;
    private bool _fullSorted;

    public PlacementRanking(PlacementCluster cluster)
    {
        _cluster = cluster;
        _full = new RankedVolume[cluster.Count];
    }

    /// <summary>The number of volumes in the ranking.</summary>
    public int Count => _full.Length;

    /// <summary>Ranks the volumes for the torrent with this name hash.</summary>
    public void Reset(ulong torrentHash)
    {
        var hashes = _cluster.Hash;
        var inverseWeights = _cluster.InverseWeight;
        _torrentHash = torrentHash;
        _headCount = 0;
        _fullSorted = false;
        var threshold = double.PositiveInfinity;
        for (var i = 0; i < hashes.Length; i++)
        {
            var draw = PlacementHash.Draw(PlacementHash.Pair(torrentHash, hashes[i]));
            if ((PlacementHash.KeyLowerBound(draw, inverseWeights[i]) - (PruneMargin * inverseWeights[i])) >= threshold)
            {
                continue;
            }

            var key = PlacementHash.Key(draw, inverseWeights[i]);
            if (_headCount < Head)
            {
                Insert(key, i, _headCount++);
                if (_headCount == Head)
                {
                    threshold = _headKeys[Head - 1];
                }
            }
            else if (key < threshold)
            {
                // Equal keys keep the lower index, which came first.
                Insert(key, i, Head - 1);
                threshold = _headKeys[Head - 1];
            }
        }
    }

    /// <summary>The index of the volume at this rank (0 = most preferred).</summary>
    public int At(int rank)
    {
        if (rank < _headCount)
        {
            return _head[rank];
        }

        if (!_fullSorted)
        {
            SortAll();
        }

        return _full[rank].Index;
    }

    private void SortAll()
    {
        for (var i = 0; i < _full.Length; i++)
        {
            _full[i] = new RankedVolume(_cluster.Key(_torrentHash, i), i);
        }

        Array.Sort(_full);
        _fullSorted = true;
    }

    // Shifts the head right from `last` down to the insertion point of key, dropping what falls off the end.
    private void Insert(double key, int index, int last)
    {
        var j = last;
        while (j > 0 && _headKeys[j - 1] > key)
        {
            _headKeys[j] = _headKeys[j - 1];
            _head[j] = _head[j - 1];
            j--;
        }

        _headKeys[j] = key;
        _head[j] = index;
    }

    private readonly record struct RankedVolume(double Key, int Index) : IComparable<RankedVolume>
    {
        public int CompareTo(RankedVolume other)
        {
            var byKey = Key.CompareTo(other.Key);
            return byKey != 0 ? byKey : Index.CompareTo(other.Index);
        }
    }
}
