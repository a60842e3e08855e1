namespace LibraryCluster.Actors.Placement;

/// <summary>Why a torrent got fewer targets than its replication factor.</summary>
public enum UnderplacedReason
{
    /// <summary>There are fewer distinct nodes with eligible volumes than the replication factor.</summary>
    NotEnoughNodes,

    /// <summary>Enough nodes, but every remaining candidate volume would go over its high watermark.</summary>
    NoRoom,
}
