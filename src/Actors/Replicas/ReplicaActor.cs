using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Actors.Node;
using LibraryCluster.Torrents;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Verification;

namespace LibraryCluster.Actors.Replicas;

/// <summary>How replicas check their data.</summary>
public sealed record ScrubOptions
{
    /// <summary>Time between the end of one full check and the start of the next.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Read-rate cap for a scrub, so that scrubs never starve serving; null is unlimited.</summary>
    public long? BytesPerSecond { get; init; } = 50L * 1024 * 1024;

    /// <summary>
    /// Scrubs that may run at once; every replica given these options shares them, so a node's scrubs take turns
    /// (one at a time by default) and together stay under <see cref="BytesPerSecond"/>.
    /// </summary>
    public SemaphoreSlim Turns { get; init; } = new(1, 1);
}

/// <summary>What a replica actor needs to know: its torrent, where the data lives, where to journal.</summary>
public sealed record ReplicaSetup(
    string Torrent,
    TorrentMetainfo Metainfo,
    string Volume,
    string SaveDirectory,
    INodeStore Store,
    ScrubOptions Scrub,
    Action<ReplicaStatus> Published,
    ReplicaStatus? Saved = null,
    PeerFetcher? Fetcher = null,
    Action? Gone = null,
    Action<string, string>? Moved = null,
    SemaphoreSlim? MoveTurns = null); // Moved(volume, saveDirectory): the copy now lives there; MoveTurns: moves take turns on a node

public abstract record ReplicaMessage;

/// <summary>Check the data now (adoption; after a read error).</summary>
public sealed record VerifyReplica(string Reason) : ReplicaMessage;

/// <summary>The scrub timer fired.</summary>
public sealed record ScrubReplica : ReplicaMessage;

/// <summary>The volume under the replica failed.</summary>
public sealed record VolumeLost(string Reason) : ReplicaMessage;

/// <summary>The volume under a Lost replica is back in service (an operator had failed it): check what is on it.</summary>
public sealed record VolumeReturned : ReplicaMessage;

/// <summary>Serving met data that is not as verified (a file shorter, unreadable…).</summary>
public sealed record ReplicaReadError(string Detail) : ReplicaMessage;

public sealed record GetReplicaStatus(Reply<ReplicaStatus> Reply) : ReplicaMessage;

/// <summary>Copy the data from peers that hold it Healthy (a cluster placed the torrent here, or it is damaged).</summary>
public sealed record FetchReplica(IReadOnlyList<PeerSource> Sources, bool Healing) : ReplicaMessage;

/// <summary>
/// The node's BitTorrent daemon is filling this copy from the public swarm (nobody nearer had it intact). The
/// replica shows Fetching (or Repairing) until the daemon is done; then it is verified by us like any other data.
/// </summary>
public sealed record SwarmFetchStarted(string Engine) : ReplicaMessage;

/// <summary>How far the daemon's swarm fetch has got, 0 to 1.</summary>
public sealed record SwarmFetchProgressed(double Share) : ReplicaMessage;

/// <summary>Placement no longer wants the copy here and the torrent has its full count elsewhere: delete it.</summary>
/// <remarks><c>OnlyWithoutData</c>: the cluster let go of a copy it saw with no data (Absent): kept if it is anything else by now.</remarks>
public sealed record RetireReplica(string Reason, bool OnlyWithoutData = false) : ReplicaMessage;

/// <summary>
/// The volume under a Lost replica failed (or an Absent one's volume is being drained) and the cluster placed the
/// torrent on another of this node's volumes: the copy starts again there, waiting for a source.
/// </summary>
public sealed record RelocateReplica(string Volume, string SaveDirectory) : ReplicaMessage;

/// <summary>
/// Move a Healthy copy to another volume of this node (its own is being drained), make before break: the data is
/// copied beside the new place, verified against the piece hashes, renamed into place, and only then is the copy
/// switched over and the old one deleted. Until then the old copy stays Healthy and served.
/// </summary>
public sealed record MoveReplica(string Volume, string SaveDirectory, string Reason) : ReplicaMessage;

internal sealed record MoveCopied(VerificationReport Report, MoveReplica Move, CancellationTokenSource Run) : ReplicaMessage;

internal sealed record MoveFailed(Exception Error, MoveReplica Move, CancellationTokenSource Run) : ReplicaMessage;

internal sealed record OldCopyDeleted(string Directory, Exception? Error) : ReplicaMessage;

internal sealed record FetchFinished(FetchReport Report, CancellationTokenSource Run) : ReplicaMessage;

