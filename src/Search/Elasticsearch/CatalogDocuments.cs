using System.Text.Json;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Search.Elasticsearch.Json;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>
/// A catalogue record as an index document, and back. Written field by field with Utf8JsonWriter (no intermediate
/// object: a full index writes tens of millions), read with the source-generated <see cref="CatalogDocument"/>.
/// Facet fields hold one spelling per value (language in title case, extension in lower case), as the SQLite
/// backend groups them case-insensitively; the record's own spelling is kept in "stored" when it differs.
/// </summary>
public static class CatalogDocuments
{
    /// <summary>The document id of a record: "scitech-1234", "fiction-56", "scimag-78".</summary>
    public static DocumentId Id(CatalogRecord record) => Id(record.Collection, record.Id);

    public static DocumentId Id(Collection collection, long id) => new(CollectionName(collection), id);

    /// <summary>The collection as documents and facets name it.</summary>
    public static string CollectionName(Collection collection) => collection switch
    {
        Collection.Scitech => "scitech",
        Collection.Fiction => "fiction",
        Collection.Scimag => "scimag",
        _ => throw new ArgumentOutOfRangeException(nameof(collection), collection, "not a collection"),
    };

    public static Collection? ParseCollection(string? name) => name switch
    {
        "scitech" => Collection.Scitech,
        "fiction" => Collection.Fiction,
        "scimag" => Collection.Scimag,
        _ => null,
    };

    /// <summary>The record's sort key, as the SQLite store numbers records: collection in the high bits, LibGen's ID below.</summary>
    public static long Key(Collection collection, long id) => ((long)collection << 40) | id;

