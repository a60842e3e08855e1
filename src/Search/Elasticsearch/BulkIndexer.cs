using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>Writes one document's JSON (its _source) for a bulk index action.</summary>
public delegate void DocumentWriter<in TState>(Utf8JsonWriter writer, TState state);

/// <summary>An item Elasticsearch did not take: its id, action, status and Elasticsearch's error type and reason.</summary>
public sealed record BulkFailure(string Id, string Action, int Status, string? Type, string? Reason)
{
    public override string ToString() => $"{Action} {Id}: {Status} {Type}: {Reason}";
}

/// <summary>What a bulk load did.</summary>
public sealed record BulkReport
{
    public required long Items { get; init; }

    public required long Failed { get; init; }

    /// <summary>The first failures (at most <see cref="BulkIndexer.MaxFailuresKept"/>); <see cref="Failed"/> counts them all.</summary>
    public required IReadOnlyList<BulkFailure> Failures { get; init; }

    public required long Requests { get; init; }

    /// <summary>NDJSON bytes sent, retries included.</summary>
    public required long Bytes { get; init; }

    /// <summary>Items sent again after Elasticsearch rejected them with 429 (its write queue was full).</summary>
    public required long ItemRetries { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public long Succeeded => Items - Failed;
}

/// <summary>
/// Streams index and delete actions into _bulk requests of at most <see cref="ElasticsearchOptions.BulkBytes"/>
/// (a single larger document goes alone), with up to <see cref="ElasticsearchOptions.BulkConcurrency"/> requests
/// in flight. Items Elasticsearch rejects with 429 are sent again on their own with back-off; other item errors
/// are reported, never silently dropped. Use from one thread; await <see cref="CompleteAsync"/> at the end.
/// </summary>
public sealed class BulkIndexer : IAsyncDisposable
{
    public const int MaxFailuresKept = 100;

    private readonly ElasticsearchClient _client;
    private readonly JsonEncodedText _index;
    private readonly Refresh _refresh;
    private readonly bool _requireAlias;
    private readonly int _limit;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<BulkBuffer> _spare = [];
    private readonly List<Task> _inFlight = [];
    private readonly ConcurrentQueue<BulkFailure> _failures = new();
    private readonly Utf8JsonWriter _writer;
    private readonly long _started = Stopwatch.GetTimestamp();
    private BulkBuffer _current;
    private Exception? _fault;
    private long _items;
    private long _acknowledged;
    private long _failed;
    private long _requests;
    private long _bytes;
    private long _itemRetries;

