using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Configuration;

/// <summary>Checks the cluster settings at start (only when a cluster database is configured).</summary>
public sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.NodeId) || options.NodeId.Length > 100 || options.NodeId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            problems.Add($"Cluster:NodeId \"{options.NodeId}\" must be 1-100 letters, digits, '-', '_' or '.'");
        }

        if (options.Token is not { Length: >= 16 })
        {
            problems.Add("Cluster:Token must be set to a shared secret of at least 16 characters when Cluster:Database is set");
        }

        if (options.Endpoint is { } endpoint && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            problems.Add($"Cluster:Endpoint \"{endpoint}\" is not an http(s) address");
        }

        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(100))
        {
            problems.Add($"Cluster:HeartbeatInterval {options.HeartbeatInterval} is shorter than 100 ms");
        }

        if (options.DownAfter < 2 * options.HeartbeatInterval)
        {
            problems.Add($"Cluster:DownAfter {options.DownAfter} must be at least two heartbeat intervals ({2 * options.HeartbeatInterval})");
        }

        if (options.DownOutInterval < options.DownAfter)
        {
            problems.Add($"Cluster:DownOutInterval {options.DownOutInterval} is shorter than Cluster:DownAfter {options.DownAfter}");
        }

        if (options.ReconcileInterval < TimeSpan.FromMilliseconds(100))
        {
            problems.Add($"Cluster:ReconcileInterval {options.ReconcileInterval} is shorter than 100 ms");
        }

        if (options.ReplicationFactor is < 1 or > 10)
        {
            problems.Add($"Cluster:ReplicationFactor {options.ReplicationFactor} must be between 1 and 10");
        }

        if (options.MaxConcurrentTransfers is < 1 or > 64)
        {
            problems.Add($"Cluster:MaxConcurrentTransfers {options.MaxConcurrentTransfers} must be between 1 and 64");
        }

        if (options.TransferMegabytesPerSecond < 0 || double.IsNaN(options.TransferMegabytesPerSecond))
        {
            problems.Add($"Cluster:TransferMegabytesPerSecond {options.TransferMegabytesPerSecond} must be 0 (unlimited) or more");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
