using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>
/// An HttpMessageHandler that answers _bulk in memory, for unit tests of batching that need no network: every
/// action is answered with <see cref="StatusFor"/> (201 by default) in Elasticsearch's format.
/// </summary>
public sealed class InMemoryElasticsearch : HttpMessageHandler
{
    public List<(string Path, byte[] Body)> Requests { get; } = [];

    /// <summary>The status for an action (its name and _id) in the nth request (1-based).</summary>
    public Func<string, string, int, int> StatusFor { get; set; } = (_, _, _) => 201;

    /// <summary>The (action, _id) pairs of an NDJSON bulk body, in order.</summary>
    public static List<(string Action, string Id)> Actions(byte[] body)
    {
        var actions = new List<(string, string)>();
        var lines = Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var action = JsonNode.Parse(lines[i])!.AsObject().Single();
            actions.Add((action.Key, action.Value!["_id"]!.GetValue<string>()));
            if (action.Key is "index" or "create" or "update")
            {
                i++;
            }
        }

        return actions;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        int number;
        lock (Requests)
        {
            Requests.Add((request.RequestUri!.PathAndQuery, body));
            number = Requests.Count;
        }

        var items = Actions(body).Select(a => (a.Action, a.Id, Status: StatusFor(a.Action, a.Id, number))).ToList();
        var errors = items.Any(i => i.Status >= 300 && !(i.Action == "delete" && i.Status == 404));
        var json = new JsonObject
        {
            ["took"] = 1,
            ["errors"] = errors,
            ["items"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject
            {
                [i.Action] = i.Status < 300 || i.Status == 404
                    ? new JsonObject { ["_id"] = i.Id, ["status"] = i.Status }
                    : new JsonObject { ["_id"] = i.Id, ["status"] = i.Status, ["error"] = new JsonObject { ["type"] = i.Status == 429 ? "es_rejected_execution_exception" : "document_parsing_exception", ["reason"] = "test" } },
            })]),
        };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}
