using System.Security.Cryptography;
using System.Text;

namespace LibraryCluster.Host.Api;

/// <summary>Secrets compared in constant time (hashes first, so the length does not show either).</summary>
public static class BearerToken
{
    private const string Scheme = "Bearer ";

    /// <summary>The token of an <c>Authorization: Bearer TOKEN</c> header, or null.</summary>
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
    }

    /// <summary>Whether the request carries <paramref name="expected"/> as its bearer token.</summary>
    public static bool Matches(HttpRequest request, string expected) => From(request) is { } given && Same(given, expected);

    public static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
