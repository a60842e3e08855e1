using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LibraryCluster.Testing;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>
/// Golden request files (Golden/) and recorded Elasticsearch 8 answers (Responses/), read from the source tree.
/// Run with UPDATE_GOLDEN=1 to rewrite the golden files from what the code sends now, then review the diff.
/// </summary>
public static class Recorded
{
    private static string Folder([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;

    /// <summary>Queues a recorded response file from Responses/ on a fake server.</summary>
    public static FakeElasticsearch EnqueueFile(this FakeElasticsearch server, string name, int status = 200) => server.Enqueue(status, Response(name));

    public static string Response(string name) => File.ReadAllText(Path.Join(Folder(), "Responses", name));

    /// <summary>A request as a golden file holds it: method, path, content type and the body as JSON (NDJSON as an array of its lines).</summary>
    public static JsonObject Describe(RecordedRequest request)
    {
        JsonNode? body = null;
        if (request.Body.Length > 0)
        {
            body = request.ContentType?.StartsWith("application/x-ndjson", StringComparison.Ordinal) == true
                ? new JsonArray([.. request.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line))])
                : JsonNode.Parse(request.Body);
        }

        return new JsonObject
        {
            ["method"] = request.Method,
            ["path"] = request.PathAndQuery,
            ["contentType"] = request.ContentType,
            ["body"] = body,
        };
    }

    /// <summary>Asserts that <paramref name="actual"/> is the golden file <paramref name="name"/> (as JSON, whatever the spacing).</summary>
    public static void AssertGolden(string name, JsonNode actual)
    {
        var path = Path.Join(Folder(), "Golden", name);
        var text = actual.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, text, new UTF8Encoding(false));
            return;
        }

        Assert.True(File.Exists(path), $"no golden file {name}; run with UPDATE_GOLDEN=1 to write it, then review it");
        var expected = JsonNode.Parse(File.ReadAllText(path));
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{name} differs from what the code sends:\n{text}");
    }

    public static void AssertGolden(string name, RecordedRequest request) => AssertGolden(name, Describe(request));

    /// <summary>A request body (JSON) as a node, for golden comparison of pure builders.</summary>
    public static JsonNode Json(ReadOnlySpan<byte> body) => JsonNode.Parse(body)!;
}
