namespace LibraryCluster.Cluster.Tests;

/// <summary>A stretch of time during which a torrent that had been Healthy had no Healthy copy on an Up node.</summary>
public sealed record CopyGap(string Torrent, DateTimeOffset From, DateTimeOffset? To, string Copies)
{
    public override string ToString() =>
        $"{Torrent} had no Healthy copy on an Up node from {From:HH:mm:ss.fff} to {(To is { } to ? to.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) : "the end")} (copies then: {Copies})";
}

/// <summary>A node's or volume's state as the watch first saw it change.</summary>
public sealed record StateChange(DateTimeOffset SeenAt, string Kind, string Id, string From, string To, string Reason);

/// <summary>
/// Polls the replicas, nodes and volumes tables every 200 ms for the whole test and records every gap in a
/// torrent's Healthy copies (after the torrent first became Healthy) and every node and volume state change.
/// While the database is down nothing can change in it, so the reads that fail then hide nothing.
/// </summary>
public sealed class ClusterWatch : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly ClusterTables _tables;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly HashSet<string> _everHealthy = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CopyGap> _open = new(StringComparer.Ordinal);
    private readonly List<CopyGap> _gaps = [];
    private readonly List<StateChange> _changes = [];
    private readonly Dictionary<string, string> _states = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public ClusterWatch(ClusterTables tables)
    {
        _tables = tables;
        _loop = Task.Run(LoopAsync);
    }

    public int Reads { get; private set; }

    public int FailedReads { get; private set; }

    /// <summary>Every gap so far, those still open included.</summary>
    public IReadOnlyList<CopyGap> Gaps
    {
        get
        {
            lock (_lock)
            {
                return [.. _gaps, .. _open.Values];
            }
        }
    }

    public IReadOnlyList<StateChange> Changes
    {
        get
        {
            lock (_lock)
            {
                return [.. _changes];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Observe(await _tables.ReadAsync(_stop.Token));
                Reads++;
            }
            // The database being away (the restart step) is expected; a query the server rejects (SQLSTATE class 42:
            // a table or column that is not there) is a broken watch and must not pass for an outage.
            catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or IOException
                && e is not Npgsql.PostgresException { SqlState: ['4', '2', ..] })
            {
                FailedReads++;
            }

            await Task.Delay(Interval, _stop.Token);
        }
    }

    private void Observe(ClusterState state)
    {
        lock (_lock)
        {
            foreach (var node in state.Nodes)
            {
                Note("node", node.Id, node.State, node.Reason, state.ReadAt);
            }

            foreach (var volume in state.Volumes)
            {
                Note("volume", volume.Id, volume.State, volume.Reason, state.ReadAt);
            }

            foreach (var torrent in state.Torrents)
            {
                var healthy = state.Usable(torrent).Count;
                if (healthy > 0)
                {
                    _everHealthy.Add(torrent);
                    if (_open.Remove(torrent, out var gap))
                    {
                        _gaps.Add(gap with { To = state.ReadAt });
                    }
                }
                else if (_everHealthy.Contains(torrent) && !_open.ContainsKey(torrent))
                {
                    var copies = string.Join(", ", state.Of(torrent).Select(r => $"{r.VolumeId} {r.State} on a {state.Node(r.Node)?.State ?? "missing"} node"));
                    _open[torrent] = new CopyGap(torrent, state.ReadAt, null, copies.Length == 0 ? "none" : copies);
                }
            }
        }
    }

    private void Note(string kind, string id, string to, string reason, DateTimeOffset at)
    {
        var key = $"{kind}:{id}";
        var from = _states.GetValueOrDefault(key);
        if (from != to)
        {
            _states[key] = to;
            _changes.Add(new StateChange(at, kind, id, from ?? "(new)", to, reason));
        }
    }
}
