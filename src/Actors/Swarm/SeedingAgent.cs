using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;
using Microsoft.Extensions.Logging;

namespace LibraryCluster.Actors.Swarm;

public abstract record SeedingMessage;

internal sealed record SeedingDue : SeedingMessage;

internal sealed record SeedingPassed(SeedingStatus Status, SeedingPlan Plan, IReadOnlyList<string> Problems) : SeedingMessage;

internal sealed record SeedingFailed(Exception Error) : SeedingMessage;

/// <summary>
/// Keeps the node's BitTorrent daemon seeding exactly what the node holds intact. A pass asks the daemon what
/// changed since the last one (an incremental poll, so thousands of torrents cost little), plans the difference
/// (<see cref="SeedingPlanner"/>) and applies it: adds without hashing (we verified the data), resumes, pauses,
/// removes (files kept), and, when <see cref="SeedingSettings.FetchFromSwarm"/> is on, has the daemon fill copies
/// nobody nearer could supply, which the replica verifies when the daemon is done. Passes run off the actor, one at a time, every <see cref="SeedingSettings.PollInterval"/>
/// and at once when a replica changes state; changes during a pass start one more.
/// </summary>
public sealed class SeedingAgent(SeedingSettings settings, ITorrentEngine engine, MirrorNode node) : Actor<SeedingMessage>
{
    private const string PollTimer = "poll";
    private const int AddsAtOnce = 4;

    // The daemon's torrents as of the last poll; only the running pass touches it.
    private readonly Dictionary<InfoHash, EngineTorrent> _engine = [];

    // Torrents the daemon was asked to fill from the swarm and not yet handed back for verification; also pass-only.
    private readonly HashSet<string> _swarmFetches = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private bool _running;
    private bool _again;
    private int _nudged;
    private string? _lastProblem;
    private ActorRef<SeedingMessage>? _self;

    // A torrent the daemon holds under one of these is ours to manage.
    private readonly string[] _volumeRoots = [.. node.Settings.Volumes.Select(v => v.Path)];

    protected internal override void PreStart()
    {
        _self = Context.Self;
        node.View.Changed += Nudge;
        Context.Timers.StartPeriodic(PollTimer, new SeedingDue(), settings.PollInterval);
        Context.Self.Tell(new SeedingDue());
    }

    protected internal override void PostStop()
    {
        node.View.Changed -= Nudge;
        _stopping.Cancel();
        _stopping.Dispose();
    }

    protected internal override void Receive(SeedingMessage message)
    {
        switch (message)
        {
            case SeedingDue:
                Interlocked.Exchange(ref _nudged, 0);
                if (_running)
                {
                    _again = true;
                    break;
                }

                _running = true;
                var token = _stopping.Token;
                var now = Context.Time.GetUtcNow();
                Context.PipeTo(Task.Run(() => PassAsync(now, token), token), passed => passed, error => new SeedingFailed(error));
                break;
            case SeedingPassed passed:
                _running = false;
                node.Seeding = passed.Status with { LastPass = Context.Time.GetUtcNow() };
                foreach (var fetch in passed.Plan.Fetch)
                {
                    node.TellReplica(fetch.Torrent, new SwarmFetchStarted(engine.Description));
                }

                foreach (var (torrent, share) in passed.Plan.Progress)
                {
                    node.TellReplica(torrent, new SwarmFetchProgressed(share));
                }

                foreach (var torrent in passed.Plan.Verify)
                {
                    node.Verify(torrent, $"the swarm fetch through {engine.Description} completed");
                }

                foreach (var trouble in passed.Plan.Trouble)
                {
                    Context.Logger.LogWarning("{Torrent}: {Detail}; taken out of the daemon and checked again", trouble.Torrent, trouble.Detail);
                    node.ReportReadError(trouble.Torrent, trouble.Detail);
                }

                foreach (var problem in passed.Problems)
                {
                    Context.Logger.LogWarning("seeding: {Problem}", problem);
                }

                Report(passed.Status.Problem);
                PassAgainIfAsked();
                break;
            case SeedingFailed failed:
                _running = false;
                var detail = failed.Error is TorrentEngineException ? failed.Error.Message : $"{failed.Error.GetType().Name}: {failed.Error.Message}";
                node.Seeding = node.Seeding with { Engine = engine.Description, Reachable = false, Problem = detail, LastPass = Context.Time.GetUtcNow() };
                Report(detail);
                PassAgainIfAsked();
                break;
        }
    }

    private void Nudge(string torrent)
    {
        // At most one nudge waits in the mailbox however many replicas change at once.
        if (Interlocked.Exchange(ref _nudged, 1) == 0)
        {
            _self?.Tell(new SeedingDue());
        }
    }

