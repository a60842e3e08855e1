using System.Text;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Catalog.Records;

namespace LibraryCluster.Host.Web;

/// <summary>One book or article: metadata, a cover placeholder, its torrent and whether it can be downloaded here.</summary>
public static class RecordPage
{
    /// <summary>Records are addressed by MD5; an article without one by its DOI.</summary>
    public static string Link(CatalogRecord record) =>
        record.Md5 is { } md5 ? $"/records/{md5}" : $"/records/doi/{record.Doi}";

    public static string DownloadLink(CatalogRecord record) =>
        record.Md5 is { } md5 ? $"/files/{md5}" : $"/files/doi/{record.Doi}";

    public static string Render(CatalogRecord record, string? description, MirrorNode node)
    {
        var body = new StringBuilder();
        var initials = string.Concat(record.Title.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(w => char.ToUpperInvariant(w[0])));
        body.Append(FormattableString.Invariant($"<article class=\"record\"><div class=\"cover\" aria-hidden=\"true\">{Html.Encode(initials)}</div><div>"));
        body.Append(FormattableString.Invariant($"<h1>{Html.Encode(record.Title.Length > 0 ? record.Title : "(untitled)")}</h1>"));

        var servable = record.Torrent is not null && record.PathInTorrent is not null ? node.FindServable(record.Torrent, record.PathInTorrent) : null;
        var replica = record.Torrent is null ? null : node.View.Replica(record.Torrent);
        if (servable is not null)
        {
            body.Append(FormattableString.Invariant($"<p><a class=\"button\" id=\"download\" href=\"{Html.Encode(DownloadLink(record))}\" download>Download {Html.Encode(record.Extension)} ({Html.Bytes(record.Filesize)})</a> <span class=\"badge held\">held here</span></p>"));
        }
        else
        {
            var why = record.Torrent is null ? "No torrent holds this file, so no mirror can serve it."
                : replica is null ? $"This mirror does not hold torrent {record.Torrent}."
                : $"This mirror's copy of torrent {record.Torrent} is {replica.State.ToString().ToLowerInvariant()}: {replica.Reason}.";
            body.Append(FormattableString.Invariant($"<p class=\"notice\" id=\"not-held\">Not available here. {Html.Encode(why)}</p>"));
            if (node.OnDemand.Enabled && replica is not null && replica.State is not (ReplicaState.Lost or ReplicaState.Retiring))
            {
                // Fetched on demand: the download address shows the fetch's progress until the file is ready.
                body.Append(FormattableString.Invariant($"<p><a class=\"button\" id=\"fetch\" href=\"{Html.Encode(DownloadLink(record))}\">Fetch it from the swarm and download ({Html.Bytes(record.Filesize)})</a></p>"));
            }
        }

        body.Append("<dl class=\"fields\">");
        Field(body, "Author", record.Author);
        Field(body, "Series", record.Series);
        Field(body, "Publisher", record.Publisher);
        Field(body, "Journal", record.Journal);
        Field(body, "Edition", record.Edition);
        Field(body, "Year", record.Year);
        Field(body, "Language", record.Language);
        Field(body, "ISBN", string.Join(", ", record.Isbns));
        Field(body, "DOI", record.Doi);
        Field(body, "Identifiers", record.Identifiers);
        Field(body, "Format", record.Extension);
        Field(body, "Size", record.Filesize > 0 ? Html.Bytes(record.Filesize) : null);
        Field(body, "MD5", record.Md5);
        Field(body, "Collection", $"{record.Collection} #{record.Id}");
        Field(body, "Torrent", record.Torrent is null ? null : $"{record.Torrent} ({replica?.State.ToString() ?? "not held"})");
        Field(body, "File in torrent", record.ZipEntry is null ? record.PathInTorrent : $"{record.PathInTorrent} → {record.ZipEntry}");
        body.Append("</dl>");
        if (!string.IsNullOrWhiteSpace(description))
        {
            body.Append(FormattableString.Invariant($"<h2>Description</h2><p>{Html.Encode(description)}</p>"));
        }

        body.Append("</div></article>");
        return Html.Page(record.Title, body.ToString());
    }

    private static void Field(StringBuilder body, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            body.Append(FormattableString.Invariant($"<dt>{name}</dt><dd>{Html.Encode(value)}</dd>"));
        }
    }
}
