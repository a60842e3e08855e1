using System.Text.Json.Serialization;

namespace LibraryCluster.Search.Elasticsearch.Json;

/// <summary>
/// A catalogue record as its index document is read back (<c>_source</c>). <see cref="CatalogDocuments"/> writes
/// it field by field straight from the record; <see cref="CatalogDocuments.ToRecord"/> turns it back into one.
/// Field names are the mapping's (see index-template.json).
/// </summary>
public sealed class CatalogDocument
{
    [JsonPropertyName("key")]
    public long Key { get; set; }

    [JsonPropertyName("collection")]
    public string Collection { get; set; } = string.Empty;

    [JsonPropertyName("id")]
    public long Id { get; set; }

    [JsonPropertyName("md5")]
    public string? Md5 { get; set; }

    [JsonPropertyName("isbn13")]
    public List<string>? Isbn13 { get; set; }

    [JsonPropertyName("doi")]
    public string? Doi { get; set; }

    [JsonPropertyName("title")]
    public string? Title { get; set; }

    [JsonPropertyName("author")]
    public string? Author { get; set; }

    [JsonPropertyName("series")]
    public string? Series { get; set; }

    [JsonPropertyName("publisher")]
    public string? Publisher { get; set; }

    [JsonPropertyName("journal")]
    public string? Journal { get; set; }

    [JsonPropertyName("language")]
    public string? Language { get; set; }

    [JsonPropertyName("extension")]
    public string? Extension { get; set; }

    [JsonPropertyName("year")]
    public int? Year { get; set; }

    [JsonPropertyName("size")]
    public long Size { get; set; }

    [JsonPropertyName("added")]
    public DateTime? Added { get; set; }

    [JsonPropertyName("visible")]
    public string? Visible { get; set; }

    [JsonPropertyName("torrent")]
    public string? Torrent { get; set; }

    [JsonPropertyName("held_by")]
    public List<string>? HeldBy { get; set; }

    [JsonPropertyName("identifiers")]
    public List<string>? Identifiers { get; set; }

    [JsonPropertyName("stored")]
    public StoredFields? Stored { get; set; }
}

/// <summary>What a record needs to be shown but nobody searches by: kept in _source, not indexed (an object mapped enabled:false).</summary>
public sealed class StoredFields
{
    [JsonPropertyName("source")]
    public string? Source { get; set; }

    [JsonPropertyName("edition")]
    public string? Edition { get; set; }

    /// <summary>The year as LibGen wrote it, when it is not just the four digits of <see cref="CatalogDocument.Year"/>.</summary>
    [JsonPropertyName("year")]
    public string? Year { get; set; }

    /// <summary>The language as written, when the facet value differs from it (case).</summary>
    [JsonPropertyName("language")]
    public string? Language { get; set; }

    /// <summary>The extension as written, when the facet value differs from it (case).</summary>
    [JsonPropertyName("extension")]
    public string? Extension { get; set; }

    /// <summary>LibGen's other identifiers exactly as the record holds them.</summary>
    [JsonPropertyName("identifiers")]
    public string? Identifiers { get; set; }

    [JsonPropertyName("generic")]
    public string? Generic { get; set; }

    [JsonPropertyName("topic")]
    public string? Topic { get; set; }

    [JsonPropertyName("locator")]
    public string? Locator { get; set; }

    [JsonPropertyName("modified")]
    public DateTime? Modified { get; set; }

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("zip_entry")]
    public string? ZipEntry { get; set; }
}
