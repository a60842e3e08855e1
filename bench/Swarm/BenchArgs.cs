using System.Globalization;

namespace LibraryCluster.Bench.Swarm;

/// <summary>The harness's command line: a mode, then --name value pairs.</summary>
internal sealed class BenchArgs(string[] args)
{
    public string Mode => args.Length > 0 ? args[0] : string.Empty;

    /// <summary>A scratch folder for this run's data, profiles and copies.</summary>
    public string Work => Text("--work") ?? throw new ArgumentException("--work DIR is required");

    public string? Text(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

    public int Int(string name, int fallback) => Text(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Text(name) is { } value ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
