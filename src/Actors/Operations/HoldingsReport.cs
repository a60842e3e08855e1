using LibraryCluster.Actors.Holdings;

namespace LibraryCluster.Actors.Operations;

/// <summary>What setting a holdings policy would change for one torrent (null in a plan: nothing).</summary>
public enum HoldingChange
{
    /// <summary>Chosen, and no Healthy copy anywhere in the cluster: fetched (from the swarm, with Swarm:FetchMissing).</summary>
    Fetch,

    /// <summary>Chosen, held, and not wanted until now (kept, or registered since): copies made up to its replication factor.</summary>
    Want,

    /// <summary>Wanted until now, not chosen, and the cluster has data of it: one copy stays, seeded; extra copies go.</summary>
    Keep,

    /// <summary>Not chosen, and <c>--release</c>: every copy is deleted.</summary>
    Release,

    /// <summary>Wanted until now, not chosen, nothing of it held: it is no longer fetched.</summary>
    Drop,
}

/// <summary>One torrent in a holdings plan: what the trackers said, its score and rank, and what a set would change.</summary>
/// <remarks>
/// <para><c>Held</c>: A Healthy copy is held (in the cluster, or in the database the plan was made against).</para>
/// <para><c>Score</c>: (seeders + 0.1 × leechers) × (average size ÷ size), lower is needier; null when not ranked by count.</para>
/// <para><c>RunningTotal</c>: Bytes chosen up to and including this one (chosen torrents only).</para>
/// <para><c>Change</c>: What <c>holdings set</c> would do to it (plans against a running node only).</para>
/// </remarks>
public sealed record HoldingRow(
    string Name,
    string InfoHash,
    long Size,
    bool Held,
    SwarmKnowledge Knowledge,
    int? Seeders,
    int? Leechers,
    int? Completed,
    string? Tracker,
    DateTimeOffset? ScrapedAt,
    long? AgeSeconds,
    double? Score,
    long? RunningTotal,
    string Reason,
    string? Note,
    HoldingChange? Change = null)
{
    public static HoldingRow Of(HoldingChoice c, DateTimeOffset now, HoldingChange? change = null) => new(
        c.Torrent.Name,
        c.Torrent.InfoHash,
        c.Torrent.Size,
        c.Torrent.Held,
        c.Knowledge,
        c.Counts?.Seeders,
        c.Counts?.Leechers,
        c.Counts?.Completed,
        c.Tracker,
        c.ScrapedAt,
        c.ScrapedAt is { } at ? (long)(now - at).TotalSeconds : null,
        c.Score is { } s ? Math.Round(s, 6) : null,
        c.Chosen ? c.RunningTotal : null,
        c.Reason,
        c.Note,
        change);
}

/// <summary>What a set would change in the cluster, in totals.</summary>
/// <remarks>
/// <para><c>Current</c>: The policy the cluster follows now, in a few words; null when none was set (every torrent wanted).</para>
/// <para><c>Unchanged</c>: The cluster follows exactly this already: a set would change nothing.</para>
/// <para><c>CopyBytes</c>: Bytes of the copies to make from peers for torrents wanted again (<see cref="HoldingChange.Want"/>).</para>
/// <para><c>LastCopies</c>: Torrents a release deletes that no tracker reports a seeder for: the cluster's copy may be the last anywhere.</para>
/// </remarks>
public sealed record HoldingsChanges(
    long Epoch,
    string? Current,
    bool Unchanged,
    int Fetch,
    long FetchBytes,
    int Want,
    long CopyBytes,
    int Keep,
    long KeepBytes,
    int Release,
    long ReleaseBytes,
    IReadOnlyList<string> LastCopies,
    int Drop,
    long DropBytes);

/// <summary>A holdings plan: the chosen torrents in order, the others with why, and (against a running node) what a set would change.</summary>
/// <remarks>
/// <para><c>BytesToFetch</c>: Chosen torrents no Healthy copy of is held: what holding them means fetching.</para>
/// <para><c>Problems</c>: Inputs skipped (a .torrent that could not be read).</para>
/// </remarks>
public sealed record HoldingsPlanReport(
    long MaxBytes,
    long ChosenBytes,
    long BytesToFetch,
    IReadOnlyList<HoldingRow> Chosen,
    IReadOnlyList<HoldingRow> NotChosen,
    HoldingsChanges? Changes,
    IReadOnlyList<string> Problems);

/// <summary>The holdings policy the cluster follows and how far it is from it (<c>libcluster holdings show</c>).</summary>
/// <remarks>
/// <para><c>Policy</c>: What was set (null: no policy, every registered torrent is wanted at its replication factor); <c>SetAt</c>, <c>SetBy</c>, <c>SetEpoch</c> when and by whom.</para>
/// <para><c>WantedHeld</c>: Wanted torrents with their full count of Healthy copies; <c>WantedPartly</c> with some; <c>WantedMissing</c> with none.</para>
/// <para><c>BytesToFetch</c>: Wanted torrents no Healthy copy of is held (from the swarm); <c>BytesToCopy</c>: copies still to make of wanted torrents held somewhere (from peers).</para>
/// <para><c>Kept</c>: Torrents not wanted whose data the cluster keeps (one copy, seeded); <c>Released</c>: released torrents with copies still being deleted.</para>
/// <para><c>NotJudged</c>: Torrents registered since the policy was set: not wanted until the next <c>holdings set</c> judges them.</para>
/// <para><c>Missing</c>: The wanted torrents not held in full, largest first.</para>
/// </remarks>
public sealed record HoldingsStatus(
    long Epoch,
    HoldingsRequest? Policy,
    DateTimeOffset? SetAt,
    string? SetBy,
    long? SetEpoch,
    int Torrents,
    long Bytes,
    int Wanted,
    long WantedBytes,
    int WantedHeld,
    int WantedPartly,
    int WantedMissing,
    long BytesToFetch,
    long BytesToCopy,
    int Kept,
    long KeptBytes,
    int Released,
    long ReleasedBytes,
    int NotWanted,
    int NotJudged,
    IReadOnlyList<TorrentRow> Missing);

/// <summary>The body of <c>PUT /api/admin/cluster/holdings</c> and <c>POST …/holdings/plan</c>: what the CLI's options say, unchecked.</summary>
/// <remarks>
/// <para><c>MaxAgeDays</c>: Default 30; <c>Unscraped</c>: default Last; <c>Release</c>: default false.</para>
/// </remarks>
public sealed record HoldingsAsk(long? MaxBytes, double? MaxAgeDays = null, UnknownSwarms? Unscraped = null, bool? Release = null)
{
    /// <summary>The request, or null with what is wrong in <paramref name="problem"/>.</summary>
    public HoldingsRequest? ToRequest(out string? problem)
    {
        var days = MaxAgeDays ?? new HoldingsOptions { MaxBytes = 0, Now = default }.MaxAge.TotalDays;
        problem = MaxBytes is not >= 0 ? $"maxBytes {MaxBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(missing)"}: give how many bytes the cluster may fill, 0 or more"
            : !(days > 0 && days <= 36_500) ? $"maxAgeDays {days.ToString(System.Globalization.CultureInfo.InvariantCulture)}: give days above 0 (at most 36500)"
            : null;
        return problem is null ? new HoldingsRequest(MaxBytes!.Value, TimeSpan.FromDays(days), Unscraped ?? UnknownSwarms.Last, Release ?? false) : null;
    }
}

/// <summary>What <c>holdings set</c> did: the change (or "nothing to do") and what it comes to.</summary>
public sealed record HoldingsSetResult(OperationResult Result, int Wanted, long WantedBytes, HoldingsChanges Changes);
