namespace LibraryCluster.Actors.Placement;

/// <summary>A torrent to place: its name (the rendezvous key), its size and how many replicas it should have.</summary>
/// <param name="Name">Unique name of the torrent; the rendezvous hash is taken over this name.</param>
/// <param name="SizeBytes">Total size of the torrent's files.</param>
/// <param name="ReplicationFactor">Wanted number of replicas, each on a distinct node.</param>
public sealed record PlacementTorrent(string Name, long SizeBytes, int ReplicationFactor);
