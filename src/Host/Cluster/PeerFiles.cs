using LibraryCluster.Actors.Node;

namespace LibraryCluster.Host.Cluster;

/// <summary>A file a peer may have: where it is and how long it was when it verified.</summary>
public sealed record PeerFile(string Path, long Length);

/// <summary>What <see cref="PeerFileSender"/> may send and to whom.</summary>
public interface IPeerFiles
{
    /// <summary>The cluster token peers present; null outside a cluster (the sender then leaves every connection to Kestrel).</summary>
    string? Token { get; }

    /// <summary>File <paramref name="fileIndex"/> of <paramref name="torrent"/> if a replica here vouches for it, else null.</summary>
    PeerFile? Find(string torrent, int fileIndex);

    /// <summary>A file was not as it verified while it was sent: its replica checks itself again.</summary>
    void ReportReadError(string torrent, string detail);
}

/// <summary>The node's replicas, for peers of its cluster.</summary>
public sealed class ClusterPeerFiles(ClusterRuntime cluster, IServiceProvider services) : IPeerFiles
{
    private MirrorNode? _node;

    private MirrorNode Node => _node ??= services.GetRequiredService<MirrorNode>();

    public string? Token => cluster.Enabled ? cluster.Options.Token : null;

    public PeerFile? Find(string torrent, int fileIndex) => Node.FindServable(torrent, fileIndex) is { } file ? new PeerFile(file.Path, file.Length) : null;

    public void ReportReadError(string torrent, string detail) => Node.ReportReadError(torrent, detail);
}
