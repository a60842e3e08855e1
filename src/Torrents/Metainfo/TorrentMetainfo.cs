namespace LibraryCluster.Torrents.Metainfo;

/// <summary>A parsed v1 .torrent (or the v1 part of a hybrid). Build one with <see cref="MetainfoParser"/>.</summary>
public sealed class TorrentMetainfo
{
    public const int PieceHashSize = 20;

    public required InfoHash InfoHash { get; init; }

    /// <summary>The info dictionary's name: the file name (single-file) or the root directory (multi-file).</summary>
    public required string Name { get; init; }

    public required int PieceLength { get; init; }

    /// <summary>The concatenated 20-byte SHA-1 of every piece.</summary>
    public required ReadOnlyMemory<byte> PieceHashes { get; init; }

    public required IReadOnlyList<TorrentFileEntry> Files { get; init; }

    public required bool IsMultiFile { get; init; }

    public string? Announce { get; init; }

    public IReadOnlyList<IReadOnlyList<string>> AnnounceList { get; init; } = [];

    /// <summary>BEP 19 web seeds.</summary>
    public IReadOnlyList<string> UrlList { get; init; } = [];

    public bool IsPrivate { get; init; }

    public DateTimeOffset? CreationDate { get; init; }

    public string? CreatedBy { get; init; }

    public string? Comment { get; init; }

    /// <summary>A v1+v2 hybrid; only its v1 part is used.</summary>
    public bool IsHybrid { get; init; }

    public long TotalLength => Files.Count == 0 ? 0 : Files[^1].End;

    public int PieceCount => PieceHashes.Length / PieceHashSize;

    public ReadOnlySpan<byte> GetPieceHash(int piece) => PieceHashes.Span.Slice(piece * PieceHashSize, PieceHashSize);

    public long GetPieceOffset(int piece) => (long)piece * PieceLength;

    /// <summary>The length of a piece: <see cref="PieceLength"/>, except possibly the last one.</summary>
    public int GetPieceSize(int piece) => (int)Math.Min(PieceLength, TotalLength - GetPieceOffset(piece));

    /// <summary>The pieces that hold any byte of [offset, offset + length).</summary>
    public Range GetPieceRange(long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0 || offset >= TotalLength)
        {
            return 0..0;
        }

        var end = Math.Min(TotalLength, offset + length);
        var first = (int)(offset / PieceLength);
        var last = (int)((end - 1) / PieceLength);
        return first..(last + 1);
    }

    /// <summary>The pieces that hold any byte of one file (none for an empty file).</summary>
    public Range GetPieceRange(TorrentFileEntry file) => GetPieceRange(file.Offset, file.Length);

    /// <summary>The index of the first file whose data reaches past <paramref name="offset"/>.</summary>
    public int FindFile(long offset)
    {
        int low = 0, high = Files.Count - 1;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (Files[mid].End <= offset)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
