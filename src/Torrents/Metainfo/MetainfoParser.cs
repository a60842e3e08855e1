using LibraryCluster.Torrents.Bencode;

namespace LibraryCluster.Torrents.Metainfo;

/// <summary>Reads .torrent files (BEP 3, with BEP 12 announce-list, BEP 19 url-list, BEP 27 private, BEP 47 padding).</summary>
public static class MetainfoParser
{
    /// <summary>Larger than any real .torrent; a bigger file is refused before it is read.</summary>
    public const long MaxTorrentFileSize = 128L * 1024 * 1024;

    /// <summary>Piece lengths above this would not fit the verifier's buffers.</summary>
    public const int MaxPieceLength = 256 * 1024 * 1024;

    public static TorrentMetainfo Load(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxTorrentFileSize)
        {
            throw new MetainfoException(path, $"file is {length} bytes; a .torrent is at most {MaxTorrentFileSize} bytes");
        }

        return Parse(File.ReadAllBytes(path));
    }

    public static TorrentMetainfo Parse(ReadOnlyMemory<byte> torrentFile)
    {
        if (BencodeDecoder.Decode(torrentFile) is not BDictionary root)
        {
            throw new MetainfoException("(top level)", "a .torrent must be a bencoded dictionary");
        }

        var info = Require<BDictionary>(root, "info", "info");
        var isV2 = Optional<BInteger>(info, "meta version", "info.meta version")?.Value == 2;
        var hasV1 = info.ContainsKey("pieces");
        if (isV2 && !hasV1)
        {
            throw new UnsupportedTorrentException("this is a pure BitTorrent v2 torrent (BEP 52); only v1 and hybrid torrents are supported");
        }

        var name = Text(info, "name", "info.name", required: true)!;
        if (TorrentPath.Problem(name) is { } nameProblem)
        {
            throw new MetainfoException("info.name", nameProblem);
        }

        var pieceLength = Require<BInteger>(info, "piece length", "info.piece length").Value;
        if (pieceLength is <= 0 or > MaxPieceLength)
        {
            throw new MetainfoException("info.piece length", $"{pieceLength} is not a piece length between 1 and {MaxPieceLength}");
        }

        var pieces = Require<BString>(info, "pieces", "info.pieces").Bytes;
        if (pieces.Length % TorrentMetainfo.PieceHashSize != 0)
        {
            throw new MetainfoException("info.pieces", $"length {pieces.Length} is not a multiple of {TorrentMetainfo.PieceHashSize}");
        }

        var files = ReadFiles(info, name, out var isMultiFile);
        var total = files.Count == 0 ? 0 : files[^1].End;
        if (total == 0)
        {
            throw new MetainfoException("info", "the torrent holds no data (total length 0)");
        }

        var expectedPieces = (total + pieceLength - 1) / pieceLength;
        if (pieces.Length / TorrentMetainfo.PieceHashSize != expectedPieces)
        {
            throw new MetainfoException("info.pieces", $"has {pieces.Length / TorrentMetainfo.PieceHashSize} hashes but {total} bytes at {pieceLength} bytes a piece need {expectedPieces}");
        }

        var creation = Optional<BInteger>(root, "creation date", "creation date")?.Value;
        return new TorrentMetainfo
        {
            InfoHash = InfoHash.Compute(torrentFile.Span.Slice((int)info.Start, (int)info.Length)),
            Name = name,
            PieceLength = (int)pieceLength,
            PieceHashes = pieces,
            Files = files,
            IsMultiFile = isMultiFile,
            Announce = Text(root, "announce", "announce", required: false),
            AnnounceList = ReadAnnounceList(root),
            UrlList = ReadUrlList(root),
            IsPrivate = Optional<BInteger>(info, "private", "info.private")?.Value == 1,
            CreationDate = creation is >= 0 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(creation.Value) : null,
            CreatedBy = Text(root, "created by", "created by", required: false),
            Comment = Text(root, "comment", "comment", required: false),
            IsHybrid = isV2,
        };
    }

    private static List<TorrentFileEntry> ReadFiles(BDictionary info, string name, out bool isMultiFile)
    {
        var single = info.Get("length");
        var list = info.Get("files");
        if (single is not null && list is not null)
        {
            throw new MetainfoException("info", "has both 'length' (single-file) and 'files' (multi-file)");
        }

        if (single is not null)
        {
            isMultiFile = false;
            var length = single is BInteger { Value: >= 0 } l ? l.Value : throw new MetainfoException("info.length", "must be a non-negative integer");
            return [new TorrentFileEntry { Index = 0, PathComponents = [name], Length = length, Offset = 0 }];
        }

        if (list is not BList { Count: > 0 } entries)
        {
            throw new MetainfoException("info.files", list is null ? "missing: a torrent needs 'length' or 'files'" : "must be a non-empty list");
        }

        isMultiFile = true;
        var files = new List<TorrentFileEntry>(entries.Count);
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var seenDirectories = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var field = $"info.files[{i}]";
            if (entries[i] is not BDictionary entry)
            {
                throw new MetainfoException(field, "must be a dictionary");
            }

            var length = Require<BInteger>(entry, "length", field + ".length").Value;
            if (length < 0)
            {
                throw new MetainfoException(field + ".length", $"{length} is negative");
            }

            var components = ReadPath(entry, field);
            var isPadding = Optional<BString>(entry, "attr", field + ".attr")?.Text.Contains('p', StringComparison.Ordinal) == true;
            var relative = string.Join('/', components);
            if (seenDirectories.Contains(relative) || !seenFiles.Add(relative))
            {
                throw new MetainfoException(field + ".path", $"\"{relative}\" appears twice in the torrent");
            }

            for (var depth = 1; depth < components.Count; depth++)
            {
                var directory = string.Join('/', components.Take(depth));
                if (seenFiles.Contains(directory))
                {
                    throw new MetainfoException(field + ".path", $"\"{directory}\" is both a file and a directory");
                }

                seenDirectories.Add(directory);
            }

            files.Add(new TorrentFileEntry
            {
                Index = i,
                PathComponents = [name, .. components],
                Length = length,
                Offset = offset,
                IsPadding = isPadding,
            });
            offset = checked(offset + length);
        }

        return files;
    }

    private static List<string> ReadPath(BDictionary entry, string field)
    {
        var key = entry.Get("path.utf-8") is BList ? "path.utf-8" : "path";
        var path = Require<BList>(entry, key, $"{field}.{key}");
        if (path.Count == 0)
        {
            throw new MetainfoException($"{field}.{key}", "is empty");
        }

        var components = new List<string>(path.Count);
        for (var j = 0; j < path.Count; j++)
        {
            var where = $"{field}.{key}[{j}]";
            var component = path[j] is BString s ? s.Text : throw new MetainfoException(where, "must be a string");
            if (TorrentPath.Problem(component) is { } problem)
            {
                throw new MetainfoException(where, problem);
            }

            components.Add(component);
        }

        return components;
    }

    private static List<IReadOnlyList<string>> ReadAnnounceList(BDictionary root)
    {
        var tiers = new List<IReadOnlyList<string>>();
        if (Optional<BList>(root, "announce-list", "announce-list") is not { } list)
        {
            return tiers;
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not BList tier)
            {
                throw new MetainfoException($"announce-list[{i}]", "must be a list of URLs");
            }

            var urls = tier.Items.Select((url, j) => url is BString s ? s.Text : throw new MetainfoException($"announce-list[{i}][{j}]", "must be a string")).ToList();
            if (urls.Count > 0)
            {
                tiers.Add(urls);
            }
        }

        return tiers;
    }

    private static List<string> ReadUrlList(BDictionary root) => root.Get("url-list") switch
    {
        null => [],
        BString single => single.Bytes.IsEmpty ? [] : [single.Text],
        BList list => [.. list.Items.Select((url, i) => url is BString s ? s.Text : throw new MetainfoException($"url-list[{i}]", "must be a string"))],
        _ => throw new MetainfoException("url-list", "must be a string or a list of strings"),
    };

    private static string? Text(BDictionary dictionary, string key, string field, bool required)
    {
        // BEP 3 names are UTF-8 already; some clients add a '.utf-8' twin, which wins when present.
        if (dictionary.Get(key + ".utf-8") is BString utf8)
        {
            return utf8.Text;
        }

        return required ? Require<BString>(dictionary, key, field).Text : Optional<BString>(dictionary, key, field)?.Text;
    }

    private static T Require<T>(BDictionary dictionary, string key, string field)
        where T : BValue =>
        Optional<T>(dictionary, key, field) ?? throw new MetainfoException(field, "missing");

    private static T? Optional<T>(BDictionary dictionary, string key, string field)
        where T : BValue => dictionary.Get(key) switch
        {
            null => null,
            T value => value,
            _ => throw new MetainfoException(field, $"must be {KindName<T>()}"),
        };

    private static string KindName<T>() => typeof(T).Name switch
    {
        nameof(BInteger) => "an integer",
        nameof(BString) => "a string",
        nameof(BList) => "a list",
        _ => "a dictionary",
    };
}