internal sealed record FetchFailed(Exception Error, CancellationTokenSource Run) : ReplicaMessage;

internal sealed record Deleted(Exception? Error) : ReplicaMessage;

// Results of a verification or fetch carry the run they belong to: a cancelled run's late answer is ignored.
internal sealed record VerificationProgressed(double Share, CancellationTokenSource Run) : ReplicaMessage;

internal sealed record VerificationFinished(VerificationReport Report, bool Scrub, CancellationTokenSource Run) : ReplicaMessage;

internal sealed record VerificationFailed(Exception Error, bool Scrub, CancellationTokenSource Run) : ReplicaMessage;

/// <summary>
/// One actor per torrent held on this node. It adopts data already on its volume by verifying it, scrubs
/// on a schedule at a capped read rate, turns Damaged when a check fails and Lost when the volume does, and
/// journals every transition. Verification runs off the actor and comes back as a message, so the actor
/// always answers status questions at once.
/// </summary>
public sealed class ReplicaActor(ReplicaSetup initial) : Actor<ReplicaMessage>
{
    private ReplicaSetup _setup = initial;

    private const string ScrubTimer = "scrub";

    /// <summary>The actor's name in the system, so that anyone can find a torrent's replica.</summary>
    public static string ActorName(string torrent) => $"replica/{torrent}";

    private static readonly TimeSpan MoveRetryDelay = TimeSpan.FromMinutes(1);

    private ReplicaStatus _status = null!;
    private CancellationTokenSource? _running;
    private DateTimeOffset _moveAgainAt;

    // The state a running check started from: a copy that never was whole (Absent, Partial) and checks clean
    // but incomplete is Partial; one that was whole and lost files is Damaged.
    private ReplicaState _checkedFrom;

    protected internal override void PreStart()
    {
        var now = Context.Time.GetUtcNow();
        _status = _setup.Saved ?? new ReplicaStatus { Torrent = _setup.Torrent, Volume = _setup.Volume, State = ReplicaState.Absent, Reason = "registered", Since = now };
        _setup.Published(_status);

        // A check that was running when the node stopped starts over; a copy that was fine is trusted if
        // every file still has its size, and checked in full when its scrub falls due.
        switch (_status.State)
        {
            case ReplicaState.Healthy or ReplicaState.Scrubbing or ReplicaState.Damaged when SizesMatch():
                if (_status.State == ReplicaState.Scrubbing)
                {
                    Transition(ReplicaState.Healthy, "node restarted during a scrub", 0);
                }

                ScheduleScrub();
                break;
            default:
                Context.Self.Tell(new VerifyReplica(_setup.Saved is null ? "adopting data already on the volume" : $"node restarted while {_status.State}"));
                break;
        }
    }

    protected internal override void PostStop() => _running?.Cancel();

