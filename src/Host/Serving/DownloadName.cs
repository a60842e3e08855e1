using System.Text;
using LibraryCluster.Catalog.Records;

namespace LibraryCluster.Host.Serving;

/// <summary>The file name a download is saved under: "Author - Title (Year).ext", made safe for every OS.</summary>
public static class DownloadName
{
    private const int MaxLength = 150;

    public static string For(CatalogRecord record)
    {
        var title = Clean(record.Title);
        var author = Clean(record.Author);
        var stem = (author.Length > 0 ? $"{author} - {title}" : title) + (record.YearNumber is { } year ? $" ({year})" : string.Empty);
        if (stem.Trim().Length == 0)
        {
            stem = record.Md5 ?? record.Doi ?? $"record-{record.Id}";
        }

        var extension = Clean(record.Extension).Replace(" ", string.Empty, StringComparison.Ordinal);
        var limit = MaxLength - extension.Length - 1;
        if (stem.Length > limit)
        {
            // Never cut a surrogate pair in half.
            var cut = limit;
            if (char.IsLowSurrogate(stem[cut]))
            {
                cut--;
            }

            stem = stem[..cut].TrimEnd();
        }

        return extension.Length > 0 ? $"{stem}.{extension}" : stem;
    }

    /// <summary>Drops what file systems or headers refuse: controls, path separators and reserved characters.</summary>
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? ' ' : c);
        }

        return string.Join(' ', builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim('.', ' ');
    }
}
