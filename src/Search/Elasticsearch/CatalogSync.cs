using System.Diagnostics;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Catalog.Torrents;
using LibraryCluster.Search.Elasticsearch.Json;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>Progress of a full index: records sent and acknowledged out of the catalogue's total.</summary>
public readonly record struct IndexProgress(long Read, long Acknowledged, long Total, long Bytes, TimeSpan Elapsed)
{
    public double RecordsPerSecond => Elapsed.TotalSeconds > 0 ? Acknowledged / Elapsed.TotalSeconds : 0;
}

/// <summary>What a full index did.</summary>
public sealed record RebuildReport(string Index, IReadOnlyList<string> Previous, IReadOnlyList<string> Deleted, long Records, BulkReport Bulk, TimeSpan Elapsed);

/// <summary>What one incremental push sent.</summary>
public sealed record PushReport(long Indexed, long Deleted, long HeldTorrents, long NotHeldTorrents, IReadOnlyList<BulkFailure> Failures)
{
    public bool Nothing => Indexed == 0 && Deleted == 0 && HeldTorrents == 0 && NotHeldTorrents == 0;
}

/// <summary>
/// Keeps the Elasticsearch index true to a SQLite catalogue. <see cref="RebuildAsync"/> builds a new versioned
/// index from every record and swaps the alias to it in one step (searches never see a half-built index);
/// <see cref="PushChangesAsync"/> sends what the <see cref="CatalogOutbox"/> noted since (records as whole
/// documents, held flags as partial updates of held_by that never resend a record); <see cref="SetHeldAsync"/>
/// is that partial update.
/// </summary>
public sealed class CatalogSync(ElasticsearchClient client, TimeProvider? time = null)
{
    /// <summary>Records read from the catalogue per query (keyset paging: no long-lived read transaction).</summary>
    public const int ReadBatch = 5_000;

    /// <summary>Torrents per update by query (well under index.max_terms_count, 65,536).</summary>
    public const int TorrentsPerUpdate = 5_000;

    private const string HeldScript = """
        if (ctx._source.held_by == null) { ctx._source.held_by = new ArrayList(); }
        if (params.held) {
          if (ctx._source.held_by.contains(params.node)) { ctx.op = 'noop'; } else { ctx._source.held_by.add(params.node); }
        } else if (ctx._source.held_by.removeIf(n -> n == params.node)) {
          if (ctx._source.held_by.isEmpty()) { ctx._source.remove('held_by'); }
        } else { ctx.op = 'noop'; }
        """;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private ElasticsearchOptions Options => client.Options;

