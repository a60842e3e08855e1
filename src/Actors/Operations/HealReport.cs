namespace LibraryCluster.Actors.Operations;

/// <summary>Why a copy has to be made.</summary>
public enum HealKind
{
    /// <summary>The torrent has fewer Healthy copies than its replication factor.</summary>
    Heal,

    /// <summary>The torrent has its count, but placement moved a copy to another node (a disk added, a node leaving).</summary>
    Rebalance,

    /// <summary>A Healthy copy moves to another volume of its node (its volume is drained).</summary>
    Move,
}

/// <summary>One copy still to be made.</summary>
/// <remarks>
/// <para><c>To</c>: The target volume (<c>node/name</c>).</para>
/// <para><c>State</c>: What the target node's copy is doing: waiting (no copy yet), Fetching, Repairing, Verifying, Absent (waiting for a source), moving.</para>
/// </remarks>
public sealed record HealItem(string Torrent, long Size, int Healthy, int Wanted, HealKind Kind, string To, string State);

/// <summary>What is left to heal and move, and how fast it goes.</summary>
/// <remarks>
/// <para><c>BytesToMove</c>: Bytes of every copy still to be made (<see cref="Items"/>).</para>
/// <para><c>BytesMovedRecently</c>: Bytes copies were filled with over the last <see cref="HealReports.RateWindow"/>, from the journal.</para>
/// <para><c>EtaSeconds</c>: Bytes to move at the recent rate; null when nothing moved recently.</para>
/// <para><c>Stuck</c>: Torrents no copy can be made of now (no Healthy source, no room), with why.</para>
/// </remarks>
public sealed record HealReport(
    DateTimeOffset At,
    int Torrents,
    int UnderReplicated,
    int Unavailable,
    long BytesToMove,
    long BytesMovedRecently,
    double BytesPerSecond,
    double? EtaSeconds,
    IReadOnlyList<HealItem> Items,
    IReadOnlyList<string> Stuck);
