namespace LibraryCluster.Actors.Placement;

/// <summary>
/// A volume that placement may use. The caller passes only eligible volumes (state In, on a node
/// that is not Out); placement never looks at health itself.
/// </summary>
/// <param name="Id">Unique cluster-wide, e.g. <c>node-1/a</c>. The rendezvous hash is taken over this id.</param>
/// <param name="Node">The node (host) holding the volume; replicas of one torrent never share a node.</param>
/// <param name="Zone">The failure domain of the node; replicas of one torrent are spread over zones.</param>
/// <param name="CapacityBytes">The volume's size; it is also the volume's weight (a 2× bigger volume gets about 2× the bytes).</param>
/// <param name="ReservedBytes">Space used on the disk by things placement does not place; it counts against the high watermark.</param>
public sealed record PlacementVolume(string Id, string Node, string Zone, long CapacityBytes, long ReservedBytes = 0);
