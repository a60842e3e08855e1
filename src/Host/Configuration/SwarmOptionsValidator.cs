using System.Net;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Configuration;

/// <summary>Checks the swarm settings at start (only when a daemon is configured), naming each bad one.</summary>
public sealed class SwarmOptionsValidator : IValidateOptions<SwarmOptions>
{
    public ValidateOptionsResult Validate(string? name, SwarmOptions options)
    {
        // Scraping needs no daemon, so its setting is checked in every node.
        if (options.ScrapeInterval < TimeSpan.Zero || (options.ScrapeInterval > TimeSpan.Zero && options.ScrapeInterval < TimeSpan.FromSeconds(1)))
        {
            return ValidateOptionsResult.Fail($"Swarm:ScrapeInterval {options.ScrapeInterval} must be 0 (off) or at least 1 second");
        }

        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        if (options.RunsDaemon && !string.IsNullOrWhiteSpace(options.WebUiUrl))
        {
            problems.Add("Swarm:DaemonPath and Swarm:WebUiUrl are both set: set DaemonPath for the node to run qbittorrent-nox, or WebUiUrl to use one already running");
        }

        if (options.RunsDaemon && FindExecutable(options.DaemonPath!) is null)
        {
            problems.Add($"Swarm:DaemonPath \"{options.DaemonPath}\" is not a program here (apt-get install qbittorrent-nox puts it at /usr/bin/qbittorrent-nox)");
        }

        if (!string.IsNullOrWhiteSpace(options.WebUiUrl) && !(Uri.TryCreate(options.WebUiUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            problems.Add($"Swarm:WebUiUrl \"{options.WebUiUrl}\" is not an http(s) address");
        }

        if (string.IsNullOrEmpty(options.Username) != string.IsNullOrEmpty(options.Password))
        {
            problems.Add("Swarm:Username and Swarm:Password go together: set both or neither");
        }

        if (options.FetchMissingAfter < TimeSpan.Zero)
        {
            problems.Add($"Swarm:FetchMissingAfter {options.FetchMissingAfter} is negative");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(100))
        {
            problems.Add($"Swarm:PollInterval {options.PollInterval} is shorter than 100 ms");
        }

        if (options.WebUiPort is < 1 or > 65535)
        {
            problems.Add($"Swarm:WebUiPort {options.WebUiPort} is not a port (1-65535)");
        }

        if (options.ListenPort is < 1 or > 65535)
        {
            problems.Add($"Swarm:ListenPort {options.ListenPort} is not a port (1-65535)");
        }
        else if (options.RunsDaemon && options.ListenPort == options.WebUiPort)
        {
            problems.Add($"Swarm:ListenPort and Swarm:WebUiPort are both {options.ListenPort}");
        }

        if (!IsToken(options.ListenInterface))
        {
            problems.Add($"Swarm:ListenInterface \"{options.ListenInterface}\" is not an interface name (letters, digits, '.', '-', '_')");
        }

        if (options.ListenAddress.Length > 0 && !IPAddress.TryParse(options.ListenAddress, out _))
        {
            problems.Add($"Swarm:ListenAddress \"{options.ListenAddress}\" is not an IP address");
        }

        if (!Enum.IsDefined(options.PeerProtocol))
        {
            problems.Add($"Swarm:PeerProtocol {options.PeerProtocol} is not one of Both, Tcp, Utp");
        }

        if (options.CheckingSlots is < 1 or > 1000)
        {
            problems.Add($"Swarm:CheckingSlots {options.CheckingSlots} must be between 1 and 1000");
        }

        if (options.RefreshInterval < TimeSpan.FromMilliseconds(30) || options.RefreshInterval > TimeSpan.FromMinutes(1))
        {
            problems.Add($"Swarm:RefreshInterval {options.RefreshInterval} must be between 30 ms and a minute");
        }

        if (options.StartTimeout < TimeSpan.FromSeconds(1))
        {
            problems.Add($"Swarm:StartTimeout {options.StartTimeout} is shorter than a second");
        }

        if (options.StopTimeout < TimeSpan.FromSeconds(1))
        {
            problems.Add($"Swarm:StopTimeout {options.StopTimeout} is shorter than a second");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>The program's full path: the path itself, or a bare name looked up on PATH; null when there is none.</summary>
    public static string? FindExecutable(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? Path.GetFullPath(program) : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Join(d, program))
            .FirstOrDefault(File.Exists);
    }

    private static bool IsToken(string value) => value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
