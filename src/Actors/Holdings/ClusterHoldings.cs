using System.Globalization;

namespace LibraryCluster.Actors.Holdings;

/// <summary>What an operator asked of the holdings policy (<c>libcluster holdings set|plan</c>).</summary>
/// <remarks>
/// <para><c>MaxBytes</c>: How many bytes of torrents the cluster holds at most (TB = 10^12 bytes).</para>
/// <para><c>MaxAge</c>: Seeder counts older than this are not trusted.</para>
/// <para><c>Release</c>: Torrents not chosen are let go, every copy deleted; by default a torrent not chosen that the cluster holds is kept (one copy, seeded).</para>
/// </remarks>
public sealed record HoldingsRequest(long MaxBytes, TimeSpan MaxAge, UnknownSwarms Unknown, bool Release)
{
    /// <summary>The policy's inputs for judging torrents at <paramref name="now"/>.</summary>
    public HoldingsOptions Options(DateTimeOffset now) => new() { MaxBytes = MaxBytes, Now = now, MaxAge = MaxAge, Unknown = Unknown };

    /// <summary>"20 TB, counts up to 30 days old, unscraped last, kept": the policy in a few words (the journal's states).</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{MaxBytes / (double)HoldingsOptions.Terabyte:0.####} TB, counts up to {MaxAge.TotalDays:0.##} days old, unscraped {(Unknown == UnknownSwarms.Last ? "last" : "skipped")}, not chosen {(Release ? "released" : "kept")}");
}

/// <summary>The policy the cluster follows, as set: the request, when, by whom, and what it chose.</summary>
/// <remarks>
/// <para><c>Wanted</c>: The torrents chosen: held at their replication factor, fetched from peers or the swarm when missing.</para>
/// <para>
/// <c>Released</c>: Torrents not chosen whose copies an operator asked to let go (<c>--release</c>): every copy is
/// deleted. Any other torrent is not wanted: one copy of it is kept (and seeded) while the cluster has its data, none
/// is made.
/// </para>
/// <para><c>Epoch</c>: The map's epoch the policy was set at.</para>
/// </remarks>
public sealed record ClusterHoldings(HoldingsRequest Request, DateTimeOffset SetAt, string SetBy, long Epoch, IReadOnlySet<string> Wanted, IReadOnlySet<string> Released);
