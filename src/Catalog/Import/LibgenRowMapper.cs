using LibraryCluster.Catalog.Dumps;
using LibraryCluster.Catalog.Layout;
using LibraryCluster.Catalog.Records;

namespace LibraryCluster.Catalog.Import;

/// <summary>Turns rows of the libgen.rs tables into catalogue records (<c>libgen-formats.md</c> §1.3, §1.5).</summary>
internal static class LibgenRowMapper
{
    public static CatalogRecord? Scitech(DumpRow row, ColumnMap c)
    {
        if (Book(Collection.Scitech, row, c) is not { } book)
        {
            return null;
        }

        var identifier = c.Text(row, "Identifier");
        return book with
        {
            Isbns = Isbn.Extract(identifier, c.Text(row, "IdentifierWODash")),
            Identifiers = Identifiers(
                ("id", NonIsbns(identifier)), ("asin", c.Text(row, "ASIN")), ("issn", c.Text(row, "ISSN")),
                ("googlebooks", c.Text(row, "Googlebookid")), ("openlibrary", c.Text(row, "OpenLibraryID"))),
            Doi = Doi(c.Text(row, "Doi")),
            Topic = c.Optional(row, "Topic"),
            PathInTorrent = book.Md5 is null ? null : LibgenLayout.ScitechPath(book.Id, book.Md5),
        };
    }

    public static CatalogRecord? Fiction(DumpRow row, ColumnMap c)
    {
        if (Book(Collection.Fiction, row, c) is not { } book)
        {
            return null;
        }

        var identifier = c.Text(row, "Identifier");
        return book with
        {
            Isbns = Isbn.Extract(identifier),
            Identifiers = Identifiers(("id", NonIsbns(identifier)), ("asin", c.Text(row, "ASIN")), ("googlebooks", c.Text(row, "GooglebookID"))),
            PathInTorrent = book.Md5 is null || book.Extension.Length == 0 ? null : LibgenLayout.FictionPath(book.Id, book.Md5, book.Extension),
        };
    }

    /// <summary>The columns scitech (<c>updated</c>) and fiction share.</summary>
    private static CatalogRecord? Book(Collection collection, DumpRow row, ColumnMap c)
    {
        if (c.Number(row, "ID") is not { } id || id < 0)
        {
            return null;
        }

        return new CatalogRecord
        {
            Collection = collection,
            Id = id,
            Md5 = Records.Md5.Normalize(c.Text(row, "MD5")),
            Title = c.Text(row, "Title"),
            Author = c.Text(row, "Author"),
            Series = c.Text(row, "Series"),
            Publisher = c.Text(row, "Publisher"),
            Edition = c.Text(row, "Edition"),
            Year = c.Text(row, "Year"),
            Language = c.Text(row, "Language"),
            Extension = c.Text(row, "Extension").ToLowerInvariant(),
            Filesize = c.Number(row, "Filesize") ?? 0,
            Visible = c.Text(row, "Visible").ToLowerInvariant(),
            Generic = Records.Md5.Normalize(c.Text(row, "Generic")),
            Locator = c.Optional(row, "Locator"),
            TimeAdded = c.Time(row, "TimeAdded"),
            TimeLastModified = c.Time(row, "TimeLastModified"),
            Torrent = LibgenLayout.TorrentName(collection, id),
        };
    }

    public static CatalogRecord? Scimag(DumpRow row, ColumnMap c)
    {
        if (c.Number(row, "ID") is not { } id || id < 0)
        {
            return null;
        }

        var doi = Doi(c.Text(row, "DOI"));
        string? entry = null;
        if (doi is not null)
        {
            try
            {
                entry = LibgenLayout.ScimagEntryName(doi);
            }
            catch (ArgumentException)
            {
                // Not a prefix/suffix DOI: the record stays searchable, its zip entry unknown.
            }
        }

        return new CatalogRecord
        {
            Collection = Collection.Scimag,
            Id = id,
            Md5 = Records.Md5.Normalize(c.Text(row, "MD5")),
            Title = c.Text(row, "Title"),
            Author = c.Text(row, "Author"),
            Year = c.Text(row, "Year"),
            Extension = "pdf",
            Filesize = c.Number(row, "Filesize") ?? 0,
            Isbns = Isbn.Extract(c.Text(row, "ISBN")),
            Identifiers = Identifiers(
                ("issn", c.Text(row, "ISSNP")), ("issn", c.Text(row, "ISSNE")), ("pmid", c.Text(row, "PubmedID")), ("pmc", c.Text(row, "PMC")), ("pii", c.Text(row, "PII"))),
            Doi = doi,
            Journal = c.Text(row, "Journal"),
            Visible = c.Text(row, "visible").ToLowerInvariant(),
            TimeAdded = c.Time(row, "TimeAdded"),
            Torrent = LibgenLayout.ScimagTorrentName(id),
            PathInTorrent = LibgenLayout.ScimagZipPath(id),
            ZipEntry = entry,
        };
    }

    public static string? Doi(string value) => value.Length > 0 ? value.ToLowerInvariant() : null;

    private static string NonIsbns(string identifiers) => string.Join(' ', identifiers
        .Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(token => Isbn.ToIsbn13(token) is null));

    private static string Identifiers(params (string Key, string Value)[] values) => string.Join(' ', values
        .Where(v => v.Value.Length > 0)
        .SelectMany(v => v.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(token => $"{v.Key}:{token}")));
}
