using System.Globalization;
using System.Text;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>
/// The index design: an index template (analysis and strict mappings, see index-template.json) matching
/// <c>{alias}-*</c>, versioned indices named <c>{alias}-{yyyyMMddHHmmss}</c>, and the alias that searches use.
/// </summary>
public static class CatalogIndex
{
    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(CatalogIndex).Assembly.GetManifestResourceStream("LibraryCluster.Search.Elasticsearch.index-template.json")
            ?? throw new InvalidOperationException("index-template.json is not embedded");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>The index template for <paramref name="alias"/>'s versioned indices.</summary>
    public static byte[] TemplateBody(string alias) => Encoding.UTF8.GetBytes(Template.Value.Replace("__ALIAS__", alias, StringComparison.Ordinal));

    /// <summary>A new versioned index name: the alias and the time (UTC, to the second).</summary>
    public static string VersionedName(string alias, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{alias}-{now.UtcDateTime:yyyyMMddHHmmss}");

    /// <summary>The pattern every versioned index of <paramref name="alias"/> matches.</summary>
    public static string Pattern(string alias) => alias + "-*";

    /// <summary>
    /// Settings for an index about to be bulk loaded: the configured shards, no replicas and no refresh until it is
    /// full (both restored by <see cref="ServingSettings"/>), which is how Elasticsearch advises loading an index.
    /// </summary>
    public static byte[] CreateBody(ElasticsearchOptions options) => ElasticsearchClient.WriteJson(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("settings");
        writer.WriteStartObject("index");
        writer.WriteNumber("number_of_shards", options.Shards);
        writer.WriteNumber("number_of_replicas", 0);
        writer.WriteString("refresh_interval", "-1");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    /// <summary>The settings an index serves with: the configured replicas, and the default refresh interval (null resets it).</summary>
    public static byte[] ServingSettings(ElasticsearchOptions options) => ElasticsearchClient.WriteJson(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("index");
        writer.WriteNumber("number_of_replicas", options.Replicas);
        writer.WriteNull("refresh_interval");
        writer.WriteEndObject();
        writer.WriteEndObject();
    });
}
