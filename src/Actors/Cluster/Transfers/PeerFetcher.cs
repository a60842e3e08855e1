using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Threading.Channels;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Verification;
using Microsoft.Win32.SafeHandles;

namespace LibraryCluster.Actors.Cluster.Transfers;

/// <summary>
/// Copies a replica from peers that hold it Healthy: first verifies what is already on disk (so a transfer cut
/// short resumes from its verified pieces), then streams each run of missing pieces by HTTP byte ranges, checks
/// every piece against its SHA-1 before writing it into place, and falls over to the next peer when one fails or
/// sends a piece that does not match. The data is flushed to disk before the fetch reports success.
/// </summary>
public sealed class PeerFetcher(HttpClient http, string clusterToken, TransferGate gate)
{
    public async Task<FetchReport> FetchAsync(
        string torrent,
        TorrentMetainfo metainfo,
        string saveDirectory,
        IReadOnlyList<PeerSource> sources,
        bool healing,
        IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        using var slot = await gate.EnterAsync(healing, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var existing = await PieceVerifier.VerifyAsync(metainfo, saveDirectory, new VerificationOptions(), null, cancellationToken).ConfigureAwait(false);
        var missing = Enumerable.Range(0, metainfo.PieceCount).Where(p => existing.Pieces[p] != PieceState.Valid).ToList();
        var bytesToFetch = missing.Sum(p => (long)metainfo.GetPieceSize(p));
        if (missing.Count == 0)
        {
            return new FetchReport(metainfo.PieceCount, 0, 0, Stopwatch.GetElapsedTime(started), []);
        }

        using var files = new WritableFiles(metainfo, saveDirectory);
        var used = new List<string>();
        var failures = new List<string>();
        long fetched = 0;
        var reported = Stopwatch.GetTimestamp();
        var next = 0;
        var source = 0;
        while (next < missing.Count)
        {
            if (source >= sources.Count)
            {
                throw new PeerFetchException($"no peer could supply {torrent} (piece {missing[next]} of {metainfo.PieceCount}): {(failures.Count == 0 ? "no peer holds it Healthy" : string.Join("; ", failures))}");
            }

            // One run: consecutive missing pieces, streamed from one peer file by file.
            var runEnd = next;
            while (runEnd + 1 < missing.Count && missing[runEnd + 1] == missing[runEnd] + 1)
            {
                runEnd++;
            }

            var peer = sources[source];
            var from = next;
            try
            {
                await CopyRunAsync(peer, runEnd).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or PeerFetchException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // This peer failed us: the pieces it already gave were verified and written; the rest comes from the next.
                failures.Add($"{peer.Node}: {e.Message}");
                source++;
            }

            if (next > from && !used.Contains(peer.Node))
            {
                used.Add(peer.Node);
            }
        }

        await files.FlushAsync().ConfigureAwait(false);
        return new FetchReport(metainfo.PieceCount - missing.Count, missing.Count, fetched, Stopwatch.GetElapsedTime(started), used);

        // Pieces missing[next..runEnd] from one peer. Receiving overlaps checking and writing: a reader streams
        // pieces into a few buffers ahead while this loop hashes each and writes it into place, in order, so
        // that `next` always says how far the verified, written data reaches.
        async Task CopyRunAsync(PeerSource peer, int runEnd)
        {
            var received = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(PiecesInFlight(metainfo.PieceLength)) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reading = ReceiveAsync(peer, missing[next], missing[runEnd], received.Writer, stop.Token);
            try
            {
                await foreach (var buffer in received.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    try
                    {
                        var piece = missing[next];
                        var data = buffer.AsSpan(0, metainfo.GetPieceSize(piece));
                        if (!SHA1.HashData(data).AsSpan().SequenceEqual(metainfo.GetPieceHash(piece)))
                        {
                            throw new PeerFetchException($"piece {piece} from {peer.Node} does not match its hash");
                        }

                        files.WritePiece(piece, data);
                        fetched += data.Length;
                        next++;
                        if (progress is not null && (next == missing.Count || Stopwatch.GetElapsedTime(reported) >= ProgressInterval))
                        {
                            // At most ten reports a second: each one is a message to the replica.
                            reported = Stopwatch.GetTimestamp();
                            progress.Report((double)fetched / bytesToFetch);
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }

                await reading.ConfigureAwait(false);
            }
            finally
            {
                // On failure: stop the reader and give back what it had received ahead.
                await stop.CancelAsync().ConfigureAwait(false);
                await reading.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                while (received.Reader.TryRead(out var buffer))
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }

        async Task ReceiveAsync(PeerSource peer, int first, int last, ChannelWriter<byte[]> into, CancellationToken stop)
        {
            try
            {
                await using var stream = new PeerRangeStream(http, clusterToken, peer, torrent, metainfo,
                    metainfo.GetPieceOffset(first), metainfo.GetPieceOffset(last) + metainfo.GetPieceSize(last));
                for (var piece = first; piece <= last; piece++)
                {
                    var size = metainfo.GetPieceSize(piece);
                    if (gate.Limiter is { } limiter)
                    {
                        await limiter.WaitAsync(size, stop).ConfigureAwait(false);
                    }

                    var buffer = ArrayPool<byte>.Shared.Rent(metainfo.PieceLength);
                    try
                    {
                        await stream.ReadExactlyAsync(buffer.AsMemory(0, size), stop).ConfigureAwait(false);
                        await into.WriteAsync(buffer, stop).ConfigureAwait(false);
                    }
                    catch
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        throw;
                    }
                }
            }
            finally
            {
                into.TryComplete();
            }
        }
    }

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How many pieces a transfer receives ahead of checking them: about 32 MiB, at least two, at most sixteen.</summary>
    private static int PiecesInFlight(int pieceLength) => Math.Clamp((32 << 20) / pieceLength, 2, 16);

    /// <summary>
    /// The torrent's files opened for writing at their final size (created, or cut to size, as needed). Pieces are
    /// written in ascending order, so a file is complete once a piece ends past it: the kernel is asked then to start
    /// writing it to disk (in the background, one file after another), so that the disk writes overlap the rest of
    /// the transfer instead of all waiting for the end. At the end one sync of the file system makes it all durable
    /// (one journal commit, not one per file); where that call does not exist, each file is flushed instead.
    /// </summary>
    private sealed class WritableFiles : IDisposable
    {
        private readonly TorrentMetainfo _metainfo;
        private readonly FileStream?[] _streams;
        private Task _flushing = Task.CompletedTask;
        private int _unflushed;

        public WritableFiles(TorrentMetainfo metainfo, string saveDirectory)
        {
            _metainfo = metainfo;
            _streams = new FileStream?[metainfo.Files.Count];
            try
            {
                foreach (var file in metainfo.Files.Where(f => !f.IsPadding))
                {
                    var path = TorrentPath.Resolve(saveDirectory, file.PathComponents, out var refusal)
                        ?? throw new PeerFetchException($"{file.RelativePath}: {refusal}");
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    var stream = _streams[file.Index] = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
                    if (stream.Length != file.Length)
                    {
                        stream.SetLength(file.Length);
                    }
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public void WritePiece(int piece, ReadOnlySpan<byte> data)
        {
            var offset = _metainfo.GetPieceOffset(piece);
            for (var i = _metainfo.FindFile(offset); i < _metainfo.Files.Count && data.Length > 0; i++)
            {
                var file = _metainfo.Files[i];
                var inFile = offset - file.Offset;
                var length = (int)Math.Min(data.Length, file.Length - inFile);
                if (_streams[i] is { } stream && length > 0)
                {
                    RandomAccess.Write(stream.SafeFileHandle, data[..length], inFile);
                }

                data = data[length..];
                offset += length;
            }

            FlushFilesEndingBy(offset);
        }

        /// <summary>Makes every file durable and waits for that; throws the first disk error.</summary>
        public async Task FlushAsync()
        {
            FlushFilesEndingBy(long.MaxValue);
            await _flushing.ConfigureAwait(false);
            var streams = _streams.OfType<FileStream>().ToList();
            if (streams.Count > 0 && !await Task.Run(() => PageCache.SyncFileSystem(streams[0].SafeFileHandle)).ConfigureAwait(false))
            {
                await Task.Run(() => streams.ForEach(s => s.Flush(flushToDisk: true))).ConfigureAwait(false);
            }
        }

        private void FlushFilesEndingBy(long end)
        {
            for (; _unflushed < _streams.Length && _metainfo.Files[_unflushed].End <= end; _unflushed++)
            {
                if (_streams[_unflushed] is { } stream)
                {
                    var previous = _flushing;
                    _flushing = Task.Run(async () =>
                    {
                        await previous.ConfigureAwait(false);
                        PageCache.StartWriteBack(stream.SafeFileHandle);
                    });
                }
            }
        }

        public void Dispose()
        {
            // A transfer that failed still waits for its flushes, which use the streams about to be closed.
            try
            {
                _flushing.Wait();
            }
            catch (AggregateException)
            {
                // Reported by FlushAsync when the transfer got that far; a failed transfer has its own error.
            }

            foreach (var stream in _streams)
            {
                stream?.Dispose();
            }
        }
    }

    /// <summary>A span of the torrent's bytes read in order from one peer: one ranged GET per file, zeros for padding files.</summary>
    private sealed class PeerRangeStream(HttpClient http, string token, PeerSource peer, string torrent, TorrentMetainfo metainfo, long start, long end) : IAsyncDisposable
    {
        private long _position = start;
        private HttpResponseMessage? _response;
        private Stream? _body;
        private long _bodyEnd;

        public async Task ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
        {
            while (destination.Length > 0)
            {
                if (_position >= end)
                {
                    throw new PeerFetchException($"asked for bytes past {end:N0}");
                }

                var file = metainfo.Files[metainfo.FindFile(_position)];
                var take = (int)Math.Min(destination.Length, Math.Min(file.End, end) - _position);
                if (file.IsPadding)
                {
                    destination.Span[..take].Clear();
                }
                else
                {
                    if (_body is null || _position >= _bodyEnd)
                    {
                        await OpenAsync(file, cancellationToken).ConfigureAwait(false);
                    }

                    var read = await _body!.ReadAtLeastAsync(destination[..take], take, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                    if (read < take)
                    {
                        throw new PeerFetchException($"{peer.Node} sent {file.RelativePath} short at byte {_position - file.Offset + read:N0}");
                    }
                }

                _position += take;
                destination = destination[take..];
            }
        }

        private async Task OpenAsync(TorrentFileEntry file, CancellationToken cancellationToken)
        {
            await CloseAsync().ConfigureAwait(false);
            var from = _position - file.Offset;
            var to = Math.Min(file.End, end) - file.Offset - 1;
            using var request = new HttpRequestMessage(HttpMethod.Get, peer.FileUri(torrent, file.Index));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var whole = from == 0 && to == file.Length - 1;
            if (!whole)
            {
                // A whole file is asked for plainly: peers send those on their fastest path.
                request.Headers.Range = new RangeHeaderValue(from, to);
            }

            _response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!(_response.StatusCode == HttpStatusCode.PartialContent || (whole && _response.StatusCode == HttpStatusCode.OK)))
            {
                throw new PeerFetchException($"{peer.Node} answered {(int)_response.StatusCode} {_response.ReasonPhrase} for {file.RelativePath} bytes {from}-{to}");
            }

            _body = await _response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            _bodyEnd = file.Offset + to + 1;
        }

        private async Task CloseAsync()
        {
            if (_body is not null)
            {
                await _body.DisposeAsync().ConfigureAwait(false);
            }

            _response?.Dispose();
            (_body, _response) = (null, null);
        }

        public ValueTask DisposeAsync() => new(CloseAsync());
    }
}
