using System.Text.Json;
using System.Text.Json.Serialization;
using LibraryCluster.Catalog;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Samples;

/// <summary>
/// Makes a sample LibGen collection: <c>dumps/</c> in the real mysqldump shape, <c>torrents/</c> with the
/// real names, <c>data/&lt;torrent&gt;/</c> with the real inside layout, and <c>sample.json</c> listing every
/// record. The same options give the same bytes, so samples double as test fixtures.
/// </summary>
public static partial class SampleGenerator
{
    public const string ManifestFileName = "sample.json";

    /// <summary>Dates are fixed so that the output does not depend on when it was made.</summary>
    private static readonly DateTime Epoch = new(2009, 7, 20, 3, 45, 11, DateTimeKind.Utc);

    public static JsonSerializerOptions ManifestJson { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<SampleManifest> CreateAsync(SampleOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        Validate(options);
        var output = Path.GetFullPath(options.OutputDirectory);
        PrepareOutput(output);

        using var files = new SampleFiles(output, writeData: !options.NoData);
        var context = new Context(options, output, files, cancellationToken);

        // The first pass over each collection writes its files; later passes reuse the digests.
        progress?.Report($"writing {options.Books} books, {options.Fiction} fiction files and {options.Scimag} articles");
        Drain(ScitechRows(context));
        Drain(FictionRows(context));
        Drain(ScimagRows(context));
        files.CloseZip();

        progress?.Report("writing dumps");
        WriteScitechDump(context);
        WriteFictionDump(context);
        WriteScimagDump(context);

        var torrents = new List<SampleTorrent>();
        foreach (var (name, collection) in files.Torrents.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            progress?.Report($"hashing {name}");
            torrents.Add(await CreateTorrentAsync(context, name, collection, cancellationToken).ConfigureAwait(false));
        }

        var manifest = new SampleManifest
        {
            Options = options with { OutputDirectory = output },
            Records = [.. ScitechRows(context).Select(r => r.Record), .. FictionRows(context).Select(r => r.Record), .. ScimagRows(context).Select(r => r.Record)],
            Torrents = torrents,
        };
        await using (var stream = File.Create(Path.Join(output, ManifestFileName)))
        {
            await JsonSerializer.SerializeAsync(stream, manifest, ManifestJson, cancellationToken).ConfigureAwait(false);
        }

        return manifest;
    }

    private static void Drain<T>(IEnumerable<T> rows)
    {
        foreach (var _ in rows)
        {
        }
    }

    public static async Task<SampleManifest> LoadManifestAsync(string directory, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(Path.Join(directory, ManifestFileName));
        return await JsonSerializer.DeserializeAsync<SampleManifest>(stream, ManifestJson, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{directory}: {ManifestFileName} is empty");
    }

    private static void Validate(SampleOptions options)
    {
        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException(message);
            }
        }

        Check(options.Books >= 0 && options.Fiction >= 0 && options.Scimag >= 0, "--books, --fiction and --scimag must not be negative");
        Check(options.Books + options.Fiction + options.Scimag > 0, "a sample needs at least one record: give --books, --fiction or --scimag");
        Check(options.SizeScale is > 0 and <= 100 && double.IsFinite(options.SizeScale), $"--size-scale {options.SizeScale} must be above 0 and at most 100");
        Check(options.IdGap is >= 1 and <= 10_000, $"--id-gap {options.IdGap} must be between 1 and 10000");
        Check(
            options.PieceLength is null || (options.PieceLength >= 16 * 1024 && options.PieceLength <= MetainfoParser.MaxPieceLength && int.IsPow2(options.PieceLength.Value)),
            $"--piece-length {options.PieceLength} must be a power of two between 16 KiB and 256 MiB");
    }

    /// <summary>Refuses to write into a folder that holds anything but an earlier sample, whose parts it replaces.</summary>
    private static void PrepareOutput(string output)
    {
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            if (!File.Exists(Path.Join(output, ManifestFileName)))
            {
                throw new IOException($"{output} is not empty and holds no earlier sample ({ManifestFileName}); choose an empty or new folder");
            }

            foreach (var part in new[] { "dumps", "torrents", "data" })
            {
                var path = Path.Join(output, part);
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
        }

        foreach (var part in new[] { "dumps", "torrents", "data" })
        {
            Directory.CreateDirectory(Path.Join(output, part));
        }
    }

