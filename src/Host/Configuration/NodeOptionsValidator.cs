using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Configuration;

/// <summary>Checks the settings at start and names each bad one the way an operator would write it.</summary>
public sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    private static readonly string[] KnownCollections = ["r_", "f_", "sm_"];

    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            problems.Add("Node:DataDirectory (--data-dir) is empty");
        }
        else if (File.Exists(options.DataDirectory))
        {
            problems.Add($"Node:DataDirectory (--data-dir) \"{options.DataDirectory}\" is a file, not a directory");
        }

        if (options.AdminToken is { } token && token.Length < 16)
        {
            problems.Add($"Node:AdminToken (--admin-token) is {token.Length} characters; use at least 16 (an empty one is refused too: leave it unset to disable admin)");
        }

        if (options.ScrubInterval < TimeSpan.FromMinutes(1))
        {
            problems.Add($"Node:ScrubInterval {options.ScrubInterval} is shorter than a minute");
        }

        if (options.ScrubMegabytesPerSecond < 0 || double.IsNaN(options.ScrubMegabytesPerSecond))
        {
            problems.Add($"Node:ScrubMegabytesPerSecond {options.ScrubMegabytesPerSecond} must be 0 (unlimited) or more");
        }

        if (options.DownloadsAtOnce < 0)
        {
            problems.Add($"Node:DownloadsAtOnce {options.DownloadsAtOnce} must be 0 (twice the cores) or more");
        }

        if (options.VolumeProbeInterval < TimeSpan.FromSeconds(1))
        {
            problems.Add($"Node:VolumeProbeInterval {options.VolumeProbeInterval} is shorter than a second");
        }

        foreach (var collection in options.Collections.Where(c => !KnownCollections.Contains(c, StringComparer.Ordinal)))
        {
            problems.Add($"Node:Collections \"{collection}\" is not one of {string.Join(", ", KnownCollections)}");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Volumes.Count; i++)
        {
            var volume = options.Volumes[i];
            var where = $"Node:Volumes:{i}";
            if (string.IsNullOrWhiteSpace(volume.Id) || !volume.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                problems.Add($"{where}:Id \"{volume.Id}\" must be letters, digits, '-' or '_'");
            }
            else if (!ids.Add(volume.Id))
            {
                problems.Add($"{where}:Id \"{volume.Id}\" is used by another volume");
            }

            if (string.IsNullOrWhiteSpace(volume.Path))
            {
                problems.Add($"{where}:Path is empty");
            }
            else if (!paths.Add(Path.GetFullPath(volume.Path)))
            {
                problems.Add($"{where}:Path \"{volume.Path}\" is used by another volume");
            }
            else if (File.Exists(volume.Path))
            {
                problems.Add($"{where}:Path \"{volume.Path}\" is a file, not a directory");
            }

            if (volume.CapacityGigabytes is { } cap && !(cap > 0))
            {
                problems.Add($"{where}:CapacityGigabytes {cap} must be more than 0");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