    /// <summary>A writer into <paramref name="index"/> (with <paramref name="requireAlias"/>, an alias that must exist).</summary>
    public BulkIndexer(ElasticsearchClient client, string index, Refresh refresh = Refresh.False, bool requireAlias = false)
    {
        _requireAlias = requireAlias;
        _client = client;
        _index = JsonEncodedText.Encode(index);
        _refresh = refresh;
        _limit = client.Options.BulkBytes;
        _slots = new SemaphoreSlim(client.Options.BulkConcurrency);
        _current = Rent();
        _writer = new Utf8JsonWriter(_current, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Items Elasticsearch has answered for so far (taken or failed), for progress.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Bytes sent so far.</summary>
    public long BytesSent => Interlocked.Read(ref _bytes);

    /// <summary>Adds an index action (create or replace the whole document).</summary>
    public ValueTask IndexAsync<TState>(DocumentId id, TState state, DocumentWriter<TState> document, CancellationToken cancellationToken = default)
    {
        ThrowIfFaulted();
        _current.BeginItem(id);
        WriteAction("index"u8, id);
        _writer.Reset(_current);
        document(_writer, state);
        _writer.Flush();
        _current.Write("\n"u8);
        return ItemAdded(cancellationToken);
    }

    /// <summary>Adds a delete action (a missing document is not an error).</summary>
    public ValueTask DeleteAsync(DocumentId id, CancellationToken cancellationToken = default)
    {
        ThrowIfFaulted();
        _current.BeginItem(id);
        WriteAction("delete"u8, id);
        return ItemAdded(cancellationToken);
    }

    /// <summary>Sends what is left, waits for every request, and says what happened.</summary>
    public async Task<BulkReport> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_current.Count > 0)
        {
            await DispatchAsync(Rent(), cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(_inFlight).ConfigureAwait(false);
        _inFlight.Clear();
        ThrowIfFaulted();
        return new BulkReport
        {
            Items = _items,
            Failed = Interlocked.Read(ref _failed),
            Failures = [.. _failures],
            Requests = Interlocked.Read(ref _requests),
            Bytes = Interlocked.Read(ref _bytes),
            ItemRetries = Interlocked.Read(ref _itemRetries),
            Elapsed = Stopwatch.GetElapsedTime(_started),
        };
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_inFlight).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ElasticsearchException or OperationCanceledException)
        {
            // Already surfaced, or the caller gave up.
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        _current.Dispose();
        while (_spare.TryTake(out var spare))
        {
            spare.Dispose();
        }

        _slots.Dispose();
    }

    private void WriteAction(ReadOnlySpan<byte> action, DocumentId id)
    {
        _writer.Reset(_current);
        _writer.WriteStartObject();
        _writer.WriteStartObject(action);
        _writer.WriteString("_index"u8, _index);
        id.WriteTo(_writer, "_id");
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.Flush();
        _current.Write("\n"u8);
    }

    private ValueTask ItemAdded(CancellationToken cancellationToken)
    {
        _items++;
        if (_current.Length < _limit)
        {
            return ValueTask.CompletedTask;
        }

        // Over the limit: send what fitted, and start the next request with the item that did not (alone if need be).
        var next = Rent();
        if (_current.Count > 1 && _current.Length > _limit)
        {
            _current.MoveLastTo(next);
        }

        return new ValueTask(DispatchAsync(next, cancellationToken));
    }

    private async Task DispatchAsync(BulkBuffer next, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var batch = _current;
        _current = next;
        _inFlight.RemoveAll(t => t.IsCompleted);
        _inFlight.Add(SendAsync(batch, cancellationToken));
    }

    private async Task SendAsync(BulkBuffer batch, CancellationToken cancellationToken)
    {
        BulkBuffer? retryBuffer = null;
        try
        {
            var items = Enumerable.Range(0, batch.Count).ToList();
            var body = batch.Memory;
            for (var round = 1; ; round++)
            {
                Interlocked.Increment(ref _requests);
                Interlocked.Add(ref _bytes, body.Length);
                var answer = await _client.BulkAsync(body, _refresh, _requireAlias, cancellationToken).ConfigureAwait(false);
                if (answer is null)
                {
                    Interlocked.Add(ref _acknowledged, items.Count);
                    return;
                }

                if (answer.Items.Count != items.Count)
                {
                    throw new ElasticsearchException($"Elasticsearch answered {answer.Items.Count} items for a _bulk of {items.Count}");
                }

                var again = new List<int>();
                for (var i = 0; i < items.Count; i++)
                {
                    var (action, result) = answer.Items[i].First();
                    if (result.Status is >= 200 and < 300 || (action == "delete" && result.Status == 404))
                    {
                        Interlocked.Increment(ref _acknowledged);
                    }
                    else if (result.Status == 429 && round <= _client.Options.MaxRetries)
                    {
                        again.Add(items[i]);
                    }
                    else
                    {
                        Fail(new BulkFailure(batch.Id(items[i]).ToString(), action, result.Status, result.Error?.Type, result.Error?.Reason ?? (result.Status == 429 ? $"still rejected after {round} attempts" : null)));
                    }
                }

                if (again.Count == 0)
                {
                    return;
                }

                Interlocked.Add(ref _itemRetries, again.Count);
                await Task.Delay(_client.Backoff(round), cancellationToken).ConfigureAwait(false);
                retryBuffer ??= Rent();
                retryBuffer.Clear();
                foreach (var item in again)
                {
                    retryBuffer.Write(batch.Item(item));
                }

                items = again;
                body = retryBuffer.Memory;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _fault, e, null);
            throw;
        }
        finally
        {
            Return(batch);
            if (retryBuffer is not null)
            {
                Return(retryBuffer);
            }

            _slots.Release();
        }
    }

    private void Fail(BulkFailure failure)
    {
        Interlocked.Increment(ref _acknowledged);
        if (Interlocked.Increment(ref _failed) <= MaxFailuresKept)
        {
            _failures.Enqueue(failure);
        }
    }

    private void ThrowIfFaulted()
    {
        if (_fault is { } fault)
        {
            throw new ElasticsearchException($"a bulk request failed: {fault.Message}", fault);
        }
    }

    private BulkBuffer Rent()
    {
        if (_spare.TryTake(out var buffer))
        {
            buffer.Clear();
            return buffer;
        }

        return new BulkBuffer(Math.Min(_limit + (_limit / 4), 16 * 1024 * 1024));
    }

    private void Return(BulkBuffer buffer)
    {
        buffer.Clear();
        _spare.Add(buffer);
    }
}
