using LibraryCluster.Torrents.Metainfo;
using Microsoft.Win32.SafeHandles;

namespace LibraryCluster.Torrents.Verification;

/// <summary>
/// A torrent's files as found under a save directory: their state on disk, and positional reads
/// (pread) that many hashing threads share. A file's handle opens on first read and closes as
/// soon as the last piece that touches it is done, so a torrent of thousands of files never
/// holds thousands of handles.
/// </summary>
internal sealed class TorrentDataFiles : IDisposable
{
    private readonly TorrentMetainfo _torrent;
    private readonly Entry[] _entries;

    public TorrentDataFiles(TorrentMetainfo torrent, string saveDirectory, Range pieces)
    {
        _torrent = torrent;
        _entries = new Entry[torrent.Files.Count];
        var (first, end) = (pieces.Start.Value, pieces.End.Value);
        if (first >= end)
        {
            return;
        }

        var firstFile = torrent.FindFile(torrent.GetPieceOffset(first));
        var lastFile = torrent.FindFile(torrent.GetPieceOffset(end - 1) + torrent.GetPieceSize(end - 1) - 1);
        for (var i = firstFile; i <= lastFile; i++)
        {
            var file = torrent.Files[i];
            var entry = _entries[i] = new Entry();
            var range = torrent.GetPieceRange(file);
            entry.PiecesLeft = Math.Max(0, Math.Min(end, range.End.Value) - Math.Max(first, range.Start.Value));
            if (file.IsPadding)
            {
                continue;
            }

            entry.Path = TorrentPath.Resolve(saveDirectory, file.PathComponents, out var refusal);
            entry.Failure = refusal;
            if (entry.Path is not null)
            {
                var info = new FileInfo(entry.Path);
                entry.ActualLength = info.Exists ? info.Length : null;
            }
        }
    }

    public bool InScope(int fileIndex) => _entries[fileIndex] is not null;

    public long? ActualLength(int fileIndex) => _entries[fileIndex]?.ActualLength;

    public string? Failure(int fileIndex) => _entries[fileIndex]?.Failure;

    /// <summary>Fills <paramref name="destination"/> from one file; false when those bytes are missing or unreadable.</summary>
    public bool TryRead(TorrentFileEntry file, long fileOffset, Span<byte> destination)
    {
        if (file.IsPadding)
        {
            destination.Clear();
            return true;
        }

        var entry = _entries[file.Index];
        if (entry.Failure is not null || entry.ActualLength is not { } actual || fileOffset + destination.Length > actual)
        {
            return false;
        }

        try
        {
            var handle = entry.Open();
            while (!destination.IsEmpty)
            {
                var read = RandomAccess.Read(handle, destination, fileOffset);
                if (read == 0)
                {
                    // Truncated while we read it.
                    entry.Failure ??= $"file ended at byte {fileOffset} while it was being read";
                    return false;
                }

                destination = destination[read..];
                fileOffset += read;
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            entry.Failure ??= e.Message;
            return false;
        }
    }

    /// <summary>Starts the kernel reading a piece that a worker will claim soon; best effort.</summary>
    public void Prefetch(int piece)
    {
        ForEachSegment(piece, _torrent.GetPieceSize(piece), (file, fileOffset, _, length) =>
        {
            var entry = _entries[file.Index];
            if (!file.IsPadding && entry is { Failure: null, ActualLength: { } actual } && fileOffset < actual)
            {
                try
                {
                    PageCache.ReadAhead(entry.Open(), fileOffset, length);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
                {
                    // The read itself will meet and report the problem.
                }
            }

            return true;
        });
    }

    /// <summary>Called once per piece for each file the piece touched.</summary>
    public void PieceDone(int fileIndex)
    {
        var entry = _entries[fileIndex];
        if (Interlocked.Decrement(ref entry.PiecesLeft) == 0)
        {
            entry.Close();
        }
    }

    public void Dispose()
    {
        foreach (var entry in _entries)
        {
            entry?.Close();
        }
    }

    /// <summary>Visits the files that hold a piece's bytes, with the slice of the piece each one fills.</summary>
    public void ForEachSegment(int piece, int pieceSize, Func<TorrentFileEntry, long, int, int, bool> visit)
    {
        var pieceOffset = _torrent.GetPieceOffset(piece);
        var pieceEnd = pieceOffset + pieceSize;
        for (var i = _torrent.FindFile(pieceOffset); i < _torrent.Files.Count && _torrent.Files[i].Offset < pieceEnd; i++)
        {
            var file = _torrent.Files[i];
            var start = Math.Max(pieceOffset, file.Offset);
            var end = Math.Min(pieceEnd, file.End);
            if (end > start && !visit(file, start - file.Offset, (int)(start - pieceOffset), (int)(end - start)))
            {
                return;
            }
        }
    }

    private sealed class Entry
    {
        private readonly Lock _lock = new();
        private SafeFileHandle? _handle;
        private bool _closed;

        public string? Path { get; set; }

        public long? ActualLength { get; set; }

        public string? Failure { get; set; }

#pragma warning disable SA1401, IDE1006 // a field so that Interlocked can decrement it
        public int PiecesLeft;
#pragma warning restore SA1401, IDE1006

        public SafeFileHandle Open()
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                return _handle ??= File.OpenHandle(Path!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
            }
        }

        public void Close()
        {
            lock (_lock)
            {
                _closed = true;
                _handle?.Dispose();
                _handle = null;
            }
        }
    }
}