    protected internal override void Receive(ReplicaMessage message)
    {
        switch (message)
        {
            case GetReplicaStatus get:
                get.Reply.Send(_status);
                break;
            case VolumeLost lost:
                Cancel();
                Context.Timers.Cancel(ScrubTimer);
                if (_status.State != ReplicaState.Lost)
                {
                    Transition(ReplicaState.Lost, $"volume {_setup.Volume} failed: {lost.Reason}", 0);
                }

                break;
            case VolumeReturned when _status.State == ReplicaState.Lost && _running is null:
                Start(scrub: false, $"volume {_setup.Volume} is back in service; checking its data again");
                break;
            case RelocateReplica relocate when _status.State is ReplicaState.Lost or ReplicaState.Absent && _running is null && relocate.Volume != _setup.Volume:
                _setup = _setup with { Volume = relocate.Volume, SaveDirectory = relocate.SaveDirectory };
                var (lostOn, why) = (_status.Volume, _status.State == ReplicaState.Lost ? "failed" : "is being drained");
                _status = _status with { Volume = relocate.Volume, BadFiles = new HashSet<int>(), LastVerified = null, BytesVerified = 0 };
                Transition(ReplicaState.Absent, $"placed on volume {relocate.Volume} after volume {lostOn} {why}; waiting for a source", 0);
                break;
            case MoveReplica move when _status.State is ReplicaState.Healthy or ReplicaState.Partial or ReplicaState.Damaged && _running is null && move.Volume != _setup.Volume && Context.Time.GetUtcNow() >= _moveAgainAt:
                StartMove(move);
                break;
            case MoveCopied copied when copied.Run == _running:
                _running = null;
                Moved(copied.Report, copied.Move);
                break;
            case MoveFailed failed when failed.Run == _running:
                _running = null;
                MoveStopped(failed.Move, failed.Error.Message);
                break;
            case OldCopyDeleted { Error: { } error } deleted:
                _setup.Store.Journal(_setup.Torrent, _setup.Volume, "Healthy", "Healthy", $"moved, but the old copy at {deleted.Directory} could not be deleted: {error.Message}", 0, Context.Time.GetUtcNow());
                break;
            case FetchReplica fetch when _setup.Fetcher is { } fetcher && _status.State is ReplicaState.Absent or ReplicaState.Damaged or ReplicaState.Partial && _running is null:
                StartFetch(fetcher, fetch);
                break;
            case SwarmFetchStarted swarm when _status.State is ReplicaState.Absent or ReplicaState.Damaged or ReplicaState.Partial && _running is null:
                Context.Timers.Cancel(ScrubTimer);
                Transition(_status.State == ReplicaState.Damaged ? ReplicaState.Repairing : ReplicaState.Fetching, $"fetching from the swarm through {swarm.Engine}; checked by us when it completes", 0);
                break;
            case SwarmFetchProgressed swarmProgress when _status.State is ReplicaState.Fetching or ReplicaState.Repairing && _running is null:
                _status = _status with { Progress = swarmProgress.Share };
                _setup.Published(_status);
                break;
            case FetchFinished finished when finished.Run == _running:
                _running = null;
                _status = _status with { BytesVerified = _setup.Metainfo.TotalLength, LastVerified = Context.Time.GetUtcNow(), BadFiles = new HashSet<int>(), Progress = null };
                Transition(ReplicaState.Healthy, $"fetched {finished.Report.PiecesFetched} pieces ({finished.Report.BytesFetched:N0} bytes) from {string.Join(", ", finished.Report.Sources)}, each checked against its hash; {finished.Report.PiecesAlreadyValid} were already here", finished.Report.BytesFetched);
                ScheduleScrub();
                break;
            case FetchFailed failed when failed.Run == _running:
                _running = null;
                Start(scrub: false, $"fetch stopped: {failed.Error.Message}");
                break;
            case RetireReplica retire when _status.State is not (ReplicaState.Retiring or ReplicaState.Verifying or ReplicaState.Fetching or ReplicaState.Repairing)
                && !(retire.OnlyWithoutData && _status.State != ReplicaState.Absent):
                Cancel();
                Context.Timers.Cancel(ScrubTimer);
                Transition(ReplicaState.Retiring, retire.Reason, 0);
                var directory = _setup.SaveDirectory;
                Context.PipeTo(Task.Run(() => DeleteCopy(directory)), _ => new Deleted(null), error => new Deleted(error is DirectoryNotFoundException ? null : error));
                break;
            case Deleted deleted when _status.State == ReplicaState.Retiring:
                if (deleted.Error is { } deleteError)
                {
                    Transition(ReplicaState.Damaged, $"could not delete the retired copy: {deleteError.Message}", 0);
                    break;
                }

                _setup.Store.Forget(_setup.Torrent, _setup.Volume, ReplicaState.Retiring, "retired copy deleted", Context.Time.GetUtcNow());
                _setup.Gone?.Invoke();
                Context.Stop();
                break;
            case VerifyReplica verify when _status.State is not (ReplicaState.Lost or ReplicaState.Retiring) && !(_status.State == ReplicaState.Verifying && _running is not null):
                Cancel();
                Start(scrub: false, verify.Reason);
                break;
            case ReplicaReadError error when _status.State is ReplicaState.Healthy or ReplicaState.Scrubbing or ReplicaState.Damaged or ReplicaState.Partial:
                Cancel();
                Start(scrub: false, $"read error while serving: {error.Detail}");
                break;
            case ScrubReplica when _status.State is ReplicaState.Healthy or ReplicaState.Damaged or ReplicaState.Partial && _running is null:
                Start(scrub: true, "scheduled scrub");
                break;
            case VerificationProgressed progressed when progressed.Run == _running:
                _status = _status with { Progress = progressed.Share };
                _setup.Published(_status);
                break;
            case VerificationFinished finished when finished.Run == _running:
                _running = null;
                Finished(finished.Report, finished.Scrub);
                break;
            case VerificationFailed failed when failed.Run == _running:
                _running = null;
                Transition(ReplicaState.Damaged, $"{(failed.Scrub ? "scrub" : "verification")} failed: {failed.Error.Message}", 0);
                ScheduleScrub();
                break;
        }
    }

