using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Operations;

/// <summary>One volume of the cluster as <c>libcluster volumes list</c> shows it.</summary>
/// <remarks>
/// <para><c>Id</c>: Cluster-wide id, <c>node/name</c>.</para>
/// <para><c>Replicas</c>: Copies recorded on it (any state) and their bytes.</para>
/// <para><c>Targets</c>: Torrents the stored placement puts on it, and their bytes: where the volume is heading.</para>
/// </remarks>
public sealed record VolumeRow(
    string Id,
    string Node,
    string Name,
    ClusterVolumeState State,
    string Reason,
    NodeState? NodeState,
    long Capacity,
    long Used,
    int Replicas,
    long ReplicaBytes,
    int Targets,
    long TargetBytes);

/// <summary>A copy on a volume.</summary>
/// <remarks>
/// <para><c>Target</c>: Whether placement still wants the torrent on this volume (false: it is to move away).</para>
/// </remarks>
public sealed record VolumeReplica(string Torrent, ReplicaState State, long Size, DateTimeOffset Since, bool Target);

/// <summary>A volume and every copy on it.</summary>
public sealed record VolumeDetail(VolumeRow Volume, IReadOnlyList<VolumeReplica> Replicas);
