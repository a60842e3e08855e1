using System.IO.Compression;

namespace LibraryCluster.Catalog.Dumps;

/// <summary>Opens a dump as plain SQL, whatever it came in: .sql, .sql.gz or a .zip holding one .sql; or an upload of one (.sql or .sql.gz).</summary>
public sealed class DumpFile : IDisposable
{
    private readonly Stream _raw;
    private readonly IDisposable? _archive;
    private readonly long _length;

    private DumpFile(Stream raw, Stream sql, IDisposable? archive, long length)
    {
        _raw = raw;
        Sql = sql;
        _archive = archive;
        _length = length;
    }

    /// <summary>How many bytes of a dump to look at to tell its format (<see cref="FromStream"/>).</summary>
    public const int MagicLength = 8;

    /// <summary>The SQL text, decompressed.</summary>
    public Stream Sql { get; }

    /// <summary>How far into the file on disk reading has got (compressed bytes for archives), for progress; 0 for an upload.</summary>
    public long Position => _raw.CanSeek ? _raw.Position : 0;

    /// <summary>The file's size on disk; an upload's declared size (0 when not declared).</summary>
    public long Length => _length;

    public static DumpFile Open(string path)
    {
        if (Directory.Exists(path))
        {
            throw new CatalogException($"{path} is a folder; give the dump file (libgen.sql, fiction.sql, scimag.sql or .sql.gz)");
        }

        if (!File.Exists(path))
        {
            throw new CatalogException($"{path}: no such file");
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[MagicLength];
            var read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            file.Position = 0;
            magic = magic[..read];
            Refuse(magic, path);
            if (IsGzip(magic))
            {
                return new DumpFile(file, new GZipStream(file, CompressionMode.Decompress), null, file.Length);
            }

            if (magic.StartsWith("PK\u0003\u0004"u8))
            {
                var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
                var entry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
                    ?? throw new CatalogException($"{path}: the zip holds no .sql file");
                return new DumpFile(file, entry.Open(), zip, file.Length);
            }

            return new DumpFile(file, file, null, file.Length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A dump arriving as a stream that cannot seek (an upload to the node), plain SQL or gzip-compressed, told apart
    /// by its first bytes (<paramref name="magic"/>, up to <see cref="MagicLength"/>, still at the start of
    /// <paramref name="stream"/>). Archives, which cannot be read from a stream, are refused with what to do.
    /// </summary>
    public static DumpFile FromStream(Stream stream, ReadOnlySpan<byte> magic, string name, long length)
    {
        Refuse(magic, name);
        if (magic.StartsWith("PK\u0003\u0004"u8))
        {
            throw new CatalogException($"{name} is a zip archive, which cannot be read from a stream: send the .sql inside it (unzip '{name}'), or gzip it");
        }

        return new DumpFile(stream, IsGzip(magic) ? new GZipStream(stream, CompressionMode.Decompress) : stream, null, length);
    }

    private static bool IsGzip(ReadOnlySpan<byte> magic) => magic.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]);

    /// <summary>Formats we do not read, with the command that turns each into one we do.</summary>
    private static void Refuse(ReadOnlySpan<byte> magic, string path)
    {
        if (magic.StartsWith("Rar!"u8))
        {
            throw new CatalogException($"{path} is a RAR archive, which we do not read. Extract the .sql first: apt-get install unar && unar '{path}' (or unrar-free)");
        }

        if (magic.StartsWith((ReadOnlySpan<byte>)[(byte)'7', (byte)'z', 0xBC, 0xAF]))
        {
            throw new CatalogException($"{path} is a 7-Zip archive. Extract the .sql first: apt-get install 7zip && 7z x '{path}'");
        }

        if (magic.StartsWith("BZh"u8))
        {
            throw new CatalogException($"{path} is bzip2-compressed. Decompress it first: bunzip2 -k '{path}'");
        }
    }

    public void Dispose()
    {
        Sql.Dispose();
        _archive?.Dispose();
        _raw.Dispose();
    }
}
