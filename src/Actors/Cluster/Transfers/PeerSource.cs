namespace LibraryCluster.Actors.Cluster.Transfers;

/// <summary>A peer with a Healthy replica of a torrent: its node id and base address.</summary>
public sealed record PeerSource(string Node, Uri Endpoint)
{
    /// <summary>The peer's internal endpoint for one file of one of its replicas.</summary>
    public Uri FileUri(string torrent, int fileIndex) => new(Endpoint, $"internal/replicas/{Uri.EscapeDataString(torrent)}/files/{fileIndex}");
}
