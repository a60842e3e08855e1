using System.Security.Cryptography;
using System.Text;
using LibraryCluster.Host.Configuration;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Api;

/// <summary>
/// The admin token check: `Authorization: Bearer TOKEN` for the API and CLI, or the dashboard's sign-in
/// cookie, which holds an HMAC of the token rather than the token itself. Compared in constant time.
/// </summary>
public sealed class AdminAuth(IOptions<NodeOptions> options)
{
    public const string CookieName = "librarycluster_admin";

    public bool Enabled => options.Value.AdminToken is not null;

    public bool IsAuthorized(HttpContext context)
    {
        if (options.Value.AdminToken is not { } token)
        {
            return false;
        }

        if (BearerToken.From(context.Request) is { } given)
        {
            return BearerToken.Same(given, token);
        }

        return context.Request.Cookies.TryGetValue(CookieName, out var cookie) && BearerToken.Same(cookie, CookieValue(token));
    }

    /// <summary>Signs the dashboard in when <paramref name="token"/> is right.</summary>
    public bool SignIn(HttpContext context, string? token)
    {
        if (options.Value.AdminToken is not { } expected || token is null || !BearerToken.Same(token, expected))
        {
            return false;
        }

        context.Response.Cookies.Append(CookieName, CookieValue(expected), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
        });
        return true;
    }

    public static void SignOut(HttpContext context) => context.Response.Cookies.Delete(CookieName);

    /// <summary>401 with a challenge, or 403 when this node has no admin token at all.</summary>
    public IResult Refuse(HttpContext context)
    {
        if (!Enabled)
        {
            return Answers.Problem(context, StatusCodes.Status403Forbidden, "Admin is disabled", "This node has no admin token; start it with --admin-token (or Node:AdminToken) to use the admin API and dashboard.");
        }

        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"librarycluster\"";
        return Answers.Problem(context, StatusCodes.Status401Unauthorized, "Unauthorized", "Send the node's admin token as 'Authorization: Bearer TOKEN'.");
    }

    /// <summary>An endpoint filter for the admin API.</summary>
    public static async ValueTask<object?> Require(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var auth = invocation.HttpContext.RequestServices.GetRequiredService<AdminAuth>();
        return auth.IsAuthorized(invocation.HttpContext) ? await next(invocation).ConfigureAwait(false) : auth.Refuse(invocation.HttpContext);
    }

    private static string CookieValue(string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), "librarycluster dashboard"u8));
}
