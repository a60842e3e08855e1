namespace LibraryCluster.Catalog.Records;

/// <summary>One book or article of the catalogue, normalised: lowercase MD5 and DOI, ISBN-13s, UTC times.</summary>
public sealed record CatalogRecord
{
    public required Collection Collection { get; init; }

    public required long Id { get; init; }

    /// <summary>Where the record comes from; today always "libgen.rs" (libgen.li ships no SQL dump).</summary>
    public string Source { get; init; } = Sources.LibgenRs;

    public string? Md5 { get; init; }

    public string Title { get; init; } = string.Empty;

    public string Author { get; init; } = string.Empty;

    public string Series { get; init; } = string.Empty;

    public string Publisher { get; init; } = string.Empty;

    public string Edition { get; init; } = string.Empty;

    /// <summary>The year as LibGen writes it (free text).</summary>
    public string Year { get; init; } = string.Empty;

    public string Language { get; init; } = string.Empty;

    public string Extension { get; init; } = string.Empty;

    public long Filesize { get; init; }

    /// <summary>Every valid ISBN of the record as ISBN-13.</summary>
    public IReadOnlyList<string> Isbns { get; init; } = [];

    /// <summary>Other identifiers as written (ASIN, ISSN, invalid ISBNs, Google Books, PubMed…), space separated.</summary>
    public string Identifiers { get; init; } = string.Empty;

    public string? Doi { get; init; }

    public string Journal { get; init; } = string.Empty;

    /// <summary>LibGen's Visible flag: empty when visible; <c>del</c>, <c>ban</c>, <c>no</c>… hide the record by default.</summary>
    public string Visible { get; init; } = string.Empty;

    /// <summary>The MD5 of the preferred duplicate, when LibGen names one.</summary>
    public string? Generic { get; init; }

    public string? Topic { get; init; }

    /// <summary>The original file name as uploaded; informational only.</summary>
    public string? Locator { get; init; }

    public DateTime? TimeAdded { get; init; }

    public DateTime? TimeLastModified { get; init; }

    /// <summary>The torrent that holds the file (null when none was published for its bucket).</summary>
    public string? Torrent { get; init; }

    /// <summary>The file's path inside the torrent; for scimag, the zip's.</summary>
    public string? PathInTorrent { get; init; }

    /// <summary>For scimag: the article's entry inside the zip.</summary>
    public string? ZipEntry { get; init; }

    public bool IsVisible => Visible.Length == 0;

    /// <summary>The leading four-digit year, when there is one.</summary>
    public int? YearNumber => Year.Length >= 4 && int.TryParse(Year.AsSpan(0, 4), out var year) && year is > 0 and < 3000 ? year : null;

    /// <summary>What decides whether a newer dump's row replaces this one.</summary>
    public DateTime? Modified => TimeLastModified ?? TimeAdded;
}

/// <summary>The sources a record or torrent can come from.</summary>
public static class Sources
{
    public const string LibgenRs = "libgen.rs";
}
