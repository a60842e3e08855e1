using System.Diagnostics;
using System.Globalization;
using LibraryCluster.Samples;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace LibraryCluster.Cluster.Tests;

/// <summary>
/// The chaos test (docs/cluster-chaos.md): four node processes, two volumes each, zones zone1/zone2 alternating,
/// replication factor 2, over a private PostgreSQL and about 20 torrents. Faults come one after another — a
/// volume's directory deleted, bits flipped in a Healthy copy, a node killed with SIGKILL until it is Out, the
/// database stopped and started under the running nodes, the killed node started again — and after each the test
/// waits (60 s at most) for every torrent to have two Healthy copies on distinct Up nodes again and then exactly two
/// copies and nothing else, downloads a spread of files through every Up node and checks their MD5s, and reads the
/// journal for the step's story. A background watch checks all along that no torrent that had been Healthy is ever
/// left without a Healthy copy. Problems that do not stop the run are collected and fail the test at the end.
/// </summary>
[Trait("Category", "Chaos")]
public sealed partial class ClusterChaosTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int NodeCount = 4;
    private const int Factor = 2;
    private static readonly TimeSpan DownOut = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StepLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(4.5);

    /// <summary>How long the database stays down in step 4: longer than the 5 s heartbeat lease.</summary>
    private static readonly TimeSpan DatabaseOutage = TimeSpan.FromSeconds(8);

    /// <summary>Three reconcile intervals without a journal entry or a change to the tables: whatever is left will stay.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(6);

    private readonly CancellationTokenSource _budget = new(Budget);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ChaosFigures _figures = new();
    private readonly DownloadChecker _downloads = new();
    private readonly HashSet<string> _stopped = new(StringComparer.Ordinal);

    /// <summary>Problems that do not stop the run (later steps still tell something); asserted at the end.</summary>
    private readonly List<string> _findings = [];

    private DateTimeOffset _ready;
    private LocalCluster? _cluster;
    private ClusterWatch? _watch;

    private LocalCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster did not start");

    private ClusterWatch Watch => _watch ?? throw new InvalidOperationException("the cluster did not start");

    private CancellationToken Token => _budget.Token;

    private IReadOnlyList<string> RunningIds => [.. Cluster.Nodes.Where(n => !_stopped.Contains(n.Id)).Select(n => n.Id)];

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync(NodeCount, Factor, DownOut, StartLimit, Token);
        _watch = new ClusterWatch(_cluster.Tables);
        _ready = DateTimeOffset.UtcNow;
        _figures.Time("start", "sample made, PostgreSQL and 4 node processes answering /readyz", _clock.Elapsed);
        Log($"{NodeCount} nodes ready ({string.Join(", ", Cluster.Nodes.Select(n => $"{n.Id} {n.Zone} {n.Endpoint}"))}); " +
            $"{Cluster.Sample.Manifest.Torrents.Count} torrents, {Cluster.Sample.Manifest.DataBytes / 1e6:0.0} MB, all on node1/a");
    }

    public async Task DisposeAsync()
    {
        if (_watch is not null)
        {
            await _watch.DisposeAsync();
        }

        if (_cluster is not null)
        {
            Log($"node logs kept in {_cluster.KeepLogs()}");
            await _cluster.DisposeAsync();
        }

        _downloads.Dispose();
        _budget.Dispose();
    }

    [Fact]
    public async Task Every_Torrent_Keeps_Two_Healthy_Copies_Through_Volume_Loss_Bit_Rot_Node_Loss_Database_Restart_And_Node_Return()
    {
        await InitialSpreadAsync();
        var failedVolumeNode = await VolumeFailsAsync();
        await BitsFlipAsync(avoid: failedVolumeNode);
        var killed = await NodeIsKilledAsync(avoid: failedVolumeNode);
        await DatabaseRestartsAsync();
        await KilledNodeReturnsAsync(killed);

        _figures.Note($"whole run {_clock.Elapsed.TotalSeconds:0} s; the watch read the tables {Watch.Reads} times ({Watch.FailedReads} reads failed while the database was down)");
        Log("figures:\n" + _figures.Render());

        var gaps = Watch.Gaps;
        Assert.True(
            gaps.Count == 0 && _findings.Count == 0 && Watch.Reads > 0,
            $"{gaps.Count} times a torrent was left without a Healthy copy on an Up node{(gaps.Count == 0 ? "" : $":\n- {string.Join("\n- ", gaps)}")}\n" +
            $"the watch read the tables {Watch.Reads} times\n" +
            $"{_findings.Count} other problems found along the way{(_findings.Count == 0 ? "" : $":\n- {string.Join("\n- ", _findings)}")}\n\n" +
            $"node and volume changes the watch saw:\n{string.Join('\n', Watch.Changes.Select(c => $"  {c.SeenAt:HH:mm:ss.fff} {c.Kind} {c.Id} {c.From} → {c.To} ({c.Reason})"))}");
    }

    /// <summary>Polls <paramref name="attempt"/> every 100 ms until it gives a value; fails naming what did not happen, with the cluster's state and the logs.</summary>
    private async Task<T> PollAsync<T>(string what, TimeSpan limit, Func<CancellationToken, Task<(T? Value, string Problem)>> attempt)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        var problem = "not checked yet";
        while (deadline.Elapsed < limit && !Token.IsCancellationRequested)
        {
            if (Cluster.Nodes.FirstOrDefault(n => !_stopped.Contains(n.Id) && !n.IsRunning) is { } dead)
            {
                throw await FailureAsync($"{dead.Id} exited on its own while waiting for: {what}");
            }

            try
            {
                var (value, now) = await attempt(Token);
                if (value is not null)
                {
                    return value;
                }

                problem = now;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or IOException)
            {
                problem = $"cannot read the cluster database: {e.Message}";
            }
            catch (OperationCanceledException) when (Token.IsCancellationRequested)
            {
                break;
            }

            await Task.Delay(100, CancellationToken.None);
        }

        var why = Token.IsCancellationRequested ? $"the test's budget of {Budget.TotalMinutes} minutes ran out" : $"not within {limit.TotalSeconds:0} s";
        throw await FailureAsync($"{what}: did not happen ({why}). Still: {problem}");
    }

    /// <summary>Waits until <paramref name="problem"/> finds nothing wrong with the cluster's tables.</summary>
    private Task<ClusterState> UntilAsync(string what, TimeSpan limit, Func<ClusterState, string?> problem) =>
        PollAsync(what, limit, async ct =>
        {
            var state = await Cluster.Tables.ReadAsync(ct);
            return problem(state) is { } p ? (null, p) : (state, string.Empty);
        });

    /// <summary>Waits until the journal since <paramref name="since"/> has an entry that <paramref name="match"/> accepts.</summary>
    private Task<JournalRow> UntilJournalAsync(string what, TimeSpan limit, DateTimeOffset since, Func<JournalRow, bool> match) =>
        PollAsync(what, limit, async ct =>
        {
            var journal = await Cluster.Tables.JournalSinceAsync(since.ToUnixTimeMilliseconds(), ct);
            return journal.FirstOrDefault(match) is { } row ? (row, string.Empty) : (null, $"{journal.Count} journal entries since, none matching");
        });

    /// <summary>
    /// Waits until the cluster has healed — every running node Up, every torrent with Healthy copies on two distinct
    /// Up nodes — and then until it has settled: exactly two Healthy copies per torrent and no other copy on an Up
    /// node. A cluster that heals but goes quiet (no journal entry and no change to the tables for <see cref="Quiet"/>,
    /// counted from the start of the wait) short of settling has copies it will never clean up: a finding, and the
    /// run goes on.
    /// </summary>
    private async Task<Settlement> SettledAsync(string what, TimeSpan limit)
    {
        var running = RunningIds;
        var expected = Cluster.Sample.Manifest.Torrents.Count;
        DateTimeOffset? healedAt = null;
        var changedAt = DateTimeOffset.UtcNow;
        var fingerprint = string.Empty;
        var settlement = await PollAsync(what, limit, async ct =>
        {
            var state = await Cluster.Tables.ReadAsync(ct);

            // Not every change is journaled (a rejoin marks copies Verifying in bulk): watch the rows too.
            var now = string.Join('\n', state.Replicas.Select(r => $"{r.VolumeId} {r.Torrent} {r.State} {r.Since}").Concat(state.Nodes.Select(n => $"{n.Id} {n.State}")));
            if (now != fingerprint)
            {
                (fingerprint, changedAt) = (now, state.ReadAt);
            }

            var unhealed = state.Torrents.Count < expected ? $"{state.Torrents.Count} of {expected} torrents registered" : state.Unhealed(running, Factor);
            if (unhealed is not null)
            {
                healedAt = null;
                return (null, unhealed);
            }

            healedAt ??= state.ReadAt;
            if (state.Unsettled(running, Factor) is not { } unsettled)
            {
                return (new Settlement(state, healedAt.Value, state.ReadAt, null), string.Empty);
            }

            var journaled = DateTimeOffset.FromUnixTimeMilliseconds(await Cluster.Tables.LastJournalAtAsync(ct) ?? 0);
            var quiet = state.ReadAt - (journaled > changedAt ? journaled : changedAt);
            return quiet >= Quiet
                ? (new Settlement(state, healedAt.Value, null, state.Leftovers(Factor)), string.Empty)
                : (null, $"healed but not settled yet: {unsettled}");
        });

        if (settlement.Leftovers is { } leftovers)
        {
            Finding($"{what}: every torrent has 2 Healthy copies, but the cluster went quiet ({Quiet.TotalSeconds:0} s without a change) short of exactly 2 per torrent: {leftovers}");
        }

        if (settlement.State.SameZone(Factor) is { Count: > 0 } sameZone)
        {
            Finding($"{what}: copies share a zone although both zones have Up nodes: {string.Join(", ", sameZone)}");
        }

        return settlement;
    }

    /// <summary>Records how long from <paramref name="from"/> the cluster took to heal and to settle.</summary>
    private void HealFigures(string step, string fault, DateTimeOffset from, Settlement settlement)
    {
        _figures.Time(step, $"{fault} → every torrent has 2 Healthy copies", settlement.HealedAt - from);
        if (settlement.SettledAt is { } settled)
        {
            _figures.Time(step, $"{fault} → settled: exactly 2 copies per torrent, nothing else", settled - from);
        }
        else
        {
            _figures.Note($"{step}: never settled to exactly 2 copies per torrent (see the findings)");
        }
    }

    /// <summary>Downloads <paramref name="records"/> through every running node; every body must have the MD5 of its name.</summary>
    private async Task<DownloadReport> DownloadsAsync(string when, IEnumerable<SampleRecord> records, int attempts = 3)
    {
        var nodes = Cluster.Nodes.Where(n => !_stopped.Contains(n.Id)).ToList();
        var report = await _downloads.CheckAsync(nodes, records, attempts, Token);
        Log($"downloads {when} through {string.Join(", ", nodes.Select(n => n.Id))}: {report}");
        if (report.Failures.Count > 0)
        {
            throw await FailureAsync($"downloads {when}: {report}:\n{string.Join('\n', report.Failures.Take(30))}");
        }

        return report;
    }

    /// <summary>A failure message with the cluster's tables and the tail of every node's log.</summary>
    private async Task<XunitException> FailureAsync(string message)
    {
        string state;
        try
        {
            var now = await Cluster.Tables.ReadAsync(CancellationToken.None);
            state = now.Dump();

            // The story of every torrent not as it should be, from the journal.
            var unsettled = now.UnsettledTorrents(Factor);
            var journal = await Cluster.Tables.JournalSinceAsync(0, CancellationToken.None);
            foreach (var torrent in unsettled.Take(5))
            {
                state += $"journal of {torrent}:\n  {string.Join("\n  ", journal.Where(j => j.Torrent == torrent).TakeLast(25).Select(Describe))}\n";
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or IOException)
        {
            state = $"(the cluster database cannot be read: {e.Message})";
        }

        var findings = _findings.Count == 0 ? "" : $"\nfound before:\n- {string.Join("\n- ", _findings)}\n";
        return new XunitException($"{message}\n{findings}\n{state}\nfigures so far:\n{_figures.Render()}\n{Cluster.LogTails(40)}");
    }

    private void Finding(string finding)
    {
        _findings.Add(finding);
        Log($"FINDING: {finding}");
    }

    private void Log(string line) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {line}");

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>How a wait for the cluster to heal and settle ended.</summary>
    private sealed record Settlement(ClusterState State, DateTimeOffset HealedAt, DateTimeOffset? SettledAt, string? Leftovers);
}