    /// <summary>A language as the facet shows it: each word capitalised, the rest lower case ("english" and "ENGLISH" are "English").</summary>
    public static string CanonicalLanguage(string language)
    {
        if (IsCanonical(language))
        {
            return language;
        }

        return string.Create(language.Length, language, static (span, source) =>
        {
            var start = true;
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = start ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
                start = !char.IsLetter(c);
            }
        });
    }

    private static bool IsCanonical(string language)
    {
        var start = true;
        foreach (var c in language)
        {
            if (c != (start ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)))
            {
                return false;
            }

            start = !char.IsLetter(c);
        }

        return true;
    }

    /// <summary>An extension as the facet shows it: lower case.</summary>
    public static string CanonicalExtension(string extension) => extension.ToLowerInvariant();

    /// <summary>Writes the record's document. <paramref name="heldBy"/> lists the nodes holding its torrent intact.</summary>
    public static void Write(Utf8JsonWriter writer, CatalogRecord record, IReadOnlyList<string>? heldBy)
    {
        writer.WriteStartObject();
        writer.WriteNumber("key"u8, Key(record.Collection, record.Id));
        writer.WriteString("collection"u8, CollectionName(record.Collection));
        writer.WriteNumber("id"u8, record.Id);
        if (record.Md5 is { } md5)
        {
            writer.WriteString("md5"u8, md5);
        }

        if (record.Isbns.Count > 0)
        {
            writer.WriteStartArray("isbn13"u8);
            for (var i = 0; i < record.Isbns.Count; i++)
            {
                writer.WriteStringValue(record.Isbns[i]);
            }

            writer.WriteEndArray();
        }

        if (record.Doi is { } doi)
        {
            writer.WriteString("doi"u8, doi);
        }

        Text(writer, "title"u8, record.Title);
        Text(writer, "author"u8, record.Author);
        Text(writer, "series"u8, record.Series);
        Text(writer, "publisher"u8, record.Publisher);
        Text(writer, "journal"u8, record.Journal);
        var language = CanonicalLanguage(record.Language);
        var extension = CanonicalExtension(record.Extension);
        writer.WriteString("language"u8, language);
        writer.WriteString("extension"u8, extension);
        var year = record.YearNumber;
        if (year is { } y)
        {
            writer.WriteNumber("year"u8, y);
        }

        writer.WriteNumber("size"u8, record.Filesize);
        if (record.TimeAdded is { } added)
        {
            writer.WriteString("added"u8, DateTime.SpecifyKind(added, DateTimeKind.Utc));
        }

        writer.WriteString("visible"u8, record.Visible);
        if (record.Torrent is { } torrent)
        {
            writer.WriteString("torrent"u8, torrent);
        }

        if (heldBy is { Count: > 0 })
        {
            writer.WriteStartArray("held_by"u8);
            for (var i = 0; i < heldBy.Count; i++)
            {
                writer.WriteStringValue(heldBy[i]);
            }

            writer.WriteEndArray();
        }

        WriteIdentifiers(writer, record);
        WriteStored(writer, record, year, language, extension);
        writer.WriteEndObject();
    }

    /// <summary>
    /// The catch-all "identifiers" field: every identifier as key:value (md5:…, isbn13:…, doi:…, and LibGen's own
    /// asin:…, issn:…, googlebooks:…), searchable exactly and, through identifiers.text, word by word.
    /// </summary>
    private static void WriteIdentifiers(Utf8JsonWriter writer, CatalogRecord record)
    {
        writer.WriteStartArray("identifiers"u8);
        Span<char> buffer = stackalloc char[128];
        if (record.Md5 is { } md5)
        {
            Pair(writer, buffer, "md5", md5);
        }

        // Indexed loops: enumerating an IReadOnlyList allocates an enumerator per record.
        for (var i = 0; i < record.Isbns.Count; i++)
        {
            Pair(writer, buffer, "isbn13", record.Isbns[i]);
        }

        if (record.Doi is { } doi)
        {
            Pair(writer, buffer, "doi", doi);
        }

        // LibGen's other identifiers are already "key:value" words, space separated.
        foreach (var range in record.Identifiers.AsSpan().Split(' '))
        {
            var identifier = record.Identifiers.AsSpan()[range];
            if (identifier.Length > 0)
            {
                writer.WriteStringValue(identifier);
            }
        }

        writer.WriteEndArray();
    }

    private static void Pair(Utf8JsonWriter writer, Span<char> buffer, string key, string value)
    {
        var length = key.Length + 1 + value.Length;
        if (length > buffer.Length)
        {
            writer.WriteStringValue($"{key}:{value}");
            return;
        }

        key.AsSpan().CopyTo(buffer);
        buffer[key.Length] = ':';
        value.AsSpan().CopyTo(buffer[(key.Length + 1)..]);
        writer.WriteStringValue(buffer[..length]);
    }

    private static void WriteStored(Utf8JsonWriter writer, CatalogRecord record, int? year, string language, string extension)
    {
        writer.WriteStartObject("stored"u8);
        writer.WriteString("source"u8, record.Source);
        Text(writer, "edition"u8, record.Edition);
        if (record.Year.Length > 0 && !IsPlainYear(record.Year, year))
        {
            writer.WriteString("year"u8, record.Year);
        }

        if (!string.Equals(language, record.Language, StringComparison.Ordinal))
        {
            writer.WriteString("language"u8, record.Language);
        }

        if (!string.Equals(extension, record.Extension, StringComparison.Ordinal))
        {
            writer.WriteString("extension"u8, record.Extension);
        }

        Text(writer, "identifiers"u8, record.Identifiers);
        Optional(writer, "generic"u8, record.Generic);
        Optional(writer, "topic"u8, record.Topic);
        Optional(writer, "locator"u8, record.Locator);
        if (record.TimeLastModified is { } modified)
        {
            writer.WriteString("modified"u8, DateTime.SpecifyKind(modified, DateTimeKind.Utc));
        }

        Optional(writer, "path"u8, record.PathInTorrent);
        Optional(writer, "zip_entry"u8, record.ZipEntry);
        writer.WriteEndObject();
    }

    /// <summary>Whether the written year is exactly the four digits of <paramref name="year"/> (then the number alone round-trips it).</summary>
    private static bool IsPlainYear(string written, int? year)
    {
        Span<char> digits = stackalloc char[4];
        return year is { } y && written.Length == 4 && y.TryFormat(digits, out var length, "D4", System.Globalization.CultureInfo.InvariantCulture) && length == 4 && written.AsSpan().SequenceEqual(digits);
    }

    /// <summary>Text fields are left out when empty: smaller documents, same search.</summary>
    private static void Text(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string value)
    {
        if (value.Length > 0)
        {
            writer.WriteString(name, value);
        }
    }

    private static void Optional(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>The record a document was written from (exactly: every field round-trips).</summary>
    public static CatalogRecord ToRecord(CatalogDocument document)
    {
        var stored = document.Stored ?? new StoredFields();
        return new CatalogRecord
        {
            Collection = ParseCollection(document.Collection) ?? throw new ElasticsearchException($"document {document.Collection}-{document.Id} names no known collection"),
            Id = document.Id,
            Source = stored.Source ?? Sources.LibgenRs,
            Md5 = document.Md5,
            Title = document.Title ?? string.Empty,
            Author = document.Author ?? string.Empty,
            Series = document.Series ?? string.Empty,
            Publisher = document.Publisher ?? string.Empty,
            Edition = stored.Edition ?? string.Empty,
            Year = stored.Year ?? (document.Year is { } y ? y.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) : string.Empty),
            Language = stored.Language ?? document.Language ?? string.Empty,
            Extension = stored.Extension ?? document.Extension ?? string.Empty,
            Filesize = document.Size,
            Isbns = document.Isbn13 ?? [],
            Identifiers = stored.Identifiers ?? string.Empty,
            Doi = document.Doi,
            Journal = document.Journal ?? string.Empty,
            Visible = document.Visible ?? string.Empty,
            Generic = stored.Generic,
            Topic = stored.Topic,
            Locator = stored.Locator,
            TimeAdded = document.Added is { } added ? DateTime.SpecifyKind(added.ToUniversalTime(), DateTimeKind.Utc) : null,
            TimeLastModified = stored.Modified is { } modified ? DateTime.SpecifyKind(modified.ToUniversalTime(), DateTimeKind.Utc) : null,
            Torrent = document.Torrent,
            PathInTorrent = stored.Path,
            ZipEntry = stored.ZipEntry,
        };
    }
}
