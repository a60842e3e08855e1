using System.Globalization;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Layout;

namespace LibraryCluster.Samples;

public static partial class SampleGenerator
{
    private static readonly string[] ScitechExtensions = ["pdf", "pdf", "pdf", "pdf", "djvu", "djvu", "epub", "mobi", "chm", "zip", "doc"];

    private static readonly object?[][] TopicRows =
    [
        [1, "Technology", "en", "T", 1, 0],
        [2, "Технология", "ru", "T", 1, 0],
        [3, "Business\\\\Accounting", "en", "BA", 11, 10],
        [4, "Бизнес\\\\Бухгалтерия", "ru", "BA", 11, 10],
        [5, "Mathematics\\\\Algebra", "en", "MA", 41, 40],
        [6, "Physics\\\\Quantum Mechanics", "en", "PQ", 272, 264],
        [7, "Medicine\\\\Pharmacology", "en", "MP", 155, 147],
        [8, "Computers\\\\Programming", "en", "CP", 87, 69],
    ];

    private sealed record ScitechRow(SampleRecord Record, object?[] Updated, object?[]? Description, object?[]? Hashes);

    /// <summary>The scitech records, generated lazily and identically on every pass.</summary>
    private static IEnumerable<ScitechRow> ScitechRows(Context context)
    {
        var options = context.Options;
        string? previousMd5 = null;
        var index = 0;
        var descriptions = 0;
        foreach (var id in Ids(options, "scitech", options.Books))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var random = SampleRandom.For(options.Seed, "scitech", id);
            var title = SampleText.Title(random) + Quirk(index);
            var author = SampleText.Authors(random, ", ");
            if (index == EscapeQuirks.Length)
            {
                author = "\uFEFF" + author;
            }

            object titleValue = index == EscapeQuirks.Length + 1 ? WithInvalidUtf8(title) : title;
            var (isbn13, isbn10) = SampleText.Isbn(random);
            var extension = random.Pick(ScitechExtensions);
            var size = Size(random, 5_000_000, options.SizeScale);
            var visible = random.Chance(0.02) && previousMd5 is not null ? "no" : random.Chance(0.01) ? "ban" : random.Chance(0.01) ? "del" : string.Empty;
            var torrent = LibgenLayout.TorrentName(Collection.Scitech, id);
            var hasFile = torrent is not null && visible != "del";
            var digest = context.Files.File(
                Collection.Scitech, id, hasFile ? torrent : null, LibgenLayout.TorrentRoot(Collection.Scitech, id), SampleRandom.For(options.Seed, "scitech-content", id), size, extension, md5 => md5);
            var added = Added(id, random);
            var modified = random.Chance(0.3) ? added.AddDays(random.Between(1, 2000)) : added;
            var topic = (int)random.Pick(TopicRows)[4]!;
            var pages = random.Between(40, 1200);
            var year = random.Chance(0.05) ? string.Empty : random.Between(1950, 2024).ToString(CultureInfo.InvariantCulture);

            object?[] updated =
            [
                id, titleValue, random.Chance(0.1) ? $"Vol. {random.Between(1, 9)}" : string.Empty, random.Chance(0.2) ? SampleText.Title(random) : string.Empty,
                random.Chance(0.1) ? null : string.Empty, author, year, random.Chance(0.3) ? random.Between(1, 12).ToString(CultureInfo.InvariantCulture) : string.Empty,
                SampleText.Publisher(random), SampleText.City(random), pages.ToString(CultureInfo.InvariantCulture), pages,
                random.Pick(SampleText.Languages), topic.ToString(CultureInfo.InvariantCulture), random.Chance(0.3) ? "Kolxo3" : string.Empty, string.Empty,
                $"{isbn13},{isbn10}", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty,
                random.Chance(0.1) ? "scanned by " + SampleText.Person(random) : string.Empty, random.Chance(0.1) ? null : random.Pick(new[] { 0, 300, 600 }),
                string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, random.Chance(0.5) ? "1" : string.Empty,
                digest.Length, extension, digest.Md5, visible == "no" ? previousMd5 : string.Empty, visible,
                $"{SampleText.Word(random)}/{title.Replace('\0', ' ')}.{extension}", 0, added, modified,
                $"{LibgenLayout.Bucket(id)}/{digest.Md5}.jpg", random.Chance(0.3) ? $"{SampleText.Word(random)};{SampleText.Word(random)}" : string.Empty,
                $"{isbn13.Replace("-", string.Empty, StringComparison.Ordinal)},{isbn10.Replace("-", string.Empty, StringComparison.Ordinal)}",
            ];

            object?[]? description = random.Chance(0.5)
                ? [++descriptions, digest.Md5, $"<p>An account of <b>{SampleText.Word(random)}</b> for students.</p>\n<p>{SampleText.Title(random)}.</p>", random.Chance(0.5) ? "1. Introduction\n2. Methods" : string.Empty, modified]
                : null;

            var record = new SampleRecord
            {
                Collection = Collection.Scitech,
                Id = id,
                Md5 = digest.Md5,
                Title = titleValue is RawSqlString raw ? System.Text.Encoding.UTF8.GetString(raw.Bytes) : title,
                Author = author,
                Isbn13 = isbn13,
                Isbn10 = isbn10,
                Extension = extension,
                Size = digest.Length,
                Visible = visible,
                Torrent = torrent,
                PathInTorrent = LibgenLayout.ScitechPath(id, digest.Md5),
                HasFile = hasFile && context.Files.WriteData,
            };
            yield return new ScitechRow(record, updated, description, HashesRow(digest, withTorrent: true));
            previousMd5 = digest.Md5;
            index++;
        }
    }

    /// <summary>libgen.sql: the compact dump's <c>updated</c> with a column list, plus description, hashes, topics, a trigger and an unknown table.</summary>
    private static void WriteScitechDump(Context context) => WriteDump(context, "libgen.sql", "bookwarrior", writer =>
    {
        writer.WriteTable(SampleSchemas.Description, ScitechRows(context).Where(r => r.Description is not null).Select(r => r.Description!), columnList: false);
        writer.WriteTable(SampleSchemas.Hashes, ScitechRows(context).Where(r => r.Hashes is not null).Select(r => r.Hashes!), columnList: false);
        writer.WriteTable(SampleSchemas.Topics, TopicRows, columnList: false);
        writer.WriteTable(SampleSchemas.Updated, ScitechRows(context).Select(r => r.Updated), columnList: true);
        writer.WriteRaw(SampleSchemas.Trigger("updated", "libgen_updated_update_all", "updated_edited", ["ID", "Title", "MD5", "TimeLastModified"]));
        writer.WriteTable(
            SampleSchemas.UpdatedEdited,
            ScitechRows(context).Take(2).Select(r => new object?[] { r.Updated[0], r.Updated[1], r.Updated[37], r.Updated[43] }),
            columnList: false);
    });
}
