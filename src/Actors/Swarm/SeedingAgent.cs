using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;
using Microsoft.Extensions.Logging;

namespace LibraryCluster.Actors.Swarm;

public abstract record SeedingMessage;

internal sealed record SeedingDue : SeedingMessage;

internal sealed record SeedingPassed(SeedingStatus Status, SeedingPlan Plan, IReadOnlyList<string> Problems, TimeSpan PollTook) : SeedingMessage;

internal sealed record SeedingFailed(Exception Error) : SeedingMessage;

/// <summary>
/// Keeps the node's BitTorrent daemon seeding exactly what the node holds intact. A pass asks the daemon what
/// changed since the last one (an incremental poll, so thousands of torrents cost little), plans the difference
/// (<see cref="SeedingPlanner"/>) and applies it: adds without hashing (we verified the data), resumes, pauses,
/// removes (files kept), and, when <see cref="SeedingSettings.FetchFromSwarm"/> is on, has the daemon fill copies
/// nobody nearer could supply, which the replica verifies when the daemon is done. Passes run off the actor, one at a time, every <see cref="SeedingSettings.PollInterval"/>
/// and at once when a replica changes state; changes during a pass start one more. A poll costs the daemon time in
/// proportion to the torrents it holds (1–2.5 s for 10,000 on two cores), so after each pass the next waits long enough
/// for our polls to take at most <see cref="SeedingSettings.DaemonPollShare"/> of the daemon's time; replica changes
/// meanwhile are gathered into the one pass that follows.
/// </summary>
public sealed class SeedingAgent(SeedingSettings settings, ITorrentEngine engine, MirrorNode node) : Actor<SeedingMessage>
{
    private const string PollTimer = "poll";
    private const string RestTimer = "rest";
    private const int AddsAtOnce = 4;

    // The daemon's torrents as of the last poll; only the running pass touches it.
    private readonly Dictionary<InfoHash, EngineTorrent> _engine = [];

    // Torrents the daemon was asked to fill from the swarm and not yet handed back for verification; also pass-only.
    private readonly HashSet<string> _swarmFetches = new(StringComparer.Ordinal);

    // The files each on-demand torrent was added (or set) to fetch by this agent; pass-only.
    private readonly Dictionary<string, HashSet<int>> _onDemandWanted = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private bool _running;
    private bool _again;
    private int _nudged;
    private string? _lastProblem;

    // No pass starts before this: the daemon's rest after the last poll (see SeedingSettings.DaemonPollShare).
    private DateTimeOffset _restUntil = DateTimeOffset.MinValue;
    private ActorRef<SeedingMessage>? _self;

    // A torrent the daemon holds under one of these is ours to manage.
    private readonly string[] _volumeRoots = [.. node.Settings.Volumes.Select(v => v.Path)];

    protected internal override void PreStart()
    {
        _self = Context.Self;
        node.View.Changed += Nudge;
        node.OnDemand.Requested += NudgeForRequest;
        Context.Timers.StartPeriodic(PollTimer, new SeedingDue(), settings.PollInterval);
        Context.Self.Tell(new SeedingDue());
    }

