namespace LibraryCluster.Catalog.Records;

/// <summary>The one place that says what an MD5 looks like: 32 hexadecimal digits, kept lowercase.</summary>
public static class Md5
{
    /// <summary>The lowercase MD5, or null when the value is not 32 hex digits.</summary>
    public static string? Normalize(string? value) =>
        value is { Length: 32 } && value.All(char.IsAsciiHexDigit) ? value.ToLowerInvariant() : null;
}
