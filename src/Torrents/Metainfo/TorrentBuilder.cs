using LibraryCluster.Torrents.Bencode;
using LibraryCluster.Torrents.Verification;

namespace LibraryCluster.Torrents.Metainfo;

/// <summary>Makes v1 .torrent files from data on disk, hashing pieces on every core.</summary>
public static class TorrentBuilder
{
    /// <summary>A multi-file torrent named after <paramref name="directory"/>, its files in ordinal path order.</summary>
    public static Task<byte[]> FromDirectoryAsync(string directory, TorrentBuildOptions options, CancellationToken cancellationToken = default)
    {
        var root = new DirectoryInfo(Path.GetFullPath(directory));
        var files = root.EnumerateFiles("*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root.FullName, f.FullName).Split(Path.DirectorySeparatorChar))
            .OrderBy(components => string.Join('/', components), StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new TorrentException($"{directory}: no files to put in a torrent");
        }

        return BuildAsync(root.Parent!.FullName, root.Name, files, multiFile: true, options, cancellationToken);
    }

    /// <summary>A single-file torrent of <paramref name="file"/>.</summary>
    public static Task<byte[]> FromFileAsync(string file, TorrentBuildOptions options, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(Path.GetFullPath(file));
        return BuildAsync(info.DirectoryName!, info.Name, [[info.Name]], multiFile: false, options, cancellationToken);
    }

    private static async Task<byte[]> BuildAsync(
        string saveDirectory, string name, List<string[]> paths, bool multiFile, TorrentBuildOptions options, CancellationToken cancellationToken)
    {
        var entries = new List<TorrentFileEntry>(paths.Count);
        long offset = 0;
        foreach (var components in paths)
        {
            var full = Path.Join([saveDirectory, .. multiFile ? [name] : Array.Empty<string>(), .. components]);
            var length = new FileInfo(full).Length;
            entries.Add(new TorrentFileEntry
            {
                Index = entries.Count,
                PathComponents = multiFile ? [name, .. components] : components,
                Length = length,
                Offset = offset,
            });
            offset += length;
        }

        var pieceCount = (int)((offset + options.PieceLength - 1) / options.PieceLength);
        var hashes = new byte[pieceCount * TorrentMetainfo.PieceHashSize];
        var draft = new TorrentMetainfo
        {
            InfoHash = default,
            Name = name,
            PieceLength = options.PieceLength,
            PieceHashes = hashes,
            Files = entries,
            IsMultiFile = multiFile,
        };

        var pieces = 0..pieceCount;
        using (var data = new TorrentDataFiles(draft, saveDirectory, pieces))
        {
            await PieceHasher.HashAsync(
                draft,
                data,
                pieces,
                Environment.ProcessorCount,
                limiter: null,
                (piece, available, sha1) =>
                {
                    if (!available)
                    {
                        throw new TorrentException($"{saveDirectory}: could not read piece {piece} of \"{name}\" (a file changed while it was hashed?)");
                    }

                    sha1.CopyTo(hashes.AsSpan(piece * TorrentMetainfo.PieceHashSize));
                },
                progress: null,
                cancellationToken).ConfigureAwait(false);
        }

        return BencodeEncoder.Encode(ToBencode(draft, options));
    }

    private static BDictionary ToBencode(TorrentMetainfo torrent, TorrentBuildOptions options)
    {
        var info = new BDictionary
        {
            ["name"] = new BString(torrent.Name),
            ["piece length"] = new BInteger(torrent.PieceLength),
            ["pieces"] = new BString(torrent.PieceHashes),
        };
        if (torrent.IsMultiFile)
        {
            var files = new BList();
            foreach (var file in torrent.Files)
            {
                var path = new BList();
                foreach (var component in file.PathComponents.Skip(1))
                {
                    path.Add(new BString(component));
                }

                files.Add(new BDictionary { ["length"] = new BInteger(file.Length), ["path"] = path });
            }

            info["files"] = files;
        }
        else
        {
            info["length"] = new BInteger(torrent.TotalLength);
        }

        if (options.IsPrivate)
        {
            info["private"] = new BInteger(1);
        }

        var root = new BDictionary { ["info"] = info };
        if (options.Announce is { } announce)
        {
            root["announce"] = new BString(announce);
        }

        if (options.UrlList.Count > 0)
        {
            var urls = new BList();
            foreach (var url in options.UrlList)
            {
                urls.Add(new BString(url));
            }

            root["url-list"] = urls;
        }

        if (options.CreationDate is { } created)
        {
            root["creation date"] = new BInteger(created.ToUnixTimeSeconds());
        }

        if (options.CreatedBy is { } createdBy)
        {
            root["created by"] = new BString(createdBy);
        }

        if (options.Comment is { } comment)
        {
            root["comment"] = new BString(comment);
        }

        return root;
    }
}
