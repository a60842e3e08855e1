using System.Collections.Concurrent;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Actors.Node;

/// <summary>A torrent this node holds a replica of, and where its data lives.</summary>
public sealed record HeldTorrent(string Name, TorrentMetainfo Metainfo, string Volume, string SaveDirectory)
{
    private readonly Dictionary<string, int> _fileIndex = Metainfo.Files.Where(f => !f.IsPadding).ToDictionary(f => f.RelativePath, f => f.Index, StringComparer.Ordinal);

    /// <summary>The index of a file by its path inside the torrent (as the catalogue records it).</summary>
    public int? FindFile(string relativePath) => _fileIndex.TryGetValue(relativePath, out var index) ? index : null;
}

/// <summary>
/// What the node holds, readable from any thread without asking an actor: the actors publish a new
/// immutable snapshot on every change, and request handlers read the latest.
/// </summary>
public sealed class NodeView
{
    private readonly ConcurrentDictionary<string, HeldTorrent> _torrents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ReplicaStatus> _replicas = new(StringComparer.Ordinal);

    public IEnumerable<HeldTorrent> Torrents => _torrents.Values.OrderBy(t => t.Name, StringComparer.Ordinal);

    public IEnumerable<ReplicaStatus> Replicas => _replicas.Values.OrderBy(r => r.Torrent, StringComparer.Ordinal);

    public HeldTorrent? Torrent(string name) => _torrents.GetValueOrDefault(name);

    public ReplicaStatus? Replica(string torrent) => _replicas.GetValueOrDefault(torrent);

    internal void Add(HeldTorrent torrent) => _torrents[torrent.Name] = torrent;

    /// <summary>A replica changed state, or a torrent came or went (its name); raised on the thread that changed it.</summary>
    public event Action<string>? Changed;

    internal void Remove(string torrent)
    {
        _torrents.TryRemove(torrent, out _);
        _replicas.TryRemove(torrent, out _);
        Changed?.Invoke(torrent);
    }

    private long _verifiedBytes;
    private long _scrubbedBytes;

    /// <summary>Bytes hashed by finished adoptions and re-verifications since the node started.</summary>
    public long VerifiedBytes => Interlocked.Read(ref _verifiedBytes);

    /// <summary>Bytes hashed by finished scrubs since the node started.</summary>
    public long ScrubbedBytes => Interlocked.Read(ref _scrubbedBytes);

    internal void Publish(ReplicaStatus status)
    {
        var previous = _replicas.GetValueOrDefault(status.Torrent);
        _replicas[status.Torrent] = status;
        if (previous?.State is ReplicaState.Verifying or ReplicaState.Scrubbing && status.State is ReplicaState.Healthy or ReplicaState.Damaged or ReplicaState.Partial or ReplicaState.Absent)
        {
            Interlocked.Add(ref previous.State == ReplicaState.Scrubbing ? ref _scrubbedBytes : ref _verifiedBytes, status.BytesVerified);
        }

        if (previous?.State != status.State)
        {
            Changed?.Invoke(status.Torrent);
        }
    }
}
