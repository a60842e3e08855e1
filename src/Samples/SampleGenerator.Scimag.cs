using System.Globalization;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Layout;

namespace LibraryCluster.Samples;

public static partial class SampleGenerator
{
    private static readonly string[] Journals = ["Nature", "Cell", "The Lancet", "Physical Review Letters", "Journal of Applied Physics", "Неорганические материалы"];

    private sealed record ScimagRow(SampleRecord Record, object?[] Scimag);

    /// <summary>Articles go into zips of 1000 IDs, zips into <c>sm_</c> torrents of 100,000 IDs; generated lazily, identically on every pass.</summary>
    private static IEnumerable<ScimagRow> ScimagRows(Context context)
    {
        var options = context.Options;
        var index = 0;
        foreach (var id in Ids(options, "scimag", options.Scimag))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var random = SampleRandom.For(options.Seed, "scimag", id);
            var torrent = LibgenLayout.ScimagTorrentName(id);
            var doi = Doi(id);
            var title = SampleText.Title(random) + (random.Chance(0.2) ? $" of <em>{SampleText.Word(random)}</em>" : string.Empty) + Quirk(index);
            var added = Added(id, random);
            var entryName = LibgenLayout.ScimagEntryName(doi);
            var digest = context.Files.ZipEntry(
                id, torrent, LibgenLayout.TorrentRoot(Collection.Scimag, id), LibgenLayout.ScimagZipName(id), entryName, added,
                SampleRandom.For(options.Seed, "scimag-content", id), Size(random, 400_000, options.SizeScale));
            var authors = SampleText.Authors(random, "; ");
            var issn = $"{random.Between(1000, 9999)}-{random.Between(100, 999)}{random.Pick(new[] { "0", "X", "7" })}";
            var firstPage = random.Between(1, 900);
            object?[] scimag =
            [
                id, id % 7 == 0 ? doi.ToUpperInvariant() : doi, string.Empty, title, authors,
                random.Between(1950, 2024).ToString(CultureInfo.InvariantCulture), random.Between(1, 12).ToString(CultureInfo.InvariantCulture),
                random.Between(1, 28).ToString(CultureInfo.InvariantCulture), random.Between(1, 300).ToString(CultureInfo.InvariantCulture),
                random.Between(1, 12).ToString(CultureInfo.InvariantCulture), firstPage.ToString(CultureInfo.InvariantCulture),
                (firstPage + random.Between(1, 30)).ToString(CultureInfo.InvariantCulture), random.Pick(Journals), string.Empty, issn, string.Empty,
                digest.Md5, digest.Length, random.Chance(0.03) ? ZeroDate.Value : added, random.Between(1, 90000).ToString(CultureInfo.InvariantCulture),
                string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty,
                random.Chance(0.3) ? random.Between(1_000_000, 39_999_999).ToString(CultureInfo.InvariantCulture) : string.Empty, string.Empty, string.Empty,
            ];

            var record = new SampleRecord
            {
                Collection = Collection.Scimag,
                Id = id,
                Md5 = digest.Md5,
                Title = title,
                Author = authors,
                Doi = doi,
                Extension = "pdf",
                Size = digest.Length,
                Visible = string.Empty,
                Torrent = torrent,
                PathInTorrent = LibgenLayout.ScimagZipPath(id),
                ZipEntry = entryName,
                HasFile = context.Files.WriteData,
            };
            yield return new ScimagRow(record, scimag);
            index++;
        }
    }

    /// <summary>Real DOI shapes, including SICI suffixes full of reserved characters and a suffix with a slash.</summary>
    private static string Doi(long id) => (id % 5) switch
    {
        0 => $"10.1002/(sici)(1997)5:1<{id}::aid-nt1>3.0.co;2-8",
        1 => $"10.1016/j.cell.2009.{id:D5}",
        2 => $"10.1007/s00{id % 1000:D3}-019-{id}-x",
        3 => $"10.1038/nature{id}",
        _ => $"10.1093/ajae/aau{id}",
    };

    /// <summary>scimag.sql: publishers (not imported), then scimag with its trigger.</summary>
    private static void WriteScimagDump(Context context) => WriteDump(context, "scimag.sql", "libgen_scimag", writer =>
    {
        writer.WriteTable(SampleSchemas.Publishers, [[1, "10.1002", "Wiley"], [2, "10.1016", "Elsevier"], [3, "10.1038", "Nature Publishing Group"]], columnList: false);
        writer.WriteTable(SampleSchemas.Scimag, ScimagRows(context).Select(r => r.Scimag), columnList: false);
        writer.WriteRaw(SampleSchemas.Trigger("scimag", "scimag_update", "scimag_edited", ["ID", "DOI", "MD5", "TimeAdded"]));
    });
}
