using LibraryCluster.Actors.Placement;

namespace LibraryCluster.Actors.Operations;

/// <summary>A volume to imagine in the cluster: <c>node/name</c> with a capacity, in the node's zone (or <see cref="Zone"/> for a new node).</summary>
public sealed record NewVolume(string Node, string Name, long Capacity, string? Zone = null)
{
    public string Id => $"{Node}/{Name}";
}

/// <summary>A change to the cluster to imagine, for <c>libcluster placement plan</c>: nothing is changed.</summary>
/// <remarks>
/// <para><c>Weights</c>: Volume id → the capacity (weight) to give it instead of its own.</para>
/// </remarks>
public sealed record PlacementChange(
    IReadOnlyList<NewVolume> AddVolumes,
    IReadOnlyList<string> RemoveNodes,
    IReadOnlyList<string> RemoveVolumes,
    IReadOnlyDictionary<string, long> Weights);

/// <summary>A torrent whose targets the change would move.</summary>
public sealed record PlannedMove(string Torrent, long Size, IReadOnlyList<string> From, IReadOnlyList<string> To);

/// <summary>Bytes placement puts on a volume now and after the change.</summary>
public sealed record VolumeFill(string Volume, long Capacity, long Before, long After);

/// <summary>What a change would move, computed with the placement every node runs, from the stored placement.</summary>
/// <remarks>
/// <para><c>BytesToCopy</c>: Bytes of every new target: what the cluster would copy.</para>
/// <para><c>Underplaced</c>: Torrents that would get fewer targets than their replication factor, and why.</para>
/// </remarks>
public sealed record PlacementPlanReport(
    long Epoch,
    int Torrents,
    int CopiesMoved,
    long BytesToCopy,
    long BytesTotal,
    IReadOnlyList<PlannedMove> Moves,
    IReadOnlyList<VolumeFill> Volumes,
    IReadOnlyList<PlacementShortfall> Underplaced);
