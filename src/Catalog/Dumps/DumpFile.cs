using System.IO.Compression;

namespace LibraryCluster.Catalog.Dumps;

/// <summary>Opens a dump as plain SQL, whatever it came in: .sql, .sql.gz or a .zip holding one .sql.</summary>
public sealed class DumpFile : IDisposable
{
    private readonly FileStream _file;
    private readonly IDisposable? _archive;

    private DumpFile(FileStream file, Stream sql, IDisposable? archive)
    {
        _file = file;
        Sql = sql;
        _archive = archive;
    }

    /// <summary>The SQL text, decompressed.</summary>
    public Stream Sql { get; }

    /// <summary>How far into the file on disk reading has got (compressed bytes for archives), for progress.</summary>
    public long Position => _file.Position;

    public long Length => _file.Length;

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
            Span<byte> magic = stackalloc byte[8];
            var read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            file.Position = 0;
            magic = magic[..read];
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

            if (magic.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
            {
                return new DumpFile(file, new GZipStream(file, CompressionMode.Decompress), null);
            }

            if (magic.StartsWith("PK\u0003\u0004"u8))
            {
                var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
                var entry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
                    ?? throw new CatalogException($"{path}: the zip holds no .sql file");
                return new DumpFile(file, entry.Open(), zip);
            }

            return new DumpFile(file, file, null);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Sql.Dispose();
        _archive?.Dispose();
        _file.Dispose();
    }
}
