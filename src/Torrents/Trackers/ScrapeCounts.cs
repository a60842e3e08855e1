namespace LibraryCluster.Torrents.Trackers;

/// <summary>
/// What a tracker says about one torrent's swarm: peers with the whole torrent (<c>complete</c>), peers still
/// downloading (<c>incomplete</c>), and how many downloads it has seen finish (<c>downloaded</c>).
/// </summary>
public readonly record struct ScrapeCounts(int Seeders, int Completed, int Leechers);
