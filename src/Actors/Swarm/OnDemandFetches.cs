using System.Collections.Concurrent;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Actors.Swarm;

/// <summary>Where an on-demand fetch stands.</summary>
public enum OnDemandPhase
{
    /// <summary>Asked for; the daemon is fetching the pieces.</summary>
    Fetching,

    /// <summary>The daemon has every piece; the node is checking them itself before anything is served.</summary>
    Verifying,

    /// <summary>Verified: the file is served from this node's copy.</summary>
    Ready,

    /// <summary>The fetch could not be done; <see cref="OnDemandFetch.Problem"/> says why.</summary>
    Failed,
}

/// <summary>One torrent's on-demand fetch: the files asked for (with the neighbours they share pieces with) and how far it has got.</summary>
public sealed record OnDemandFetch
{
    public required string Torrent { get; init; }

    /// <summary>The files downloads asked for.</summary>
    public required IReadOnlySet<int> Requested { get; init; }

    /// <summary>
    /// The files the daemon fetches: those asked for and every file sharing a piece with one of them. A piece's
    /// hash covers all of its bytes, so a file can only be checked when its first and last pieces are whole on disk.
    /// </summary>
    public required IReadOnlySet<int> Wanted { get; init; }

    /// <summary>Bytes of <see cref="Wanted"/>: what the daemon must fetch at most.</summary>
    public required long WantedBytes { get; init; }

    public OnDemandPhase Phase { get; init; }

    /// <summary>Share of the wanted bytes the daemon has, 0 to 1.</summary>
    public double Progress { get; init; }

    public string? Problem { get; init; }

    public required DateTimeOffset Since { get; init; }
}

/// <summary>
/// The on-demand fetches downloads have asked for (the Sci-Hub pattern): a download of a file this node does not
/// hold has the daemon fetch just the pieces of that file, which the node verifies before serving it and keeps as
/// a partial copy. Downloads add requests and read progress here; the <see cref="SeedingAgent"/> carries them out.
/// Thread-safe.
/// </summary>
public sealed class OnDemandFetches
{
    private readonly ConcurrentDictionary<string, OnDemandFetch> _fetches = new(StringComparer.Ordinal);

    /// <summary>Raised when a request adds something new for the agent to do.</summary>
    public event Action? Requested;

    /// <summary>Whether the node fetches on demand: a daemon is configured and the option is on.</summary>
    public bool Enabled { get; internal set; }

    /// <summary>
    /// Asks for file <paramref name="fileIndex"/> of <paramref name="torrent"/>; asking again for a file already
    /// asked for changes nothing, and a failed fetch is tried again. Returns where the torrent's fetch stands.
    /// </summary>
    public OnDemandFetch Request(string torrent, TorrentMetainfo metainfo, int fileIndex, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fileIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fileIndex, metainfo.Files.Count);
        var changed = false;
        var fetch = _fetches.AddOrUpdate(
            torrent,
            _ =>
            {
                changed = true;
                return Create(torrent, metainfo, [fileIndex], now);
            },
            (_, existing) =>
            {
                if (existing.Requested.Contains(fileIndex) && existing.Phase != OnDemandPhase.Failed)
                {
                    return existing;
                }

                changed = true;
                return existing.Phase == OnDemandPhase.Failed
                    ? Create(torrent, metainfo, [.. existing.Requested, fileIndex], now)
                    : Create(torrent, metainfo, [.. existing.Requested, fileIndex], existing.Since) with { Progress = existing.Progress };
            });
        if (changed)
        {
            Requested?.Invoke();
        }

        return fetch;
    }

    /// <summary>The torrent's fetch, or null when nothing was asked for.</summary>
    public OnDemandFetch? Find(string torrent) => _fetches.GetValueOrDefault(torrent);

    /// <summary>Every fetch asked for, as of now.</summary>
    public IReadOnlyList<OnDemandFetch> All => [.. _fetches.Values];

    /// <summary>Records progress, unless a newer request replaced the fetch meanwhile (then the next pass updates it).</summary>
    internal void Update(OnDemandFetch seen, Func<OnDemandFetch, OnDemandFetch> change) =>
        _fetches.TryUpdate(seen.Torrent, change(seen), seen);

    /// <summary>The torrent is held whole (or no longer here): nothing on demand is left to do for it.</summary>
    internal void Forget(string torrent) => _fetches.TryRemove(torrent, out _);

    private static OnDemandFetch Create(string torrent, TorrentMetainfo metainfo, HashSet<int> requested, DateTimeOffset since)
    {
        var wanted = new SortedSet<int>();
        foreach (var index in requested)
        {
            wanted.UnionWith(FilesSharingPieces(metainfo, index));
        }

        return new OnDemandFetch
        {
            Torrent = torrent,
            Requested = requested,
            Wanted = wanted,
            WantedBytes = wanted.Sum(i => metainfo.Files[i].Length),
            Phase = OnDemandPhase.Fetching,
            Since = since,
        };
    }

    /// <summary>The file and every other (non-padding) file with bytes in its first or last piece.</summary>
    internal static IEnumerable<int> FilesSharingPieces(TorrentMetainfo metainfo, int fileIndex)
    {
        var file = metainfo.Files[fileIndex];
        if (file.Length == 0)
        {
            return [fileIndex];
        }

        var start = file.Offset / metainfo.PieceLength * metainfo.PieceLength;
        var end = Math.Min(metainfo.TotalLength, ((file.End - 1) / metainfo.PieceLength + 1) * metainfo.PieceLength);
        var files = new List<int>();
        for (var i = metainfo.FindFile(start); i < metainfo.Files.Count && metainfo.Files[i].Offset < end; i++)
        {
            if (!metainfo.Files[i].IsPadding && (metainfo.Files[i].Length > 0 || i == fileIndex))
            {
                files.Add(i);
            }
        }

        return files;
    }
}
