using LibraryCluster.Actors.Node;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Catalog.Torrents;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Search.Elasticsearch;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Search;

/// <summary>
/// With the Elasticsearch backend, keeps its index true to this node: builds the first index from the catalogue
/// when the alias has none (searches meanwhile come from SQLite), then every <c>SyncInterval</c> sends what the
/// catalogue's outbox noted (records changed by imports, torrents whose "held" flag the node flipped as replicas
/// became Healthy or Lost), waking early when a replica changes and gathering changes for <c>HeldBatchDelay</c>
/// so they go as one update. When another node rebuilt the index, this node adds itself again to held_by for
/// everything it holds. Does nothing with the SQLite backend.
/// </summary>
public sealed partial class ElasticsearchSyncService(
    IOptions<SearchOptions> search,
    IOptions<NodeOptions> node,
    MirrorNode mirror,
    IServiceProvider services,
    ILogger<ElasticsearchSyncService> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!search.Value.UsesElasticsearch)
        {
            return;
        }

        var options = search.Value.Elasticsearch;
        var client = services.GetRequiredService<ElasticsearchClient>();
        LogConfigured(logger, options.Describe());
        using var store = CatalogStore.Open(node.Value.CatalogPath);
        CatalogOutbox.Install(store);
        var sync = new CatalogSync(client);
        mirror.View.Changed += Wake;
        try
        {
            string? served = null;
            var failures = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                var delay = options.SyncInterval;
                try
                {
                    served = await SyncOnceAsync(sync, client, store, served, stoppingToken).ConfigureAwait(false);
                    failures = 0;
                }
                catch (ElasticsearchException e)
                {
                    failures++;
                    LogUnavailable(logger, e.Message);
                    delay = TimeSpan.FromSeconds(Math.Min(60, options.SyncInterval.TotalSeconds * Math.Pow(2, Math.Min(failures, 6))));
                }

                if (await _wake.WaitAsync(delay, stoppingToken).ConfigureAwait(false))
                {
                    // A replica changed: let the others that change with it (a failed disk's) arrive, then send them together.
                    await Task.Delay(options.HeldBatchDelay, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            mirror.View.Changed -= Wake;
        }
    }

    private async Task<string?> SyncOnceAsync(CatalogSync sync, ElasticsearchClient client, CatalogStore store, string? served, CancellationToken cancellationToken)
    {
        var options = client.Options;
        var indices = await client.GetAliasAsync(options.Alias, cancellationToken).ConfigureAwait(false);
        if (indices.Count == 0)
        {
            LogBuilding(logger, options.Alias, store.CountRecords());
            var report = await sync.RebuildAsync(store, new Progress(logger), cancellationToken: cancellationToken).ConfigureAwait(false);
            LogBuilt(logger, report.Index, options.Alias, report.Records, report.Elapsed.TotalSeconds, report.Records / Math.Max(0.001, report.Elapsed.TotalSeconds));
            return report.Index;
        }

        if (indices[0] != served)
        {
            // First look, or another node rebuilt the index knowing only what it held: say again what this node holds.
            var held = TorrentRegistration.Held(store.Connection).Select(t => t.Name).ToList();
            var updated = await sync.SetHeldAsync(held, held: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogAsserted(logger, indices[0], held.Count, updated);
        }

        var push = await sync.PushChangesAsync(store, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!push.Nothing)
        {
            LogPushed(logger, push.Indexed, push.Deleted, push.HeldTorrents, push.NotHeldTorrents);
        }

        foreach (var failure in push.Failures.Take(5))
        {
            LogRefused(logger, failure.ToString());
        }

        return indices[0];
    }

    private void Wake(string torrent)
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    /// <summary>Logs a full index's progress every ten seconds.</summary>
    private sealed class Progress(ILogger logger) : IProgress<IndexProgress>
    {
        private DateTime _next = DateTime.UtcNow.AddSeconds(10);

        public void Report(IndexProgress value)
        {
            if (DateTime.UtcNow >= _next || value.Acknowledged == value.Total)
            {
                _next = DateTime.UtcNow.AddSeconds(10);
                LogProgress(logger, value.Acknowledged, value.Total, value.RecordsPerSecond, value.Bytes / 1e6 / Math.Max(0.001, value.Elapsed.TotalSeconds));
            }
        }
    }

    [LoggerMessage(9101, LogLevel.Information, "search: Elasticsearch backend, {Settings}")]
    private static partial void LogConfigured(ILogger logger, string settings);

    [LoggerMessage(9102, LogLevel.Information, "search: no index behind {Alias} yet; indexing the catalogue's {Records} records (searches come from SQLite until it is done)")]
    private static partial void LogBuilding(ILogger logger, string alias, long records);

    [LoggerMessage(9103, LogLevel.Information, "search: indexed {Acknowledged}/{Total} records, {Rate:N0} records/s, {Megabytes:0.0} MB/s")]
    private static partial void LogProgress(ILogger logger, long acknowledged, long total, double rate, double megabytes);

    [LoggerMessage(9104, LogLevel.Information, "search: {Index} is behind {Alias}: {Records} records in {Seconds:0.0} s ({Rate:N0}/s)")]
    private static partial void LogBuilt(ILogger logger, string index, string alias, long records, double seconds, double rate);

    [LoggerMessage(9105, LogLevel.Information, "search: {Index}: this node holds {Torrents} torrents; {Updated} records newly marked held")]
    private static partial void LogAsserted(ILogger logger, string index, int torrents, long updated);

    [LoggerMessage(9106, LogLevel.Information, "search: sent {Indexed} changed and {Deleted} deleted records, {Held} torrents now held, {NotHeld} no longer")]
    private static partial void LogPushed(ILogger logger, long indexed, long deleted, long held, long notHeld);

    [LoggerMessage(9107, LogLevel.Warning, "search: Elasticsearch refused a record (it stays queued): {Failure}")]
    private static partial void LogRefused(ILogger logger, string failure);

    [LoggerMessage(9108, LogLevel.Warning, "search: cannot sync with Elasticsearch (will retry; changes wait in the catalogue's outbox): {Message}")]
    private static partial void LogUnavailable(ILogger logger, string message);
}