    /// <summary>
    /// Indexes the whole catalogue into a new versioned index and points the alias at it: template, index (no
    /// replicas, no refresh while loading), every record by key, serving settings, refresh, a check that the
    /// index holds every record and answers exact lookups, then the atomic alias swap. Older versions are
    /// deleted unless <paramref name="keepOld"/>. On any failure the new index is deleted and the alias left as it was.
    /// </summary>
    public async Task<RebuildReport> RebuildAsync(CatalogStore store, IProgress<IndexProgress>? progress = null, bool keepOld = false, Refresh refresh = Refresh.False, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        CatalogOutbox.Install(store);

        // Everything written after this point is noted again, and pushed to the new index once it serves.
        CatalogOutbox.Clear(store);
        var alias = Options.Alias;
        var index = CatalogIndex.VersionedName(alias, _time.GetUtcNow());
        await client.PutIndexTemplateAsync(alias, CatalogIndex.TemplateBody(alias), cancellationToken).ConfigureAwait(false);
        await client.CreateIndexAsync(index, CatalogIndex.CreateBody(Options), cancellationToken).ConfigureAwait(false);
        try
        {
            var total = store.CountRecords();
            var held = TorrentRegistration.Held(store.Connection);
            var heldBy = new[] { Options.NodeId };
            long read = 0;
            BulkReport report;
            await using (var bulk = new BulkIndexer(client, index))
            {
                var lastReport = Stopwatch.GetTimestamp();
                foreach (var batch in Batches(store, cancellationToken))
                {
                    foreach (var record in batch)
                    {
                        var holders = record.Torrent is { } t && held.Contains(((int)record.Collection, t)) ? heldBy : null;
                        await bulk.IndexAsync(CatalogDocuments.Id(record), (record, holders), WriteDocument, cancellationToken).ConfigureAwait(false);
                    }

                    read += batch.Count;
                    if (progress is not null && Stopwatch.GetElapsedTime(lastReport) > TimeSpan.FromMilliseconds(250))
                    {
                        lastReport = Stopwatch.GetTimestamp();
                        progress.Report(new IndexProgress(read, bulk.Acknowledged, total, bulk.BytesSent, Stopwatch.GetElapsedTime(started)));
                    }
                }

                report = await bulk.CompleteAsync(cancellationToken).ConfigureAwait(false);
                progress?.Report(new IndexProgress(read, bulk.Acknowledged, total, bulk.BytesSent, Stopwatch.GetElapsedTime(started)));
            }

            if (report.Failed > 0)
            {
                throw new ElasticsearchException($"{report.Failed:N0} of {report.Items:N0} records were refused, e.g. {string.Join("; ", report.Failures.Take(3))}; the alias still points at the previous index");
            }

            await client.PutSettingsAsync(index, CatalogIndex.ServingSettings(Options), cancellationToken).ConfigureAwait(false);
            await client.RefreshAsync(index, cancellationToken).ConfigureAwait(false);
            await CheckAsync(store, index, read, cancellationToken).ConfigureAwait(false);

            var previous = await client.GetAliasAsync(alias, cancellationToken).ConfigureAwait(false);
            await client.SwapAliasAsync(alias, index, previous, cancellationToken).ConfigureAwait(false);
            if (refresh != Refresh.False)
            {
                await client.RefreshAsync(alias, cancellationToken).ConfigureAwait(false);
            }

            var deleted = new List<string>();
            if (!keepOld)
            {
                foreach (var old in previous.Where(p => p != index))
                {
                    if (await client.DeleteIndexAsync(old, cancellationToken).ConfigureAwait(false))
                    {
                        deleted.Add(old);
                    }
                }
            }

            return new RebuildReport(index, previous, deleted, read, report, Stopwatch.GetElapsedTime(started));
        }
        catch
        {
            await DeleteQuietlyAsync(index).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Sends what changed since the last push: changed records as whole documents (deleted ones as deletes) and
    /// torrents whose held flag flipped as partial updates of held_by. Each outbox row is removed only once
    /// Elasticsearch took it.
    /// </summary>
    public async Task<PushReport> PushChangesAsync(CatalogStore store, Refresh refresh = Refresh.False, CancellationToken cancellationToken = default)
    {
        long indexed = 0, deleted = 0, heldCount = 0, notHeldCount = 0;
        var failures = new List<BulkFailure>();
        var held = new Lazy<HashSet<(int Collection, string Name)>>(() => TorrentRegistration.Held(store.Connection));
        var heldBy = new[] { Options.NodeId };
        var (pendingRecords, pendingTorrents) = CatalogOutbox.Pending(store);
        if (pendingRecords + pendingTorrents == 0)
        {
            return new PushReport(0, 0, 0, 0, failures);
        }

        if ((await client.GetAliasAsync(Options.Alias, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            throw new ElasticsearchException($"there is no index behind the alias {Options.Alias} yet: build one first (libcluster elastic index)", 404, "index_not_found_exception");
        }

        while (CatalogOutbox.ChangedRecords(store, ReadBatch) is { Count: > 0 } changed)
        {
            var records = Read(store, changed.Select(c => c.Key));
            await using var bulk = new BulkIndexer(client, Options.Alias, refresh, requireAlias: true);
            foreach (var (key, _) in changed)
            {
                if (records.TryGetValue(key, out var record))
                {
                    var holders = record.Torrent is { } t && held.Value.Contains(((int)record.Collection, t)) ? heldBy : null;
                    await bulk.IndexAsync(CatalogDocuments.Id(record), (record, holders), WriteDocument, cancellationToken).ConfigureAwait(false);
                    indexed++;
                }
                else
                {
                    await bulk.DeleteAsync(CatalogDocuments.Id((Collection)(key >> 40), key & ((1L << 40) - 1)), cancellationToken).ConfigureAwait(false);
                    deleted++;
                }
            }

            var report = await bulk.CompleteAsync(cancellationToken).ConfigureAwait(false);
            failures.AddRange(report.Failures);
            var refused = report.Failures.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
            CatalogOutbox.Done(store, changed.Where(c => !refused.Contains(CatalogDocuments.Id((Collection)(c.Key >> 40), c.Key & ((1L << 40) - 1)).ToString())));
            if (report.Failed > 0)
            {
                // Refused records stay in the outbox; stop rather than loop over them.
                break;
            }
        }

        while (CatalogOutbox.ChangedTorrents(store, TorrentsPerUpdate) is { Count: > 0 } torrents)
        {
            var nowHeld = torrents.Where(t => t.Held).Select(t => t.Name).ToList();
            var notHeld = torrents.Where(t => !t.Held).Select(t => t.Name).ToList();
            await SetHeldAsync(nowHeld, held: true, refresh, cancellationToken).ConfigureAwait(false);
            await SetHeldAsync(notHeld, held: false, refresh, cancellationToken).ConfigureAwait(false);
            heldCount += nowHeld.Count;
            notHeldCount += notHeld.Count;
            CatalogOutbox.Done(store, torrents.Select(t => (t.Collection, t.Name, t.Seq)));
        }

        return new PushReport(indexed, deleted, heldCount, notHeldCount, failures);
    }

    /// <summary>
    /// Adds this node to (or removes it from) held_by on every record of these torrents, in Elasticsearch, by an
    /// update by query whose query matches only records that need the change; version conflicts (another node
    /// updating the same records) are retried.
    /// </summary>
    public async Task<long> SetHeldAsync(IReadOnlyList<string> torrents, bool held, Refresh refresh = Refresh.False, CancellationToken cancellationToken = default)
    {
        long updated = 0;
        foreach (var chunk in torrents.Chunk(TorrentsPerUpdate))
        {
            var body = HeldUpdateBody(chunk, held, Options.NodeId);
            for (var attempt = 1; ; attempt++)
            {
                var answer = await client.UpdateByQueryAsync(Options.Alias, body, refresh, cancellationToken).ConfigureAwait(false);
                updated += answer.Updated;
                if (answer.Failures.Count > 0)
                {
                    throw new ElasticsearchException($"updating held_by failed on {answer.Failures.Count} records, e.g. {answer.Failures[0].GetRawText()}");
                }

                if (answer.VersionConflicts == 0 && !answer.TimedOut)
                {
                    break;
                }

                if (attempt > Options.MaxRetries)
                {
                    throw new ElasticsearchException($"updating held_by still met {answer.VersionConflicts} version conflicts after {attempt} attempts");
                }

                await Task.Delay(client.Backoff(attempt), _time, cancellationToken).ConfigureAwait(false);
            }
        }

        return updated;
    }

    /// <summary>The _update_by_query body that adds or removes <paramref name="node"/> in held_by for these torrents' records.</summary>
    public static byte[] HeldUpdateBody(IReadOnlyList<string> torrents, bool held, string node) => ElasticsearchClient.WriteJson(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("query");
        writer.WriteStartObject("bool");
        writer.WriteStartArray("filter");
        writer.WriteStartObject();
        writer.WriteStartObject("terms");
        writer.WriteStartArray("torrent");
        foreach (var torrent in torrents)
        {
            writer.WriteStringValue(torrent);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
        if (!held)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("term");
            writer.WriteString("held_by", node);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (held)
        {
            writer.WriteStartArray("must_not");
            writer.WriteStartObject();
            writer.WriteStartObject("term");
            writer.WriteString("held_by", node);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("script");
        writer.WriteString("lang", "painless");
        writer.WriteString("source", HeldScript.ReplaceLineEndings(" "));
        writer.WriteStartObject("params");
        writer.WriteBoolean("held", held);
        writer.WriteString("node", node);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    });


    private static void WriteDocument(System.Text.Json.Utf8JsonWriter writer, (CatalogRecord Record, string[]? HeldBy) item) =>
        CatalogDocuments.Write(writer, item.Record, item.HeldBy);

    /// <summary>Every record, in key order, a batch per query.</summary>
    private static IEnumerable<List<CatalogRecord>> Batches(CatalogStore store, CancellationToken cancellationToken)
    {
        var after = long.MinValue;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var command = store.Connection.CreateCommand();
            command.CommandText = $"SELECT {CatalogStore.RecordColumns}, key FROM records WHERE key > $after ORDER BY key LIMIT {ReadBatch}";
            command.Parameters.AddWithValue("$after", after);
            var batch = new List<CatalogRecord>(ReadBatch);
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    batch.Add(CatalogStore.ReadRecord(reader));
                    after = reader.GetInt64(26);
                }
            }

            if (batch.Count == 0)
            {
                yield break;
            }

            yield return batch;
        }
    }

    private static Dictionary<long, CatalogRecord> Read(CatalogStore store, IEnumerable<long> keys)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = $"SELECT {CatalogStore.RecordColumns}, key FROM records WHERE key IN ({string.Join(',', keys)})";
        using var reader = command.ExecuteReader();
        var records = new Dictionary<long, CatalogRecord>();
        while (reader.Read())
        {
            records[reader.GetInt64(26)] = CatalogStore.ReadRecord(reader);
        }

        return records;
    }

    /// <summary>
    /// Before the swap: the new index must hold every record sent, and answer exact lookups of a sample (an MD5, an
    /// ISBN and a DOI from the catalogue) in one _msearch, as the searches it is about to serve will ask.
    /// </summary>
    private async Task CheckAsync(CatalogStore store, string index, long sent, CancellationToken cancellationToken)
    {
        var count = await client.CountAsync(index, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (count != sent)
        {
            throw new ElasticsearchException($"the new index {index} holds {count:N0} documents where {sent:N0} records were sent; the alias still points at the previous index");
        }

        var samples = Samples(store);
        if (samples.Count == 0)
        {
            return;
        }

        var bodies = samples.Select(s => (ReadOnlyMemory<byte>)CatalogQuery.Body(
            CatalogQuery.Query(QueryText.Parse(s.Text), new SearchQuery { Text = s.Text, IncludeHidden = true }),
            QueryText.Parse(s.Text),
            new SearchQuery { Text = s.Text, IncludeHidden = true },
            new SearchPage { Size = 10, Aggregations = false, TrackTotalHitsUpTo = 1, Timeout = Options.TimeBudget })).ToList();
        var answers = await client.MultiSearchAsync(index, bodies, ElasticsearchJsonContext.Default.MultiSearchResponseCatalogDocument, Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < samples.Count; i++)
        {
            if (answers[i].Error is { } error)
            {
                throw new ElasticsearchException($"the new index {index} failed a lookup of {samples[i].Text}: {error}; the alias still points at the previous index");
            }

            if (!answers[i].Hits.Hits.Any(h => h.Source is { } d && d.Collection == CatalogDocuments.CollectionName(samples[i].Record.Collection) && d.Id == samples[i].Record.Id))
            {
                throw new ElasticsearchException($"the new index {index} does not find {samples[i].Record.Collection} {samples[i].Record.Id} by {samples[i].Text}; the alias still points at the previous index");
            }
        }
    }

    private static List<(string Text, CatalogRecord Record)> Samples(CatalogStore store)
    {
        var samples = new List<(string, CatalogRecord)>();
        foreach (var condition in new[] { "md5 IS NOT NULL", "isbns <> ''", "doi IS NOT NULL" })
        {
            using var command = store.Connection.CreateCommand();
            command.CommandText = $"SELECT {CatalogStore.RecordColumns} FROM records WHERE {condition} ORDER BY key DESC LIMIT 1";
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                var record = CatalogStore.ReadRecord(reader);
                var text = condition.StartsWith("md5", StringComparison.Ordinal) ? record.Md5! : condition.StartsWith("isbns", StringComparison.Ordinal) ? record.Isbns[0] : record.Doi!;
                if (QueryText.Parse(text).Mode is SearchMode.Md5 or SearchMode.Isbn or SearchMode.Doi)
                {
                    samples.Add((text, record));
                }
            }
        }

        return samples;
    }

    private async Task DeleteQuietlyAsync(string index)
    {
        try
        {
            await client.DeleteIndexAsync(index, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ElasticsearchException)
        {
            // The original failure is what matters; a leftover index is named in docs/search.md's clean-up.
        }
    }
}
