namespace LibraryCluster.Actors.Placement;

/// <summary>One torrent to place, with its name hashed once.</summary>
/// <param name="Torrent">The input torrent.</param>
/// <param name="Hash">The stable hash of its name.</param>
internal readonly record struct PlacementWork(PlacementTorrent Torrent, ulong Hash)
{
    /// <summary>
    /// The torrents in placement order: largest first (the bounded-load bound then has small torrents
    /// left to even out the fill), ties by hash then name, so the order never depends on the input order.
    /// </summary>
    public static PlacementWork[] Order(IReadOnlyList<PlacementTorrent> torrents)
    {
        var work = new PlacementWork[torrents.Count];
        var names = new HashSet<string>(torrents.Count, StringComparer.Ordinal);
        for (var i = 0; i < work.Length; i++)
        {
            var torrent = torrents[i] ?? throw new ArgumentException($"torrents[{i}] is null.", nameof(torrents));
            if (string.IsNullOrEmpty(torrent.Name) || torrent.SizeBytes < 0 || torrent.ReplicationFactor < 0)
            {
                throw new ArgumentException($"torrents[{i}] ('{torrent.Name}'): Name must be non-empty, SizeBytes ≥ 0 (is {torrent.SizeBytes}) and ReplicationFactor ≥ 0 (is {torrent.ReplicationFactor}).", nameof(torrents));
            }

            if (!names.Add(torrent.Name))
            {
                throw new ArgumentException($"torrent name '{torrent.Name}' appears more than once.", nameof(torrents));
            }

            work[i] = new PlacementWork(torrent, PlacementHash.Of(torrent.Name));
        }

        Array.Sort(work, static (a, b) =>
        {
            var bySize = b.Torrent.SizeBytes.CompareTo(a.Torrent.SizeBytes);
            if (bySize != 0)
            {
                return bySize;
            }

            var byHash = a.Hash.CompareTo(b.Hash);
            return byHash != 0 ? byHash : string.CompareOrdinal(a.Torrent.Name, b.Torrent.Name);
        });
        return work;
    }
}
