using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Search.Elasticsearch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Bulk indexing throughput of the client itself (bytes/s, documents/s, allocations per document), so that the client
// is never the bottleneck of a full index. The other end is a sink: a Kestrel server in a child process on 127.0.0.1
// that reads each _bulk body and answers as Elasticsearch does (one item per action, filtered as the client asks).
//   dotnet run -c Release --project bench/Elasticsearch -- [documents] [runs]
//   dotnet run -c Release --project bench/Elasticsearch -- sink PORT      (the child)
if (args is ["sink", var portText])
{
    await Sink.RunAsync(int.Parse(portText, CultureInfo.InvariantCulture));
    return 0;
}

var documents = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500_000;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var records = Records.Make(documents);
Console.WriteLine($"{documents:N0} records prepared ({Environment.ProcessorCount} cores, .NET {Environment.Version})");

// 1. Serialization alone: documents and action lines into the bulk buffer, no HTTP.
{
    var buffer = new ArrayBufferWriter<byte>(64 * 1024 * 1024);
    using var writer = new Utf8JsonWriter(buffer);
    for (var run = 0; run <= runs; run++)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        long bytes = 0;
        foreach (var record in records)
        {
            writer.Reset(buffer);
            CatalogDocuments.Write(writer, record, null);
            writer.Flush();
            bytes += buffer.WrittenCount;
            buffer.ResetWrittenCount();
        }

        var seconds = watch.Elapsed.TotalSeconds;
        if (run > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"serialize  run {run}: {documents / seconds:N0} docs/s, {bytes / seconds / 1e6:N0} MB/s, {(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)documents:N1} B allocated/doc, {bytes / (double)documents:N0} B/doc"));
        }
    }
}

// 2. The whole client: BulkIndexer → HttpClient → loopback sink (separate process), for 1, 2 and 4 requests in flight.
var port = FreePort();
using var sink = Process.Start(new ProcessStartInfo(Environment.ProcessPath!) { ArgumentList = { typeof(Sink).Assembly.Location, "sink", port.ToString(CultureInfo.InvariantCulture) }, RedirectStandardOutput = true, UseShellExecute = false })!;
if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) != "dotnet")
{
    sink.Kill();
    sink.WaitForExit();
    throw new InvalidOperationException("run through dotnet (dotnet run / dotnet bin/…dll)");
}

try
{
    await sink.StandardOutput.ReadLineAsync(); // "listening"
    foreach (var concurrency in new[] { 1, 2, 4 })
    {
        for (var run = 0; run <= runs; run++)
        {
            using var client = new ElasticsearchClient(new ElasticsearchOptions { Url = $"http://127.0.0.1:{port}", BulkConcurrency = concurrency });
            GC.Collect();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            BulkReport report;
            await using (var bulk = new BulkIndexer(client, "librarycluster-records-bench"))
            {
                foreach (var record in records)
                {
                    await bulk.IndexAsync(CatalogDocuments.Id(record), record, static (w, r) => CatalogDocuments.Write(w, r, null));
                }

                report = await bulk.CompleteAsync();
            }

            var seconds = watch.Elapsed.TotalSeconds;
            var perDoc = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)documents;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            if (report.Failed > 0 || report.Items != documents)
            {
                throw new InvalidOperationException($"{report.Failed} failed of {report.Items}");
            }

            if (run > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bulk x{concurrency} run {run}: {documents / seconds:N0} docs/s, {report.Bytes / seconds / 1e6:N0} MB/s, {perDoc:N1} B allocated/doc, {report.Requests} requests of {report.Bytes / report.Requests / 1e6:N1} MB, client CPU {cpuSeconds / seconds:P0} of one core"));
            }
        }
    }
}
finally
{
    sink.Kill();
    await sink.WaitForExitAsync();
}

return 0;

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

/// <summary>Records shaped like LibGen's (title, authors, publisher, ISBNs, identifiers, MD5), deterministic.</summary>
internal static class Records
{
    private static readonly string[] Words = ["quantum", "mechanics", "introduction", "theory", "analysis", "études", "linear", "algebra", "history", "of", "the", "modern", "physics", "handbook", "differential", "equations", "organic", "chemistry", "principles", "économie", "статистика", "methods", "applied", "systems"];

    public static List<CatalogRecord> Make(int count)
    {
        var random = new Random(42);
        string Text(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));
        var records = new List<CatalogRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var md5 = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()).Concat(BitConverter.GetBytes(random.NextInt64())).ToArray());
            records.Add(new CatalogRecord
            {
                Collection = (Collection)(i % 3 == 0 ? 1 : 0),
                Id = i + 1,
                Md5 = md5,
                Title = Text(4 + random.Next(8)),
                Author = $"{Text(1)}, {Text(1)}; {Text(1)}",
                Series = i % 4 == 0 ? Text(2) : string.Empty,
                Publisher = Text(2),
                Edition = "2nd",
                Year = (1950 + random.Next(75)).ToString(CultureInfo.InvariantCulture),
                Language = i % 5 == 0 ? "Russian" : "English",
                Extension = i % 3 == 0 ? "epub" : "pdf",
                Filesize = random.Next(100_000, 50_000_000),
                Isbns = [$"978{random.Next(100_000_000, 999_999_999)}{random.Next(0, 9)}"],
                Identifiers = $"asin:B0{random.Next(10_000_000, 99_999_999)} googlebooks:{random.Next():x}",
                TimeAdded = new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i),
                TimeLastModified = new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i),
                Torrent = $"r_{i / 1000 * 1000:000}",
                PathInTorrent = $"{i / 1000 * 1000}/{md5}",
            });
        }

        return records;
    }
}

/// <summary>The sink: reads each _bulk body, counts its actions, answers {"took","errors":false,"items":[…]} as filtered by the client.</summary>
internal static class Sink
{
    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 200 * 1024 * 1024;
            k.ListenLocalhost(port);
        });
        var app = builder.Build();
        app.Run(async context =>
        {
            var reader = context.Request.BodyReader;
            long lines = 0;
            while (true)
            {
                var result = await reader.ReadAsync();
                foreach (var segment in result.Buffer)
                {
                    lines += segment.Span.Count((byte)'\n');
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            // Index actions are two lines each: the action and the document.
            var items = lines / 2;
            var response = new StringBuilder(32 + (int)(items * 40)).Append("{\"took\":3,\"errors\":false,\"items\":[");
            for (var i = 0; i < items; i++)
            {
                response.Append(i == 0 ? string.Empty : ",").Append("{\"index\":{\"_id\":\"scitech-").Append(i).Append("\",\"status\":201}}");
            }

            response.Append("]}");
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(response.ToString());
        });
        await app.StartAsync();
        Console.WriteLine("listening");
        await app.WaitForShutdownAsync();
    }
}