    private void Start(bool scrub, string reason)
    {
        _checkedFrom = _status.State;
        Transition(scrub ? ReplicaState.Scrubbing : ReplicaState.Verifying, reason, 0);
        var run = _running = new CancellationTokenSource();
        var self = Context.Self;
        var progress = new CallbackProgress<VerificationProgress>(p => self.Tell(new VerificationProgressed(p.PiecesTotal == 0 ? 1 : (double)p.PiecesDone / p.PiecesTotal, run)));
        var (metainfo, directory) = (_setup.Metainfo, _setup.SaveDirectory);
        Context.PipeTo(
            scrub
                ? ScrubInTurnAsync(_setup.Scrub, () => PieceVerifier.VerifyAsync(metainfo, directory, new VerificationOptions { MaxParallelism = 1, MaxBytesPerSecond = _setup.Scrub.BytesPerSecond }, progress, run.Token), run.Token)
                : PieceVerifier.VerifyAsync(metainfo, directory, new VerificationOptions(), progress, run.Token),
            report => new VerificationFinished(report, scrub, run),
            error => new VerificationFailed(error, scrub, run));
    }

    /// <summary>Scrubs on a node take turns, so that together they read no faster than the scrub rate cap.</summary>
    private static async Task<VerificationReport> ScrubInTurnAsync(ScrubOptions options, Func<Task<VerificationReport>> scrub, CancellationToken cancellationToken)
    {
        await options.Turns.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await scrub().ConfigureAwait(false);
        }
        finally
        {
            options.Turns.Release();
        }
    }

    private void StartFetch(PeerFetcher fetcher, FetchReplica fetch)
    {
        var from = _status.State;
        Transition(from == ReplicaState.Damaged ? ReplicaState.Repairing : ReplicaState.Fetching, $"{(fetch.Healing ? "healing" : "placing")}: copying from {string.Join(", ", fetch.Sources.Select(s => s.Node))}", 0);
        var run = _running = new CancellationTokenSource();
        var self = Context.Self;
        var progress = new CallbackProgress<double>(share => self.Tell(new VerificationProgressed(share, run)));
        Context.PipeTo(
            fetcher.FetchAsync(_setup.Torrent, _setup.Metainfo, _setup.SaveDirectory, fetch.Sources, fetch.Healing, progress, run.Token),
            report => new FetchFinished(report, run),
            error => new FetchFailed(error, run));
    }

    private void StartMove(MoveReplica move)
    {
        var from = _setup.SaveDirectory;
        _setup.Store.Journal(_setup.Torrent, _setup.Volume, _status.State.ToString(), "Moving", $"copying to volume {move.Volume}: {move.Reason}", 0, Context.Time.GetUtcNow());
        var run = _running = new CancellationTokenSource();
        _status = _status with { MovingTo = move.Volume, Progress = 0 };
        _setup.Published(_status);
        var self = Context.Self;
        var progress = new CallbackProgress<double>(share => self.Tell(new VerificationProgressed(share, run)));
        var (metainfo, turns, mayFail) = (_setup.Metainfo, _setup.MoveTurns, MayFail);
        Context.PipeTo(
            Task.Run(() => ReplicaMove.CopyAsync(metainfo, from, move.SaveDirectory, mayFail, turns, progress, run.Token)),
            report => new MoveCopied(report, move, run),
            error => new MoveFailed(error, move, run));
    }

    /// <summary>
    /// The files a move may carry without their verifying: none of a Healthy copy; those a Partial or Damaged copy
    /// could not serve before (never fetched, or damaged). Every file it served must verify at the new place.
    /// </summary>
    private IReadOnlySet<int>? MayFail => _status.State == ReplicaState.Healthy ? null : _status.BadFiles;

    /// <summary>The copy on the new volume verified and is in place: switch to it, then delete the old one.</summary>
    private void Moved(VerificationReport report, MoveReplica move)
    {
        if (!ReplicaMove.Keeps(report, MayFail))
        {
            MoveStopped(move, $"the copy did not verify ({report.DamagedPieces} damaged, {report.UnavailablePieces} missing pieces)");
            return;
        }

        var (oldVolume, oldDirectory) = (_setup.Volume, _setup.SaveDirectory);
        _setup = _setup with { Volume = move.Volume, SaveDirectory = move.SaveDirectory };
        _setup.Moved?.Invoke(move.Volume, move.SaveDirectory);
        var bad = report.Files.Where(f => !f.File.IsPadding && f.State != FileState.Complete).Select(f => f.File.Index).ToHashSet();
        _status = _status with { Volume = move.Volume, MovingTo = null, BytesVerified = report.BytesChecked, LastVerified = Context.Time.GetUtcNow(), BadFiles = bad };
        var what = bad.Count == 0 ? string.Empty : $"; {bad.Count} files that were not here before are not here either";
        Transition(report.IsComplete ? ReplicaState.Healthy : _status.State, $"moved from volume {oldVolume} to {move.Volume} ({move.Reason}): copied and verified {report.BytesChecked:N0} bytes{what}", report.BytesChecked);
        ScheduleScrub();
        Context.PipeTo(Task.Run(() => DeleteCopy(oldDirectory)), _ => new OldCopyDeleted(oldDirectory, null), error => new OldCopyDeleted(oldDirectory, error is DirectoryNotFoundException ? null : error));
    }

    private void MoveStopped(MoveReplica move, string why)
    {
        // Whatever stopped it (a full disk, a bad read), trying again at once would only copy the same bytes again.
        _moveAgainAt = Context.Time.GetUtcNow() + MoveRetryDelay;
        _setup.Store.Journal(_setup.Torrent, _setup.Volume, "Moving", _status.State.ToString(), $"copy to volume {move.Volume} stopped: {why}; the copy stays on {_setup.Volume}", 0, Context.Time.GetUtcNow());
        _status = _status with { MovingTo = null, Progress = null };
        _setup.Published(_status);
        ScheduleScrub();
    }

    private void Finished(VerificationReport report, bool scrub)
    {
        var check = scrub ? "scrub" : "verification";
        var bad = report.Files.Where(f => !f.File.IsPadding && f.State != FileState.Complete).Select(f => f.File.Index).ToHashSet();
        var verified = _status with { BytesVerified = report.BytesChecked, LastVerified = Context.Time.GetUtcNow(), BadFiles = bad, Progress = null };
        if (report.IsComplete)
        {
            _status = verified;
            Transition(ReplicaState.Healthy, $"{check} passed: {report.ValidPieces} pieces", report.BytesChecked);
        }
        else if (report.ValidPieces == 0 && report.DamagedPieces == 0)
        {
            // Nothing of the torrent is on the volume: not damage, just not here yet.
            _status = verified with { LastVerified = null };
            Transition(ReplicaState.Absent, "no data on the volume; waiting for a source", report.BytesChecked);
        }
        else if (_checkedFrom is ReplicaState.Absent or ReplicaState.Partial && report.DamagedPieces == 0
            && report.Files.All(f => f.File.IsPadding || f.State is FileState.Complete or FileState.Missing or FileState.Short or FileState.Unverified))
        {
            _status = verified;
            var held = report.Files.Count(f => !f.File.IsPadding && f.State == FileState.Complete);
            Transition(ReplicaState.Partial, $"{check} passed for the {held} files here; the other {bad.Count} were never fetched", report.BytesChecked);
        }
        else
        {
            _status = verified;
            Transition(
                ReplicaState.Damaged,
                $"{check} found {report.DamagedPieces} damaged and {report.UnavailablePieces} missing pieces; {bad.Count} files withheld",
                report.BytesChecked);
        }

        ScheduleScrub();
    }

    private void ScheduleScrub()
    {
        if (_status.State is not (ReplicaState.Healthy or ReplicaState.Damaged or ReplicaState.Partial))
        {
            return;
        }

        var due = (_status.LastVerified ?? Context.Time.GetUtcNow()) + _setup.Scrub.Interval - Context.Time.GetUtcNow();
        Context.Timers.StartSingle(ScrubTimer, new ScrubReplica(), due > TimeSpan.Zero ? due : TimeSpan.Zero);
    }

    private void Transition(ReplicaState to, string reason, long bytes)
    {
        var from = _status.State;
        _status = _status with { State = to, Reason = reason, Since = Context.Time.GetUtcNow(), Progress = to is ReplicaState.Verifying or ReplicaState.Scrubbing or ReplicaState.Fetching or ReplicaState.Repairing ? 0 : null };
        _setup.Store.RecordTransition(_status, from, bytes);
        _setup.Published(_status);
    }

    private void Cancel()
    {
        _running?.Cancel();
        _running = null;
        _status = _status with { MovingTo = null };
    }

    private static bool DeleteCopy(string directory)
    {
        Directory.Delete(directory, recursive: true);
        return true;
    }

    private bool SizesMatch() =>
        _setup.Metainfo.Files.Where(f => !f.IsPadding).All(f =>
            TorrentPath.Resolve(_setup.SaveDirectory, f.PathComponents, out _) is { } path
            && new FileInfo(path) is { Exists: true } info
            && info.Length == f.Length);
}