    private static async Task<SampleTorrent> CreateTorrentAsync(Context context, string name, Collection collection, CancellationToken cancellationToken)
    {
        var pieceLength = context.Options.PieceLength
            ?? (collection == Collection.Scimag ? SampleOptions.ScimagPieceLength : SampleOptions.ScitechPieceLength);
        var root = Directory.GetDirectories(Path.Join(context.Output, "data", name)).Single();
        var bytes = await TorrentBuilder.FromDirectoryAsync(
            root,
            new TorrentBuildOptions
            {
                PieceLength = pieceLength,
                Announce = context.Options.Announce,
                CreationDate = new DateTimeOffset(Epoch.AddDays(context.Options.Seed % 5000)),
                CreatedBy = "LibraryCluster sample",
            },
            cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Join(context.Output, "torrents", name + ".torrent"), bytes, cancellationToken).ConfigureAwait(false);
        var torrent = MetainfoParser.Parse(bytes);
        return new SampleTorrent(name, collection, torrent.InfoHash.ToString(), torrent.Files.Count, torrent.TotalLength, pieceLength);
    }

    /// <summary>A lognormal size: LibGen's sizes have a long tail above a modest median.</summary>
    private static long Size(SampleRandom random, double median, double scale)
    {
        var size = median * scale * Math.Exp(1.1 * random.NextGaussian());
        return (long)Math.Clamp(size, 64, median * scale * 40);
    }

    private static void WriteDump(Context context, string fileName, string database, Action<SqlDumpWriter> body)
    {
        using var writer = new SqlDumpWriter(File.Create(Path.Join(context.Output, "dumps", fileName)), database);
        writer.WriteHeader();
        body(writer);
        writer.WriteFooter();
    }

    /// <summary>The hashes-table columns for one file (edonkey, aich, tth and ipfs_cid are left empty: we do not compute them); null without content.</summary>
    private static object?[]? HashesRow(ContentDigest digest, bool withTorrent)
    {
        if (digest.IsStandIn)
        {
            return null;
        }

        var torrent = digest.SingleFileTorrent();
        var info = MetainfoParser.Parse(torrent).InfoHash.ToString();
        object?[] head = [digest.Md5.ToUpperInvariant(), digest.Crc32.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), string.Empty, string.Empty, Base32(digest.Sha1), string.Empty];
        object?[] tail = [info, Convert.ToHexString(digest.Sha256), string.Empty];
        return withTorrent ? [.. head, Convert.ToBase64String(torrent), .. tail] : [.. head, .. tail];
    }

    private static string Base32(ReadOnlySpan<byte> data)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var builder = new System.Text.StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                builder.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            builder.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return builder.ToString();
    }

    private static IEnumerable<long> Ids(SampleOptions options, string collection, int count)
    {
        var random = SampleRandom.For(options.Seed, collection + "-ids", 0);
        long id = 0;
        for (var i = 0; i < count; i++)
        {
            id += options.IdGap == 1 ? 1 : random.Between(1, (2 * options.IdGap) - 1);
            yield return id;
        }
    }

    private sealed class Context(SampleOptions options, string output, SampleFiles files, CancellationToken cancellationToken)
    {
        public SampleOptions Options { get; } = options;

        public string Output { get; } = output;

        public SampleFiles Files { get; } = files;

        public CancellationToken CancellationToken { get; } = cancellationToken;
    }

    /// <summary>Strings that make every mysqldump escape appear in the first records of each collection.</summary>
    private static readonly string[] EscapeQuirks =
    [
        " O'Reilly's \"Pocket\" Guide",
        " C:\\Program Files\\Books",
        " first line\nsecond line",
        " carriage\r\nreturn",
        " nul\0byte and ctrl-z\u001a",
        "\ttabbed",
    ];

    private static string Quirk(int index) => index < EscapeQuirks.Length ? EscapeQuirks[index] : string.Empty;

    /// <summary>Valid UTF-8 with two invalid sequences spliced in, as some real dump values carry.</summary>
    private static RawSqlString WithInvalidUtf8(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return new RawSqlString([.. bytes, (byte)' ', 0xC3, 0x28, (byte)' ', 0xFF, (byte)'!']);
    }

    /// <summary>Times grow with the ID, as LibGen's do, and stay inside the TIMESTAMP range.</summary>
    private static DateTime Added(long id, SampleRandom random) => Epoch.AddSeconds((id * 397 % 450_000_000) + random.Next(300));
}
