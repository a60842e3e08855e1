using System.Text;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Search;

namespace LibraryCluster.Host.Web;

/// <summary>The front page: a search box, filters, facets with counts, and hits with a "held here" badge.</summary>
public static class SearchPage
{
    private static readonly (string Facet, string Parameter, string Label)[] FacetParameters =
    [
        (Facets.Collection, "collection", "Collection"),
        (Facets.Language, "language", "Language"),
        (Facets.Extension, "extension", "Format"),
    ];

    public static string Render(IQueryCollection raw, SearchQuery? query, SearchResults? results, string? problem)
    {
        var body = new StringBuilder();
        var q = raw["q"].ToString();
        body.Append(Invariant($"""
            <form class="search" method="get" action="/" role="search">
            <input type="search" name="q" value="{Html.Encode(q)}" placeholder="Title, author, ISBN, DOI or MD5" aria-label="Search the catalogue" maxlength="500" autofocus>
            <button type="submit">Search</button>
            <div class="filters">
            {Select("collection", raw["collection"], ("", "All collections"), ("scitech", "Books (scitech)"), ("fiction", "Fiction"), ("scimag", "Articles (scimag)"))}
            {Select("sort", raw["sort"], ("", "Relevance"), ("YearNewest", "Newest"), ("YearOldest", "Oldest"), ("SizeSmallest", "Smallest"), ("SizeLargest", "Largest"), ("AddedNewest", "Recently added"))}
            <input name="year_from" inputmode="numeric" size="5" placeholder="from year" value="{Html.Encode(raw["year_from"])}" aria-label="From year">
            <input name="year_to" inputmode="numeric" size="5" placeholder="to year" value="{Html.Encode(raw["year_to"])}" aria-label="To year">
            <label><input type="checkbox" name="held" value="1"{(query?.HeldOnly == true ? " checked" : string.Empty)}> held here only</label>
            {Hidden(raw, "language")}{Hidden(raw, "extension")}
            </div>
            </form>
            """));

        if (problem is not null)
        {
            body.Append(Invariant($"<p class=\"notice\" role=\"alert\">{Html.Encode(problem)}</p>"));
            return Html.Page("Search", body.ToString());
        }

        if (query is null || results is null)
        {
            return Html.Page("Search", body.ToString());
        }

        body.Append("<div class=\"layout\"><aside>");
        foreach (var (facet, parameter, label) in FacetParameters)
        {
            if (results.Facets.GetValueOrDefault(facet) is not { Count: > 0 } values)
            {
                continue;
            }

            var selected = raw[parameter].ToString();
            body.Append(Invariant($"<h3>{label}</h3><ul>"));
            foreach (var value in values.Take(12))
            {
                var isSelected = string.Equals(selected, value.Value, StringComparison.OrdinalIgnoreCase);
                var link = With(raw, parameter, isSelected ? null : value.Value);
                body.Append(Invariant($"<li><a href=\"{Html.Encode(link)}\"{(isSelected ? " class=\"selected\"" : string.Empty)}><span>{Html.Encode(value.Value.Length == 0 ? "(none)" : value.Value)}</span><span>{value.Count:N0}</span></a></li>"));
            }

            body.Append("</ul>");
        }

        body.Append("</aside><section>");
        var total = results.TotalIsExact ? $"{results.Total:N0}" : $"{results.Total:N0}+";
        var notes = (results.Fuzzy ? " · nothing matched as typed: these allow small misspellings" : string.Empty)
            + (results.TimedOut ? " · the search ran out of time: results are partial" : string.Empty);
        body.Append(Invariant($"<p class=\"meta\" id=\"total\">{total} results ({results.Elapsed.TotalMilliseconds:0} ms){notes}</p><ol class=\"hits\">"));
        foreach (var hit in results.Hits)
        {
            body.Append(Hit(hit));
        }

        body.Append("</ol>");
        var pager = new StringBuilder();
        if (query.Offset > 0)
        {
            pager.Append(Invariant($"<a href=\"{Html.Encode(With(raw, "offset", Math.Max(0, query.Offset - query.Limit).ToString(System.Globalization.CultureInfo.InvariantCulture)))}\">← Previous</a>"));
        }

        if (query.Offset + results.Hits.Count < results.Total && query.Offset + query.Limit <= Api.SearchRequest.MaxOffset)
        {
            pager.Append(Invariant($"<a href=\"{Html.Encode(With(raw, "offset", (query.Offset + query.Limit).ToString(System.Globalization.CultureInfo.InvariantCulture)))}\">Next →</a>"));
        }

        body.Append(Invariant($"<nav class=\"pager\">{pager}</nav></section></div>"));
        return Html.Page(q.Length > 0 ? q : "Search", body.ToString());
    }

    private static string Hit(SearchHit hit)
    {
        var r = hit.Record;
        var link = RecordPage.Link(r);
        var badge = hit.Held ? "<span class=\"badge held\">held here</span>" : "<span class=\"badge absent\">not held</span>";
        var meta = string.Join(" · ", new[] { r.Author, r.Journal, r.Year, r.Language, r.Extension, r.Filesize > 0 ? Html.Bytes(r.Filesize) : string.Empty }.Where(s => !string.IsNullOrWhiteSpace(s)).Select(Html.Encode));
        return Invariant($"<li><a class=\"hit-title\" href=\"{Html.Encode(link)}\">{Html.Encode(r.Title.Length > 0 ? r.Title : "(untitled)")}</a>{badge}<div class=\"meta\">{meta}</div></li>");
    }

    private static string Select(string name, string? current, params (string Value, string Label)[] options)
    {
        var html = new StringBuilder(Invariant($"<select name=\"{name}\" aria-label=\"{name}\">"));
        foreach (var (value, label) in options)
        {
            var selected = string.Equals(value, current ?? string.Empty, StringComparison.OrdinalIgnoreCase) ? " selected" : string.Empty;
            html.Append(Invariant($"<option value=\"{value}\"{selected}>{label}</option>"));
        }

        return html.Append("</select>").ToString();
    }

    private static string Hidden(IQueryCollection raw, string name) =>
        raw[name].ToString() is { Length: > 0 } value ? Invariant($"<input type=\"hidden\" name=\"{name}\" value=\"{Html.Encode(value)}\">") : string.Empty;

    /// <summary>This page's address with one parameter changed (null removes it); a new filter starts at page one.</summary>
    private static string With(IQueryCollection raw, string name, string? value)
    {
        var pairs = raw.Where(p => p.Key != name && (name == "offset" || p.Key != "offset")).SelectMany(p => p.Value.Select(v => (p.Key, Value: v ?? string.Empty))).ToList();
        if (value is not null)
        {
            pairs.Add((name, value));
        }

        return "/?" + string.Join('&', pairs.Select(p => $"{Html.Url(p.Key)}={Html.Url(p.Value)}"));
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
