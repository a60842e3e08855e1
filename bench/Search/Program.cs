using System.Diagnostics;
using System.Text.Json;
using LibraryCluster.Search;
using LibraryCluster.Search.Sqlite;

// Usage: LibraryCluster.Bench.Search DB QUERIES.jsonl OUT.json [ROUNDS]
// Each line of QUERIES is {"kind": "...", "text": "..."}. Every query runs once to warm the page
// cache, then ROUNDS times timed; the median of its rounds is its latency.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: LibraryCluster.Bench.Search DB QUERIES.jsonl OUT.json [ROUNDS]");
    return 2;
}

var rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3;
var queries = File.ReadAllLines(args[1]).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<BenchQuery>(l, JsonSerializerOptions.Web)!).ToList();
using var search = new SqliteCatalogSearch(args[0]);
var results = new List<object>();
foreach (var query in queries)
{
    var request = new SearchQuery { Text = query.Text, Limit = 20 };
    await search.SearchAsync(request);
    var times = new List<double>();
    SearchResults? last = null;
    for (var i = 0; i < rounds; i++)
    {
        var started = Stopwatch.GetTimestamp();
        last = await search.SearchAsync(request);
        times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    times.Sort();
    results.Add(new { query.Kind, query.Text, Milliseconds = times[times.Count / 2], last!.Total, last.TotalIsExact, Hits = last.Hits.Count, Mode = last.Mode.ToString() });
}

await File.WriteAllTextAsync(args[2], JsonSerializer.Serialize(results, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
return 0;

internal sealed record BenchQuery(string Kind, string Text);
