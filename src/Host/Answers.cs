using LibraryCluster.Host.Web;

namespace LibraryCluster.Host;

/// <summary>
/// Error answers in the caller's language: an HTML page for a browser, RFC 9457 problem JSON for anything
/// else. Every one says what was wrong and, where it helps, what to do.
/// </summary>
public static class Answers
{
    public static IResult Problem(HttpContext context, int status, string title, string detail)
    {
        if (WantsHtml(context))
        {
            var body = $"<h1>{Html.Encode(title)}</h1><p class=\"notice\">{Html.Encode(detail)}</p><p><a href=\"/\">Search the catalogue</a></p>";
            return Results.Content(Html.Page(title, body), "text/html; charset=utf-8", statusCode: status);
        }

        return Results.Problem(detail: detail, statusCode: status, title: title);
    }

    public static IResult BadRequest(HttpContext context, string detail) => Problem(context, StatusCodes.Status400BadRequest, "Bad request", detail);

    public static IResult NotFound(HttpContext context, string title, string detail) => Problem(context, StatusCodes.Status404NotFound, title, detail);

    public static bool WantsHtml(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/api")
        && context.Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
}