    protected internal override void PostStop()
    {
        node.View.Changed -= Nudge;
        node.OnDemand.Requested -= NudgeForRequest;
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

                var now = Context.Time.GetUtcNow();
                if (now < _restUntil)
                {
                    // The daemon is resting from our last poll: one pass when that is over, however many asked.
                    if (!Context.Timers.IsActive(RestTimer))
                    {
                        Context.Timers.StartSingle(RestTimer, new SeedingDue(), _restUntil - now);
                    }

                    break;
                }

                _running = true;
                var token = _stopping.Token;
                var time = Context.Time;
                Context.PipeTo(Task.Run(() => PassAsync(now, time, token), token), passed => passed, error => new SeedingFailed(error));
                break;
            case SeedingPassed passed:
                _running = false;
                var passedAt = Context.Time.GetUtcNow();
                _restUntil = passedAt + Rest(passed.PollTook, settings.DaemonPollShare);
                node.Seeding = passed.Status with { LastPass = passedAt, PollDuration = passed.PollTook };
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

    /// <summary>How long the daemon rests after a poll that took <paramref name="pollTook"/> for our polls to be <paramref name="share"/> of its time.</summary>
    internal static TimeSpan Rest(TimeSpan pollTook, double share) =>
        share is > 0 and < 1 && pollTook > TimeSpan.Zero ? pollTook * ((1 - share) / share) : TimeSpan.Zero;

    private void Nudge(string torrent)
    {
        // At most one nudge waits in the mailbox however many replicas change at once.
        if (Interlocked.Exchange(ref _nudged, 1) == 0)
        {
            _self?.Tell(new SeedingDue());
        }
    }

    private void NudgeForRequest() => Nudge(string.Empty);

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

    private async Task<SeedingMessage> PassAsync(DateTimeOffset now, TimeProvider time, CancellationToken cancellationToken)
    {
        var asked = time.GetUtcNow();
        var changes = await engine.PollAsync(cancellationToken).ConfigureAwait(false);
        var pollTook = time.GetUtcNow() - asked;
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

        _swarmFetches.RemoveWhere(name => node.View.Replica(name)?.State is not (ReplicaState.Absent or ReplicaState.Damaged or ReplicaState.Partial or ReplicaState.Fetching or ReplicaState.Repairing));
        var onDemand = node.OnDemand.All.Where(f => f.Phase is OnDemandPhase.Fetching or OnDemandPhase.Verifying).Select(f => f.Torrent).ToHashSet(StringComparer.Ordinal);
        var plan = SeedingPlanner.Plan(node.View.Torrents, node.View.Replica, _engine, _volumeRoots, settings.FetchFromSwarm ? settings.SwarmFetchAfter : null, now, _swarmFetches, onDemand);
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

        if (settings.FetchOnDemand)
        {
            await FetchOnDemandAsync(now, problems, cancellationToken).ConfigureAwait(false);
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
        return new SeedingPassed(status, plan, problems, pollTook);
    }

    /// <summary>
    /// Carries out the fetches downloads asked for, one step a pass: the daemon is given the torrent with only the
    /// wanted files (the rest skipped) and hashes whatever is already on disk; when it has them all, the replica
    /// checks the data itself, and what passes is served (the copy is Partial from then on).
    /// </summary>
    private async Task FetchOnDemandAsync(DateTimeOffset now, List<string> problems, CancellationToken cancellationToken)
    {
        foreach (var fetch in node.OnDemand.All)
        {
            var status = node.View.Replica(fetch.Torrent);
            if (node.View.Torrent(fetch.Torrent) is not { } held || status is null || status.State is ReplicaState.Lost or ReplicaState.Retiring || status.IsHeld)
            {
                // Gone from this node, or held whole now: served (or answered) like any other file.
                node.OnDemand.Forget(fetch.Torrent);
                _onDemandWanted.Remove(fetch.Torrent);
                continue;
            }

            if (fetch.Phase is OnDemandPhase.Ready or OnDemandPhase.Failed)
            {
                continue;
            }

            if (fetch.Requested.All(status.CanServe))
            {
                node.OnDemand.Update(fetch, f => f with { Phase = OnDemandPhase.Ready, Progress = 1, Since = now });
                continue;
            }

            if (status.State is ReplicaState.Verifying or ReplicaState.Scrubbing or ReplicaState.Fetching or ReplicaState.Repairing)
            {
                // Our own check is running, or a whole copy is on its way (from a peer or the swarm): wait for it.
                continue;
            }

            if (fetch.Phase == OnDemandPhase.Verifying)
            {
                if (status.Since > fetch.Since)
                {
                    node.OnDemand.Update(fetch, f => f with { Phase = OnDemandPhase.Failed, Problem = $"what the swarm sent did not pass our check ({status.Reason}); nothing of it is served", Since = now });
                }

                continue;
            }

            var hash = held.Metainfo.InfoHash;
            try
            {
                _engine.TryGetValue(hash, out var inEngine);
                if (inEngine is not null && !_onDemandWanted.ContainsKey(fetch.Torrent))
                {
                    // Added before (seeded whole once, or by an earlier run of the node): the daemon may believe pieces
                    // are there that are not. Taken out (files kept) and added afresh, so that it hashes what is on disk.
                    await engine.RemoveAsync(hash, deleteFiles: false, cancellationToken).ConfigureAwait(false);
                    _engine.Remove(hash);
                    inEngine = null;
                }

                if (inEngine is null)
                {
                    var metainfo = await ReadTorrentFileAsync(fetch.Torrent, cancellationToken).ConfigureAwait(false);
                    await engine.AddAsync(new TorrentAddRequest { Metainfo = metainfo, SavePath = held.SaveDirectory, WantedFiles = [.. fetch.Wanted] }, cancellationToken).ConfigureAwait(false);
                    _onDemandWanted[fetch.Torrent] = [.. fetch.Wanted];
                    continue;
                }

                var applied = _onDemandWanted[fetch.Torrent];
                var more = fetch.Wanted.Where(i => !applied.Contains(i)).ToList();
                if (more.Count > 0)
                {
                    // Another file of the same torrent was asked for: the daemon's state shows it from the next poll.
                    await engine.SetFilePriorityAsync(hash, more, FilePriority.Normal, cancellationToken).ConfigureAwait(false);
                    applied.UnionWith(more);
                    await engine.ResumeAsync([hash], cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (inEngine.Activity == TorrentActivity.Paused)
                {
                    await engine.ResumeAsync([hash], cancellationToken).ConfigureAwait(false);
                }
                else if (inEngine.IsComplete && inEngine.WantedSize >= fetch.WantedBytes)
                {
                    node.OnDemand.Update(fetch, f => f with { Phase = OnDemandPhase.Verifying, Progress = 1, Since = now });
                    node.Verify(fetch.Torrent, $"the on-demand fetch of {fetch.Wanted.Count} files through {engine.Description} completed");
                }
                else
                {
                    node.OnDemand.Update(fetch, f => f with { Progress = inEngine.Progress });
                }
            }
            catch (Exception e) when (e is IOException or MetainfoException or TorrentEngineException { Kind: EngineErrorKind.InvalidTorrent or EngineErrorKind.Rejected })
            {
                node.OnDemand.Update(fetch, f => f with { Phase = OnDemandPhase.Failed, Problem = e.Message, Since = now });
                problems.Add($"{fetch.Torrent} could not be fetched on demand: {e.Message}");
            }
        }
    }

    /// <summary>The .torrent the node registered, which the daemon is given.</summary>
    private Task<byte[]> ReadTorrentFileAsync(string torrent, CancellationToken cancellationToken) =>
        File.ReadAllBytesAsync(Path.Join(node.Settings.TorrentsDirectory, torrent + ".torrent"), cancellationToken);
}
