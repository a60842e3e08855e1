using LibraryCluster.Actors.Node;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Host.Cluster;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Search.Sqlite;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Node;

/// <summary>
/// Brings the node up before the server listens: data directory, demo collection if asked, catalogue,
/// then the mirror node's actors.
/// </summary>
public sealed partial class NodeLifetime(
    IOptions<NodeOptions> options,
    MirrorNode node,
    ClusterRuntime cluster,
    IServer server,
    IHostApplicationLifetime application,
    ILogger<NodeLifetime> logger) : IHostedService
{
    public bool Started { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        Directory.CreateDirectory(settings.DataDirectory);
        if (settings.Demo)
        {
            await DemoCollection.PrepareAsync(settings, logger, cancellationToken).ConfigureAwait(false);
        }

        // A fresh node gets an empty catalogue with its search index, ready for an import.
        using (var store = CatalogStore.Open(settings.CatalogPath))
        {
            SqliteSearchIndex.Install(store);
        }

        node.Start();
        Started = true;
        application.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                LogOpen(logger, address);
            }

            // Peers need the real port, known only now that the server listens. A single node joins its own map.
            if (addresses.FirstOrDefault() is { } first)
            {
                var settings = cluster.Settings(Reachable(first));
                node.JoinCluster(settings, cluster.Map, cluster.View);
                cluster.Joined = settings;
            }
        });
        LogStarted(logger, Path.GetFullPath(settings.DataDirectory), settings.EffectiveVolumes.Count, node.View.Torrents.Count());
    }

    /// <summary>
    /// The address peers use when Cluster:Endpoint is not set: the listen address, with a wildcard one (+, *,
    /// 0.0.0.0, [::]) replaced by this host's name (never localhost: a peer would reach itself).
    /// </summary>
    private static Uri Reachable(string listening)
    {
        var uri = new UriBuilder(listening.Replace("://+", "://wildcard", StringComparison.Ordinal).Replace("://*", "://wildcard", StringComparison.Ordinal)) { Path = "/" };
        if (uri.Host is "wildcard" or "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = System.Net.Dns.GetHostName();
        }

        return uri.Uri;
    }

    /// <summary>
    /// Nothing to do here: requests may still be in flight while hosted services stop, so the node (actors,
    /// then its store) is disposed with the service container, after the server has stopped.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(2011, LogLevel.Information, "LibraryCluster is up: open {Address}/ to search, {Address}/admin for the dashboard")]
    private static partial void LogOpen(ILogger logger, string address);

    [LoggerMessage(2010, LogLevel.Information, "node started: data directory {DataDirectory}, {Volumes} volumes, {Torrents} torrents on record")]
    private static partial void LogStarted(ILogger logger, string dataDirectory, int volumes, int torrents);
}
