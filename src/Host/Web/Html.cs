using System.Globalization;
using System.Text.Encodings.Web;

namespace LibraryCluster.Host.Web;

/// <summary>The page frame and the small helpers every page uses; all text from data goes through <see cref="Encode"/>.</summary>
public static class Html
{
    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    public static string Url(string? text) => UrlEncoder.Default.Encode(text ?? string.Empty);

    /// <summary>Cuts untrusted input quoted back in a message to a readable length.</summary>
    public static string Shorten(string text, int max = 80) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "?",
        < 1_000 => $"{bytes} B",
        < 1_000_000 => (bytes.Value / 1e3).ToString("0.0 'kB'", CultureInfo.InvariantCulture),
        < 1_000_000_000 => (bytes.Value / 1e6).ToString("0.0 'MB'", CultureInfo.InvariantCulture),
        _ => (bytes.Value / 1e9).ToString("0.00 'GB'", CultureInfo.InvariantCulture),
    };

    public static string Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "never";

    public static IResult Result(string title, string body, int status = StatusCodes.Status200OK) =>
        Results.Content(Page(title, body), "text/html; charset=utf-8", statusCode: status);

    public static string Page(string title, string body) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Encode(title)}} · LibraryCluster</title>
        <link rel="stylesheet" href="/site.css">
        </head>
        <body>
        <header><a class="brand" href="/">LibraryCluster</a><nav><a href="/">Search</a><a href="/admin">Dashboard</a><a href="/openapi/v1.json">API</a></nav></header>
        <main>
        {{body}}
        </main>
        </body>
        </html>
        """;
}
