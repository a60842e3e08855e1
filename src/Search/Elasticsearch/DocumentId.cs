using System.Globalization;
using System.Text.Json;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>
/// A document's _id as "{prefix}-{number}" (a catalogue record is "scitech-1234"), kept as its two parts so that
/// writing millions of them into bulk requests allocates no strings.
/// </summary>
public readonly record struct DocumentId(string Prefix, long Number)
{
    /// <summary>Writes the id as a JSON string value.</summary>
    public void WriteTo(Utf8JsonWriter writer, string propertyName)
    {
        Span<char> chars = stackalloc char[Prefix.Length + 21];
        Prefix.AsSpan().CopyTo(chars);
        chars[Prefix.Length] = '-';
        Number.TryFormat(chars[(Prefix.Length + 1)..], out var digits, provider: CultureInfo.InvariantCulture);
        writer.WriteString(propertyName, chars[..(Prefix.Length + 1 + digits)]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{Number}");

    /// <summary>Reads "prefix-number" back; null when the text is not of that form.</summary>
    public static DocumentId? Parse(string? id)
    {
        var dash = id?.LastIndexOf('-') ?? -1;
        return dash > 0 && long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? new DocumentId(id![..dash], number)
            : null;
    }
}
