using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Swarm;

namespace LibraryCluster.Host.Swarm;

/// <summary>
/// Ties the daemon's life to the node's: starts supervising it with the node (without holding up the node's
/// start: the node serves while the daemon comes up, and goes on serving if it cannot), has the node seed through
/// it (<see cref="SeedingAgent"/>), and stops it on shutdown.
/// </summary>
public sealed partial class SwarmService(SwarmRuntime swarm, MirrorNode node, ILogger<SwarmService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await StartDaemonAsync(cancellationToken).ConfigureAwait(false);
        if (swarm.Engine is { } engine)
        {
            // Seeding follows the replicas from now on; a daemon still starting is retried every poll.
            var options = swarm.Options;
            node.StartSeeding(
                new SeedingSettings
                {
                    PollInterval = options.PollInterval,
                    FetchFromSwarm = options.FetchMissing,
                    SwarmFetchAfter = options.FetchMissingAfter,
                    FetchOnDemand = options.FetchOnDemand,
                },
                engine);
        }
    }

    private async Task StartDaemonAsync(CancellationToken cancellationToken)
    {
        if (swarm.Daemon is { } daemon)
        {
            LogRunning(logger, daemon.Options.ExecutablePath, daemon.Options.ProfileDirectory, daemon.Options.WebUiUrl);
            daemon.Start();
        }
        else if (swarm.Engine is not null)
        {
            // A quick look only (bounded): the seeding agent keeps trying a daemon that does not answer yet.
            LogAttached(logger, await swarm.DescribeAsync(cancellationToken).ConfigureAwait(false));
        }
        else
        {
            LogNotSeeding(logger, SwarmRuntime.NotConfigured);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (swarm.Daemon is { } daemon)
        {
            await daemon.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(7101, LogLevel.Information, "swarm: running {DaemonPath} on profile {Profile}, WebAPI {WebUiUrl}")]
    private static partial void LogRunning(ILogger logger, string daemonPath, string profile, Uri webUiUrl);

    [LoggerMessage(7102, LogLevel.Information, "swarm: using a daemon already running: {State}")]
    private static partial void LogAttached(ILogger logger, string state);

    [LoggerMessage(7104, LogLevel.Warning, "swarm: {Message}")]
    private static partial void LogNotSeeding(ILogger logger, string message);
}
