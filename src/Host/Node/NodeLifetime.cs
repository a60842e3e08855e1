using LibraryCluster.Actors.Node;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Search.Sqlite;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Node;

/// <summary>
/// Brings the node up before the server listens: data directory, demo collection if asked, catalogue,
/// then the mirror node's actors. Stops them when the host stops.
/// </summary>
public sealed partial class NodeLifetime(IOptions<NodeOptions> options, MirrorNode node, ILogger<NodeLifetime> logger) : IHostedService
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
        LogStarted(logger, Path.GetFullPath(settings.DataDirectory), settings.EffectiveVolumes.Count, node.View.Torrents.Count());
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await node.DisposeAsync().ConfigureAwait(false);

    [LoggerMessage(2010, LogLevel.Information, "node started: data directory {DataDirectory}, {Volumes} volumes, {Torrents} torrents on record")]
    private static partial void LogStarted(ILogger logger, string dataDirectory, int volumes, int torrents);
}
