using System.Globalization;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Layout;

namespace LibraryCluster.Samples;

public static partial class SampleGenerator
{
    private static readonly string[] FictionExtensions = ["epub", "epub", "epub", "fb2", "mobi", "pdf", "azw3", "rtf", "txt"];

    private sealed record FictionRow(SampleRecord Record, object?[] Fiction, object?[]? Description, object?[]? Hashes);

    /// <summary>The fiction records, generated lazily and identically on every pass.</summary>
    private static IEnumerable<FictionRow> FictionRows(Context context)
    {
        var options = context.Options;
        var index = 0;
        foreach (var id in Ids(options, "fiction", options.Fiction))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var random = SampleRandom.For(options.Seed, "fiction", id);
            var title = SampleText.Title(random) + Quirk(index);
            var author = SampleText.Person(random);

            // The real fiction row 1 carries a byte-order mark inside its Author value.
            if (index == 0)
            {
                author = "\uFEFF" + author;
            }

            var (isbn13, isbn10) = SampleText.Isbn(random);
            var extension = random.Pick(FictionExtensions);
            var size = Size(random, 600_000, options.SizeScale);
            var visible = random.Chance(0.01) ? "del" : string.Empty;
            var torrent = LibgenLayout.TorrentName(Collection.Fiction, id);
            var hasFile = visible != "del";
            var digest = context.Files.File(
                Collection.Fiction, id, hasFile ? torrent : null, LibgenLayout.TorrentRoot(Collection.Fiction, id), SampleRandom.For(options.Seed, "fiction-content", id), size, extension, md5 => $"{md5}.{extension}");
            var added = Added(id, random);
            object? modified = random.Chance(0.2) ? null : random.Chance(0.05) ? ZeroDate.Value : added.AddDays(random.Between(0, 900));
            var md5Upper = digest.Md5.ToUpperInvariant();

            object?[] fiction =
            [
                id, md5Upper, title, author, random.Chance(0.3) ? SampleText.Title(random) : string.Empty, string.Empty, random.Pick(SampleText.Languages),
                random.Between(1900, 2024).ToString(CultureInfo.InvariantCulture), SampleText.Publisher(random), random.Between(90, 900).ToString(CultureInfo.InvariantCulture),
                $"{isbn13.Replace("-", string.Empty, StringComparison.Ordinal)},{isbn10.Replace("-", string.Empty, StringComparison.Ordinal)}", string.Empty, string.Empty,
                $"{LibgenLayout.Bucket(id)}/{digest.Md5}.jpg", extension, digest.Length, string.Empty, string.Empty,
                $"{author[..1]}\\{author}\\{title.Replace('\0', ' ')}.{extension}", random.Chance(0.7) ? null : "OCR errors fixed", string.Empty, visible, added, modified,
            ];

            object?[]? description = random.Chance(0.5) ? [md5Upper, $"<p>{SampleText.Title(random)}.</p>", added] : null;

            var record = new SampleRecord
            {
                Collection = Collection.Fiction,
                Id = id,
                Md5 = digest.Md5,
                Title = title,
                Author = author,
                Isbn13 = isbn13,
                Isbn10 = isbn10,
                Extension = extension,
                Size = digest.Length,
                Visible = visible,
                Torrent = torrent,
                PathInTorrent = LibgenLayout.FictionPath(id, digest.Md5, extension),
                HasFile = hasFile && context.Files.WriteData,
            };
            yield return new FictionRow(record, fiction, description, HashesRow(digest, withTorrent: false));
            index++;
        }
    }

    /// <summary>fiction.sql: the 2020+ schema, INSERTs without a column list.</summary>
    private static void WriteFictionDump(Context context) => WriteDump(context, "fiction.sql", "libgen_fiction", writer =>
    {
        writer.WriteTable(SampleSchemas.Fiction, FictionRows(context).Select(r => r.Fiction), columnList: false);
        writer.WriteTable(SampleSchemas.FictionDescription, FictionRows(context).Where(r => r.Description is not null).Select(r => r.Description!), columnList: false);
        writer.WriteTable(SampleSchemas.FictionHashes, FictionRows(context).Where(r => r.Hashes is not null).Select(r => r.Hashes!), columnList: false);
    });
}
