using System.IO.Compression;
using System.Security.Cryptography;
using LibraryCluster.Catalog;

namespace LibraryCluster.Samples;

/// <summary>
/// Where sample content goes: files under <c>data/&lt;torrent&gt;/</c>, article zips for scimag, or
/// nowhere (<see cref="SampleOptions.NoData"/>). Each record's digest is remembered, so every pass
/// over the records (one per dump table, one for the manifest) sees the same MD5.
/// </summary>
internal sealed class SampleFiles(string output, bool writeData) : IDisposable
{
    private readonly Dictionary<(Collection, long), ContentDigest> _digests = [];
    private ZipArchive? _zip;
    private string? _zipPath;

    public bool WriteData { get; } = writeData;

    /// <summary>The torrents that received files, with their collection.</summary>
    public Dictionary<string, Collection> Torrents { get; } = new(StringComparer.Ordinal);

    /// <summary>A book's content: written under its torrent's folder and named by its MD5, or only digested when it has no file.</summary>
    public ContentDigest File(Collection collection, long id, string? torrent, string root, SampleRandom content, long size, string extension, Func<string, string> fileName)
    {
        if (_digests.TryGetValue((collection, id), out var known))
        {
            return known;
        }

        ContentDigest digest;
        if (!WriteData)
        {
            digest = StandIn(collection, id, size);
        }
        else if (torrent is null)
        {
            digest = SampleContent.Write(null, content, size, extension);
        }
        else
        {
            var directory = Folder(collection, torrent, root);
            var temporary = Path.Join(directory, $".partial-{id}");
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                digest = SampleContent.Write(stream, content, size, extension);
            }

            System.IO.File.Move(temporary, Path.Join(directory, fileName(digest.Md5)), overwrite: true);
        }

        return _digests[(collection, id)] = digest;
    }

    /// <summary>An article's PDF as an entry of its zip; entries arrive in ID order, so one zip is open at a time.</summary>
    public ContentDigest ZipEntry(long id, string torrent, string root, string zipName, string entryName, DateTime time, SampleRandom content, long size)
    {
        if (_digests.TryGetValue((Collection.Scimag, id), out var known))
        {
            return known;
        }

        if (!WriteData)
        {
            return _digests[(Collection.Scimag, id)] = StandIn(Collection.Scimag, id, size);
        }

        var path = Path.Join(Folder(Collection.Scimag, torrent, root), zipName);
        if (path != _zipPath)
        {
            CloseZip();
            _zip = new ZipArchive(System.IO.File.Create(path), ZipArchiveMode.Create);
            _zipPath = path;
        }

        var entry = _zip!.CreateEntry(entryName, CompressionLevel.NoCompression);
        entry.LastWriteTime = new DateTimeOffset(time);
        using var stream = entry.Open();
        return _digests[(Collection.Scimag, id)] = SampleContent.Write(stream, content, size, "pdf");
    }

    public void CloseZip()
    {
        _zip?.Dispose();
        _zip = null;
        _zipPath = null;
    }

    public void Dispose() => CloseZip();

    private string Folder(Collection collection, string torrent, string root)
    {
        var directory = Path.Join(output, "data", torrent, root);
        if (Torrents.TryAdd(torrent, collection))
        {
            Directory.CreateDirectory(directory);
        }

        return directory;
    }

    /// <summary>With no data there is no content to hash: a unique, stable MD5 stands in, and the size stays realistic.</summary>
    private static ContentDigest StandIn(Collection collection, long id, long size)
    {
        Span<byte> seed = stackalloc byte[16];
        BitConverter.TryWriteBytes(seed, (long)collection);
        BitConverter.TryWriteBytes(seed[8..], id);
        return new ContentDigest(Convert.ToHexStringLower(MD5.HashData(seed)), [], [], 0, [], size) { IsStandIn = true };
    }
}