    private void PassAgainIfAsked()
    {
        if (_again)
        {
            _again = false;
            Context.Self.Tell(new SeedingDue());
        }
    }

    /// <summary>Logs a daemon problem when it starts and when it ends, not on every pass.</summary>
    private void Report(string? problem)
    {
        if (problem == _lastProblem)
        {
            return;
        }

        if (problem is null)
        {
            Context.Logger.LogInformation("seeding through {Engine} again", engine.Description);
        }
        else
        {
            Context.Logger.LogWarning("not seeding: {Problem}", problem);
        }

        _lastProblem = problem;
    }

    private async Task<SeedingMessage> PassAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changes = await engine.PollAsync(cancellationToken).ConfigureAwait(false);
        if (changes.FullUpdate)
        {
            _engine.Clear();
        }

        foreach (var gone in changes.Removed)
        {
            _engine.Remove(gone);
        }

        foreach (var torrent in changes.Changed)
        {
            _engine[torrent.Hash] = torrent;
        }

        _swarmFetches.RemoveWhere(name => node.View.Replica(name)?.State is not (ReplicaState.Absent or ReplicaState.Damaged or ReplicaState.Fetching or ReplicaState.Repairing));
        var plan = SeedingPlanner.Plan(node.View.Torrents, node.View.Replica, _engine, _volumeRoots, settings.FetchFromSwarm ? settings.SwarmFetchAfter : null, now, _swarmFetches);
        _swarmFetches.UnionWith(plan.Fetch.Select(f => f.Torrent));
        _swarmFetches.ExceptWith(plan.Verify);
        var problems = new List<string>();
        foreach (var removal in plan.Remove)
        {
            await engine.RemoveAsync(removal.Hash, deleteFiles: false, cancellationToken).ConfigureAwait(false);
            _engine.Remove(removal.Hash);
        }

        if (plan.Pause.Count > 0)
        {
            await engine.PauseAsync(plan.Pause, cancellationToken).ConfigureAwait(false);
        }

        await Parallel.ForEachAsync(plan.Add, new ParallelOptions { MaxDegreeOfParallelism = AddsAtOnce, CancellationToken = cancellationToken }, async (add, cancel) =>
        {
            try
            {
                var metainfo = await ReadTorrentFileAsync(add.Torrent, cancel).ConfigureAwait(false);
                await engine.AddAsync(new TorrentAddRequest { Metainfo = metainfo, SavePath = add.SavePath, SkipChecking = true }, cancel).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or MetainfoException or TorrentEngineException { Kind: EngineErrorKind.InvalidTorrent })
            {
                // One torrent the daemon will not take must not stop the others.
                lock (problems)
                {
                    problems.Add($"{add.Torrent} could not be added: {e.Message}");
                }
            }
        }).ConfigureAwait(false);

        foreach (var fetch in plan.Fetch)
        {
            try
            {
                // A stale entry (seeded before the damage) is replaced, so that the daemon hashes what is there.
                if (_engine.Remove(fetch.Hash))
                {
                    await engine.RemoveAsync(fetch.Hash, deleteFiles: false, cancellationToken).ConfigureAwait(false);
                }

                var metainfo = await ReadTorrentFileAsync(fetch.Torrent, cancellationToken).ConfigureAwait(false);
                await engine.AddAsync(new TorrentAddRequest { Metainfo = metainfo, SavePath = fetch.SavePath }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or MetainfoException or TorrentEngineException { Kind: EngineErrorKind.InvalidTorrent })
            {
                problems.Add($"{fetch.Torrent} could not be fetched from the swarm: {e.Message}");
            }
        }

        if (plan.Resume.Count > 0)
        {
            await engine.ResumeAsync(plan.Resume, cancellationToken).ConfigureAwait(false);
        }

        // As of this poll: what was just added or resumed shows in the next.
        var ours = _engine.Values.Where(t => _volumeRoots.Any(root => SeedingPlanner.IsUnder(t.SavePath, root))).ToList();
        var status = new SeedingStatus
        {
            Engine = engine.Description,
            Reachable = true,
            Seeding = ours.Count(t => t.Activity == TorrentActivity.Seeding),
            Paused = ours.Count(t => t.Activity == TorrentActivity.Paused),
            UploadBytesPerSecond = changes.Transfer.UploadBytesPerSecond,
        };
        return new SeedingPassed(status, plan, problems);
    }

    /// <summary>The .torrent the node registered, which the daemon is given.</summary>
    private Task<byte[]> ReadTorrentFileAsync(string torrent, CancellationToken cancellationToken) =>
        File.ReadAllBytesAsync(Path.Join(node.Settings.TorrentsDirectory, torrent + ".torrent"), cancellationToken);
}
