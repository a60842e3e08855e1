using System.Net;
using System.Security.Cryptography;
using LibraryCluster.Samples;

namespace LibraryCluster.Cluster.Tests;

/// <summary>What one round of downloads found.</summary>
public sealed record DownloadReport(int Downloads, int Local, int Forwarded, int Retried, IReadOnlyList<string> Failures)
{
    public override string ToString() => $"{Downloads} downloads ({Local} local, {Forwarded} forwarded, {Retried} needed a retry), {Failures.Count} failed";
}

/// <summary>
/// Downloads files by MD5 (GET /files/&lt;md5&gt;) through given nodes and checks that each body has the MD5 of its name.
/// A node's view of who holds what may be a reconcile interval old, so an answer other than 200 is tried again a
/// couple of times a second apart; a 200 with the wrong bytes is a failure at once.
/// </summary>
public sealed class DownloadChecker : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public async Task<DownloadReport> CheckAsync(IEnumerable<NodeProcess> nodes, IEnumerable<SampleRecord> records, int attempts, CancellationToken cancellationToken)
    {
        var work = nodes.SelectMany(n => records.Select(r => (Node: n, Record: r))).ToList();
        var failures = new List<string>();
        int local = 0, forwarded = 0, retried = 0;
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            var (outcome, servedBy, tries) = await DownloadAsync(item.Node, item.Record, attempts, ct);
            lock (failures)
            {
                if (tries > 1)
                {
                    retried++;
                }

                if (outcome is not null)
                {
                    failures.Add($"{item.Node.Id} GET /files/{item.Record.Md5} ({item.Record.Torrent}): {outcome}");
                }
                else if (servedBy is null)
                {
                    local++;
                }
                else
                {
                    forwarded++;
                }
            }
        });

        return new DownloadReport(work.Count, local, forwarded, retried, failures);
    }

    /// <summary>One file through one node: null when the right bytes came back, else what went wrong.</summary>
    public async Task<(string? Problem, string? ServedBy, int Tries)> DownloadAsync(NodeProcess node, SampleRecord record, int attempts, CancellationToken cancellationToken)
    {
        string problem = "not tried";
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(node.Endpoint, $"files/{record.Md5}"), cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var servedBy = response.Headers.TryGetValues("X-Served-By", out var values) ? string.Join(',', values) : null;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var md5 = Convert.ToHexStringLower(MD5.HashData(body));
                    return md5 == record.Md5
                        ? (null, servedBy, attempt)
                        : ($"served {body.Length} bytes whose MD5 is {md5}{(servedBy is null ? "" : $" (forwarded from {servedBy})")}", servedBy, attempt);
                }

                problem = $"{(int)response.StatusCode} {Shorten(System.Text.Encoding.UTF8.GetString(body))}";
            }
            catch (HttpRequestException e)
            {
                problem = e.Message;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                problem = $"timed out: {e.Message}";
            }

            if (attempt < attempts)
            {
                await Task.Delay(1000, cancellationToken);
            }
        }

        return (problem, null, attempts);
    }

    public void Dispose() => _http.Dispose();

    private static string Shorten(string text)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= 300 ? flat : flat[..300] + "…";
    }
}
