using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Verification;

/// <summary>Receives one piece's SHA-1, or <paramref name="available"/> false when its bytes could not all be read.</summary>
internal delegate void PieceHashed(int piece, bool available, ReadOnlySpan<byte> sha1);

/// <summary>
/// Hashes a run of pieces with one worker per core. Workers take pieces in order from a shared
/// counter, so the files are read front to back across file boundaries; each worker reuses one
/// pooled buffer of a piece's size and reads with pread, which needs no shared file position,
/// while hinting the kernel to read ahead the piece the next free worker will take. pread rather
/// than mmap: a file truncated under a mapping kills the process with SIGBUS, a read just comes up short.
/// </summary>
internal static class PieceHasher
{
    private const long ProgressIntervalMs = 100;

    public static async Task<long> HashAsync(
        TorrentMetainfo torrent,
        TorrentDataFiles files,
        Range pieces,
        int maxParallelism,
        ByteRateLimiter? limiter,
        PieceHashed onPiece,
        IProgress<VerificationProgress>? progress,
        CancellationToken cancellationToken)
    {
        var (first, end) = (pieces.Start.Value, pieces.End.Value);
        var total = end - first;
        if (total <= 0)
        {
            return 0;
        }

        long bytesTotal = 0;
        for (var p = first; p < end; p++)
        {
            bytesTotal += torrent.GetPieceSize(p);
        }

        var workers = Math.Clamp(maxParallelism, 1, total);
        var next = first - 1;
        var done = 0;
        long bytesDone = 0;
        long bytesHashed = 0;
        var lastReport = Stopwatch.GetTimestamp();

        void Work()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(torrent.PieceLength);
            Span<byte> hash = stackalloc byte[TorrentMetainfo.PieceHashSize];
            try
            {
                int piece;
                while ((piece = Interlocked.Increment(ref next)) < end)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (piece + workers < end)
                    {
                        files.Prefetch(piece + workers);
                    }

                    var size = torrent.GetPieceSize(piece);
                    limiter?.Wait(size, cancellationToken);
                    var data = buffer.AsSpan(0, size);
                    var available = ReadPiece(torrent, files, piece, buffer, size);
                    if (available)
                    {
                        SHA1.HashData(data, hash);
                        Interlocked.Add(ref bytesHashed, size);
                    }

                    onPiece(piece, available, hash);
                    Interlocked.Increment(ref done);
                    Interlocked.Add(ref bytesDone, size);
                    ReportProgress();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        void ReportProgress()
        {
            if (progress is null)
            {
                return;
            }

            var last = Interlocked.Read(ref lastReport);
            var now = Stopwatch.GetTimestamp();
            var finished = Volatile.Read(ref done) == total;
            if ((finished || Stopwatch.GetElapsedTime(last, now).TotalMilliseconds >= ProgressIntervalMs)
                && Interlocked.CompareExchange(ref lastReport, now, last) == last)
            {
                progress.Report(new VerificationProgress(Volatile.Read(ref done), total, Interlocked.Read(ref bytesDone), bytesTotal));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(Work, cancellationToken))).ConfigureAwait(false);
        progress?.Report(new VerificationProgress(done, total, bytesDone, bytesTotal));
        return bytesHashed;
    }

    private static bool ReadPiece(TorrentMetainfo torrent, TorrentDataFiles files, int piece, byte[] buffer, int size)
    {
        var available = true;
        files.ForEachSegment(piece, size, (file, fileOffset, bufferOffset, length) =>
        {
            available = files.TryRead(file, fileOffset, buffer.AsSpan(bufferOffset, length));
            return available;
        });

        // Every file the piece touches is told, even those skipped after a gap, so handles close on time.
        var pieceOffset = torrent.GetPieceOffset(piece);
        for (var i = torrent.FindFile(pieceOffset); i < torrent.Files.Count && torrent.Files[i].Offset < pieceOffset + size; i++)
        {
            if (torrent.Files[i].Length > 0)
            {
                files.PieceDone(i);
            }
        }

        return available;
    }
}
