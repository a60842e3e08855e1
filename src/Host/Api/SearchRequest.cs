using System.Globalization;
using LibraryCluster.Catalog;
using LibraryCluster.Search;

namespace LibraryCluster.Host.Api;

/// <summary>Reads a search from query-string parameters (the page and the API share them) and says what is wrong with bad ones.</summary>
public static class SearchRequest
{
    public const int MaxTextLength = 500;

    public const int MaxOffset = 10_000;

    /// <summary>q, collection, language, extension, year_from, year_to, held, sort, offset, limit.</summary>
    public static (SearchQuery? Query, string? Problem) Parse(IQueryCollection query, int defaultLimit = 20)
    {
        var text = query["q"].ToString();
        if (text.Length > MaxTextLength)
        {
            return (null, $"q is {text.Length} characters; at most {MaxTextLength}");
        }

        Collection? collection = null;
        if (query["collection"].ToString() is { Length: > 0 } c)
        {
            if (!Enum.TryParse<Collection>(c, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(c, out _))
            {
                return (null, $"collection \"{Web.Html.Shorten(c)}\" is not one of scitech, fiction, scimag");
            }

            collection = parsed;
        }

        var sort = SearchSort.Relevance;
        if (query["sort"].ToString() is { Length: > 0 } s && (!Enum.TryParse(s, ignoreCase: true, out sort) || int.TryParse(s, out _)))
        {
            return (null, $"sort \"{Web.Html.Shorten(s)}\" is not one of {string.Join(", ", Enum.GetNames<SearchSort>())}");
        }

        string? problem = null;
        var yearFrom = Integer(query, "year_from", 0, 3000, ref problem);
        var yearTo = Integer(query, "year_to", 0, 3000, ref problem);
        var offset = Integer(query, "offset", 0, MaxOffset, ref problem) ?? 0;
        var limit = Integer(query, "limit", 1, SearchQuery.MaxLimit, ref problem) ?? defaultLimit;
        var language = Word(query, "language", ref problem);
        var extension = Word(query, "extension", ref problem);
        if (problem is not null)
        {
            return (null, problem);
        }

        return (new SearchQuery
        {
            Text = text,
            Collection = collection,
            Language = language,
            Extension = extension,
            YearFrom = yearFrom,
            YearTo = yearTo,
            HeldOnly = query["held"].ToString() is "1" or "true" or "on",
            Sort = sort,
            Offset = offset,
            Limit = limit,
        }, null);
    }

    private static int? Integer(IQueryCollection query, string name, int min, int max, ref string? problem)
    {
        var value = query[name].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        problem ??= $"{name} \"{Web.Html.Shorten(value)}\" must be a whole number from {min} to {max}";
        return null;
    }

    private static string? Word(IQueryCollection query, string name, ref string? problem)
    {
        var value = query[name].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        if (value.Length <= 40 && !value.Any(char.IsControl))
        {
            return value;
        }

        problem ??= $"{name} \"{Web.Html.Shorten(value)}\" is not a {name}";
        return null;
    }
}
