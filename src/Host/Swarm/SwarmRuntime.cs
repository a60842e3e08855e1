using LibraryCluster.Host.Configuration;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Engines.QBittorrent;

namespace LibraryCluster.Host.Swarm;

/// <summary>
/// The node's BitTorrent side, present in every node: the engine it seeds and fetches through (null when no daemon
/// is configured), and the daemon it runs, if it runs one. Services reach the engine through this.
/// </summary>
public sealed class SwarmRuntime : IAsyncDisposable
{
    public const string NotConfigured = "not seeding: no BitTorrent daemon is configured (set Swarm:DaemonPath, or Swarm:WebUiUrl; see docs/swarm.md)";

    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(2);

    private readonly QBittorrentEngine? _attached;

    public SwarmRuntime(SwarmOptions options, NodeOptions node, ILoggerFactory loggers)
    {
        Options = options;
        if (options.RunsDaemon)
        {
            Daemon = new QBittorrentDaemon(
                new QBittorrentDaemonOptions
                {
                    ExecutablePath = SwarmOptionsValidator.FindExecutable(options.DaemonPath!) ?? options.DaemonPath!,
                    ProfileDirectory = Path.GetFullPath(options.EffectiveProfileDirectory(node)),
                    WebUiPort = options.WebUiPort,
                    ListenPort = options.ListenPort,
                    ListenInterface = options.ListenInterface,
                    ListenAddress = options.ListenAddress,
                    PeerProtocol = options.PeerProtocol,
                    Dht = options.Dht,
                    PeerExchange = options.PeerExchange,
                    LocalPeerDiscovery = options.LocalPeerDiscovery,
                    CheckingSlots = options.CheckingSlots,
                    RefreshInterval = options.RefreshInterval,
                    StartTimeout = options.StartTimeout,
                    StopTimeout = options.StopTimeout,
                },
                loggers.CreateLogger<QBittorrentDaemon>());
            Engine = Daemon.Engine;
        }
        else if (options.Enabled)
        {
            _attached = new QBittorrentEngine(new QBittorrentConnection { WebUiUrl = new Uri(options.WebUiUrl!), Username = options.Username, Password = options.Password });
            Engine = _attached;
        }
    }

    public SwarmOptions Options { get; }

    /// <summary>The engine to seed and fetch through; null when the node has no daemon (it does not seed then).</summary>
    public ITorrentEngine? Engine { get; }

    /// <summary>The daemon the node runs and supervises; null when it uses one already running, or none.</summary>
    public QBittorrentDaemon? Daemon { get; }

    /// <summary>One line for /readyz and the dashboard: seeding through what, or why not.</summary>
    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        if (Engine is null)
        {
            return NotConfigured;
        }

        // /readyz and the dashboard ask: a daemon that hangs must not hold them (or a probe) for long.
        EngineHealth health;
        using (var quick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            quick.CancelAfter(HealthTimeout);
            try
            {
                health = await Engine.CheckHealthAsync(quick.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                health = new EngineHealth { Answering = false, Problem = $"{Engine.Description} did not answer within {HealthTimeout.TotalSeconds:0} s" };
            }
        }

        if (health.Answering)
        {
            return $"seeding through {Engine.Description} ({health.Version}, WebAPI {health.ApiVersion})";
        }

        var daemon = Daemon is { } d ? $" (daemon {d.State.ToString().ToLowerInvariant()}{(d.LastProblem.Length > 0 ? $"; last problem: {d.LastProblem}" : string.Empty)})" : string.Empty;
        return $"not seeding: {health.Problem}{daemon}";
    }

    public async ValueTask DisposeAsync()
    {
        if (Daemon is not null)
        {
            await Daemon.DisposeAsync().ConfigureAwait(false);
        }

        _attached?.Dispose();
    }
}
