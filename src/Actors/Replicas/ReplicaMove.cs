using LibraryCluster.Torrents;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Verification;

namespace LibraryCluster.Actors.Replicas;

/// <summary>
/// The copying half of moving a replica between two volumes of one node: the files are copied into a hidden
/// folder beside the new place, flushed, verified against the piece hashes, and renamed into place only if the new
/// copy is as good as the old (<see cref="Keeps"/>). The old copy is not touched: the replica switches over and
/// deletes it afterwards.
/// </summary>
internal static class ReplicaMove
{
    private const int BufferSize = 1 << 20;

    /// <summary>The hidden folder a copy is assembled in; torrent names never start with a dot, so it collides with none.</summary>
    public static string StagingFor(string saveDirectory) =>
        Path.Join(Path.GetDirectoryName(saveDirectory), "." + Path.GetFileName(saveDirectory) + ".moving");

    /// <summary>
    /// Whether a new copy may replace the old: complete, or, for a copy that was not whole (<paramref name="mayFail"/>
    /// names the files it could not serve), every other file complete, so nothing that was served is lost.
    /// </summary>
    public static bool Keeps(VerificationReport report, IReadOnlySet<int>? mayFail) =>
        report.IsComplete || (mayFail is not null && report.Files.All(f => f.File.IsPadding || f.State == FileState.Complete || mayFail.Contains(f.File.Index)));

    /// <summary>
    /// Copies the files at <paramref name="from"/> (those there: a Partial copy lacks some) beside <paramref name="to"/>,
    /// verifies them, and renames them into place when they keep the old copy's data (<c>mayFail</c>: the files of a
    /// copy that was not whole that need not verify; null for a whole copy); one move at a time per <paramref name="turns"/>.
    /// </summary>
    /// <returns>The verification of the new copy; it is in place at <paramref name="to"/> only when it <see cref="Keeps"/> the old one's data.</returns>
    public static async Task<VerificationReport> CopyAsync(TorrentMetainfo metainfo, string from, string to, IReadOnlySet<int>? mayFail, SemaphoreSlim? turns, IProgress<double> progress, CancellationToken cancellationToken)
    {
        if (turns is not null)
        {
            await turns.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var staging = StagingFor(to);
        try
        {
            DeleteIfThere(staging);
            var total = Math.Max(1, metainfo.Files.Where(f => !f.IsPadding).Sum(f => f.Length));
            var copied = 0L;
            var buffer = new byte[BufferSize];
            foreach (var file in metainfo.Files.Where(f => !f.IsPadding))
            {
                var source = TorrentPath.Resolve(from, file.PathComponents, out var refusal) ?? throw new TorrentException($"{file.RelativePath}: {refusal}");
                var target = TorrentPath.Resolve(staging, file.PathComponents, out refusal) ?? throw new TorrentException($"{file.RelativePath}: {refusal}");
                if (!File.Exists(source))
                {
                    // Never fetched (a Partial copy): nothing to carry; the verification below says what that costs.
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    copied += read;
                    progress.Report(0.5 * copied / total);
                }

                output.Flush(flushToDisk: true);
            }

            var verification = new CallbackProgress<VerificationProgress>(p => progress.Report(0.5 + (p.PiecesTotal == 0 ? 0.5 : 0.5 * p.PiecesDone / p.PiecesTotal)));
            var report = await PieceVerifier.VerifyAsync(metainfo, staging, new VerificationOptions(), verification, cancellationToken).ConfigureAwait(false);
            if (Keeps(report, mayFail))
            {
                // Whatever is at the new place is a leftover of an earlier attempt: the copy being moved is the one that counts.
                DeleteIfThere(to);
                Directory.Move(staging, to);
            }
            else
            {
                DeleteIfThere(staging);
            }

            return report;
        }
        catch
        {
            try
            {
                DeleteIfThere(staging);
            }
            catch (IOException)
            {
                // The original failure is the one worth reporting.
            }

            throw;
        }
        finally
        {
            turns?.Release();
        }
    }

    private static void DeleteIfThere(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
