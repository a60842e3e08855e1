using System.Diagnostics;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Verification;

/// <summary>Checks a torrent's data on disk against its piece hashes and says, per piece and per file, what is wrong.</summary>
public static class PieceVerifier
{
    /// <param name="torrent">The torrent to check.</param>
    /// <param name="saveDirectory">The directory that holds the torrent's name (its root folder or its single file).</param>
    /// <param name="options">Scope and parallelism; null checks everything on every core.</param>
    /// <param name="progress">Receives throttled progress reports.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    public static async Task<VerificationReport> VerifyAsync(
        TorrentMetainfo torrent,
        string saveDirectory,
        VerificationOptions? options = null,
        IProgress<VerificationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new VerificationOptions();
        var scope = Clamp(options.Pieces ?? (0..torrent.PieceCount), torrent.PieceCount);
        var started = Stopwatch.GetTimestamp();
        var states = new PieceState[torrent.PieceCount];
        using var files = new TorrentDataFiles(torrent, saveDirectory, scope);

        var bytes = await PieceHasher.HashAsync(
            torrent,
            files,
            scope,
            options.MaxParallelism,
            options.MaxBytesPerSecond is { } rate ? new ByteRateLimiter(rate) : null,
            (piece, available, sha1) => states[piece] = !available ? PieceState.Unavailable
                : sha1.SequenceEqual(torrent.GetPieceHash(piece)) ? PieceState.Valid
                : PieceState.Damaged,
            progress,
            cancellationToken).ConfigureAwait(false);

        return new VerificationReport
        {
            Torrent = torrent,
            Scope = scope,
            Pieces = states,
            Files = [.. torrent.Files.Select(f => Judge(torrent, f, files, states))],
            BytesChecked = bytes,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
    }

    private static FileVerification Judge(TorrentMetainfo torrent, TorrentFileEntry file, TorrentDataFiles files, PieceState[] states)
    {
        if (!files.InScope(file.Index))
        {
            return new FileVerification { File = file, State = FileState.NotChecked };
        }

        var range = torrent.GetPieceRange(file);
        var damaged = new List<int>();
        var unavailable = new List<int>();
        for (var p = range.Start.Value; p < range.End.Value; p++)
        {
            if (states[p] == PieceState.Damaged)
            {
                damaged.Add(p);
            }
            else if (states[p] == PieceState.Unavailable)
            {
                unavailable.Add(p);
            }
        }

        var actual = file.IsPadding ? file.Length : files.ActualLength(file.Index);
        var failure = files.Failure(file.Index);
        var state = failure is not null ? FileState.Unreadable
            : actual is null ? FileState.Missing
            : actual < file.Length ? FileState.Short
            : damaged.Count > 0 ? FileState.Damaged
            : actual > file.Length ? FileState.TooLong
            : unavailable.Count > 0 ? FileState.Unverified
            : FileState.Complete;

        return new FileVerification
        {
            File = file,
            State = state,
            ActualLength = actual,
            DamagedPieces = damaged,
            UnavailablePieces = unavailable,
            Reason = failure,
        };
    }

    private static Range Clamp(Range pieces, int count)
    {
        var (offset, length) = pieces.GetOffsetAndLength(count);
        return offset..(offset + length);
    }
}
