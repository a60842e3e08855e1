using System.Globalization;
using System.Text;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Actors.Volumes;

namespace LibraryCluster.Host.Monitoring;

/// <summary>A counter that only goes up, safe to bump from any request.</summary>
public sealed class Counter
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);
}

/// <summary>The node's numbers, written in the Prometheus text format at /metrics.</summary>
public sealed class NodeMetrics
{
    private readonly Counter[] _responses = [.. Enumerable.Range(0, 6).Select(_ => new Counter())];

    public Counter Requests { get; } = new();

    public Counter BytesServed { get; } = new();

    public Counter Downloads { get; } = new();

    /// <summary>Counts a finished request by status class (1xx…5xx) and the bytes its body declared (null: no body sent).</summary>
    public void Record(int status, long? contentLength)
    {
        Requests.Increment();
        _responses[Math.Clamp(status / 100, 0, 5)].Increment();
        if (contentLength is > 0 and { } bytes)
        {
            BytesServed.Add(bytes);
        }
    }

    public string Render(MirrorNode node, IReadOnlyList<VolumeStatus> volumes)
    {
        var text = new StringBuilder();
        Metric(text, "librarycluster_http_requests_total", "counter", "HTTP requests answered.", Requests.Value);
        text.AppendLine("# HELP librarycluster_http_responses_total HTTP responses by status class.");
        text.AppendLine("# TYPE librarycluster_http_responses_total counter");
        for (var c = 1; c <= 5; c++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"librarycluster_http_responses_total{{code=\"{c}xx\"}} {_responses[c].Value}");
        }

        Metric(text, "librarycluster_served_bytes_total", "counter", "Response body bytes sent (as declared by Content-Length).", BytesServed.Value);
        Metric(text, "librarycluster_downloads_total", "counter", "File downloads started.", Downloads.Value);
        Metric(text, "librarycluster_verified_bytes_total", "counter", "Bytes read and hashed by adoption and re-verification.", node.View.VerifiedBytes);
        Metric(text, "librarycluster_scrubbed_bytes_total", "counter", "Bytes read and hashed by scheduled scrubs.", node.View.ScrubbedBytes);

        text.AppendLine("# HELP librarycluster_replicas Replicas on this node by state.");
        text.AppendLine("# TYPE librarycluster_replicas gauge");
        var byState = node.View.Replicas.GroupBy(r => r.State).ToDictionary(g => g.Key, g => g.Count());
        foreach (var state in Enum.GetValues<ReplicaState>())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"librarycluster_replicas{{state=\"{state}\"}} {byState.GetValueOrDefault(state)}");
        }

        text.AppendLine("# HELP librarycluster_volume_up Whether a volume works (1) or has failed (0).");
        text.AppendLine("# TYPE librarycluster_volume_up gauge");
        foreach (var volume in volumes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"librarycluster_volume_up{{volume=\"{volume.Id}\"}} {(volume.State == VolumeState.In ? 1 : 0)}");
        }

        text.AppendLine("# HELP librarycluster_volume_free_bytes Free bytes on a volume (within its cap).");
        text.AppendLine("# TYPE librarycluster_volume_free_bytes gauge");
        foreach (var volume in volumes.Where(v => v.FreeBytes is not null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"librarycluster_volume_free_bytes{{volume=\"{volume.Id}\"}} {volume.FreeBytes}");
        }

        return text.ToString();
    }

    private static void Metric(StringBuilder text, string name, string type, string help, long value)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"# HELP {name} {help}");
        text.AppendLine(CultureInfo.InvariantCulture, $"# TYPE {name} {type}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{name} {value}");
    }
}
