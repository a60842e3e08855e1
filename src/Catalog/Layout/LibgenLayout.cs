using System.Globalization;
using System.Text;

namespace LibraryCluster.Catalog.Layout;

/// <summary>
/// Where a LibGen record's file lives: which torrent, and which path inside it. These are the
/// libgen.rs layouts of <c>shared/libgen-formats.md</c> §2–3; IDs alone decide the torrent.
/// </summary>
public static class LibgenLayout
{
    /// <summary>IDs per <c>r_</c>/<c>f_</c> torrent and per scimag zip.</summary>
    public const int BucketSize = 1000;

    /// <summary>IDs per <c>sm_</c> torrent (100 zips).</summary>
    public const int ScimagTorrentSize = 100_000;

    /// <summary>scitech buckets for which no torrent was ever published.</summary>
    private static readonly HashSet<long> MissingScitechBuckets = [81_000, 82_000];

    public static long Bucket(long id) => id - (id % BucketSize);

    /// <summary>The torrent name (without <c>.torrent</c>) for a record ID, or null when no such torrent exists.</summary>
    public static string? TorrentName(Collection collection, long id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        var bucket = Bucket(id);
        return collection switch
        {
            // At least three digits: bucket 0 is r_000, never r_0.
            Collection.Scitech => MissingScitechBuckets.Contains(bucket) ? null : "r_" + bucket.ToString("D3", CultureInfo.InvariantCulture),
            Collection.Fiction => "f_" + bucket.ToString(CultureInfo.InvariantCulture),
            Collection.Scimag => ScimagTorrentName(id),
            _ => throw new ArgumentOutOfRangeException(nameof(collection)),
        };
    }

    /// <summary>The root directory (info name) of the torrent holding a record.</summary>
    public static string TorrentRoot(Collection collection, long id) => collection == Collection.Scimag
        ? (id / ScimagTorrentSize * ScimagTorrentSize).ToString("D8", CultureInfo.InvariantCulture)
        : Bucket(id).ToString(CultureInfo.InvariantCulture);

    /// <summary>A scitech file: <c>&lt;bucket&gt;/&lt;md5&gt;</c> with the MD5 in lowercase and no extension.</summary>
    public static string ScitechPath(long id, string md5) => $"{TorrentRoot(Collection.Scitech, id)}/{md5.ToLowerInvariant()}";

    /// <summary>A fiction file: <c>&lt;bucket&gt;/&lt;md5&gt;.&lt;ext&gt;</c>, both lowercase.</summary>
    public static string FictionPath(long id, string md5, string extension) =>
        $"{TorrentRoot(Collection.Fiction, id)}/{md5.ToLowerInvariant()}.{extension.ToLowerInvariant()}";

    /// <summary>The <c>sm_</c> torrent of a scimag ID: <c>sm_HHH00000-HHH99999</c>.</summary>
    public static string ScimagTorrentName(long id)
    {
        var h = (id / ScimagTorrentSize).ToString("D3", CultureInfo.InvariantCulture);
        return $"sm_{h}00000-{h}99999";
    }

    /// <summary>The zip of a scimag ID: <c>libgen.scimagTTTTT000-TTTTT999.zip</c>.</summary>
    public static string ScimagZipName(long id)
    {
        var t = (id / BucketSize).ToString("D5", CultureInfo.InvariantCulture);
        return $"libgen.scimag{t}000-{t}999.zip";
    }

    /// <summary>The zip's path inside its torrent: <c>&lt;8-digit range start&gt;/&lt;zip&gt;</c>.</summary>
    public static string ScimagZipPath(long id) => $"{TorrentRoot(Collection.Scimag, id)}/{ScimagZipName(id)}";

    /// <summary>
    /// The entry name inside the zip: the DOI prefix, '/', the suffix percent-encoded (all but
    /// letters, digits and <c>-_.~</c>, uppercase hex over UTF-8), then <c>.pdf</c>. The DOI is lowercased.
    /// </summary>
    public static string ScimagEntryName(string doi)
    {
        var normalized = doi.Trim().ToLowerInvariant();
        var slash = normalized.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == normalized.Length - 1)
        {
            throw new ArgumentException($"\"{doi}\" is not a DOI (expected prefix/suffix)", nameof(doi));
        }

        return $"{normalized[..slash]}/{PercentEncode(normalized[(slash + 1)..])}.pdf";
    }

    private static string PercentEncode(string text)
    {
        var builder = new StringBuilder(text.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
