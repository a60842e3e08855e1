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

    /// <summary>Read-rate cap for scrubs, so they never starve serving; null is unlimited.</summary>
    public long? BytesPerSecond { get; init; } = 50L * 1024 * 1024;
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
    ReplicaStatus? Saved = null);

public abstract record ReplicaMessage;

/// <summary>Check the data now (adoption; after a read error).</summary>
public sealed record VerifyReplica(string Reason) : ReplicaMessage;

/// <summary>The scrub timer fired.</summary>
public sealed record ScrubReplica : ReplicaMessage;

/// <summary>The volume under the replica failed.</summary>
public sealed record VolumeLost(string Reason) : ReplicaMessage;

/// <summary>Serving met data that is not as verified (a file shorter, unreadable…).</summary>
public sealed record ReplicaReadError(string Detail) : ReplicaMessage;

public sealed record GetReplicaStatus(Reply<ReplicaStatus> Reply) : ReplicaMessage;

internal sealed record VerificationProgressed(double Share) : ReplicaMessage;

internal sealed record VerificationFinished(VerificationReport Report, bool Scrub) : ReplicaMessage;

internal sealed record VerificationFailed(Exception Error, bool Scrub) : ReplicaMessage;

/// <summary>
/// One actor per torrent held on this node. It adopts data already on its volume by verifying it, scrubs
/// on a schedule at a capped read rate, turns Damaged when a check fails and Lost when the volume does, and
/// journals every transition. Verification runs off the actor and comes back as a message, so the actor
/// always answers status questions at once.
/// </summary>
public sealed class ReplicaActor(ReplicaSetup setup) : Actor<ReplicaMessage>
{
    private const string ScrubTimer = "scrub";

    /// <summary>The actor's name in the system, so that anyone can find a torrent's replica.</summary>
    public static string ActorName(string torrent) => $"replica/{torrent}";

    private ReplicaStatus _status = null!;
    private CancellationTokenSource? _running;

    protected internal override void PreStart()
    {
        var now = Context.Time.GetUtcNow();
        _status = setup.Saved ?? new ReplicaStatus { Torrent = setup.Torrent, Volume = setup.Volume, State = ReplicaState.Absent, Reason = "registered", Since = now };
        setup.Published(_status);

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
                Context.Self.Tell(new VerifyReplica(setup.Saved is null ? "adopting data already on the volume" : $"node restarted while {_status.State}"));
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
                    Transition(ReplicaState.Lost, $"volume {setup.Volume} failed: {lost.Reason}", 0);
                }

                break;
            case VerifyReplica verify when _status.State is not (ReplicaState.Lost or ReplicaState.Verifying):
                Cancel();
                Start(scrub: false, verify.Reason);
                break;
            case ReplicaReadError error when _status.State is ReplicaState.Healthy or ReplicaState.Scrubbing or ReplicaState.Damaged:
                Cancel();
                Start(scrub: false, $"read error while serving: {error.Detail}");
                break;
            case ScrubReplica when _status.State is ReplicaState.Healthy or ReplicaState.Damaged:
                Start(scrub: true, "scheduled scrub");
                break;
            case VerificationProgressed progressed when _running is not null:
                _status = _status with { Progress = progressed.Share };
                setup.Published(_status);
                break;
            case VerificationFinished finished when _running is not null:
                _running = null;
                Finished(finished.Report, finished.Scrub);
                break;
            case VerificationFailed failed when _running is not null:
                _running = null;
                Transition(ReplicaState.Damaged, $"{(failed.Scrub ? "scrub" : "verification")} failed: {failed.Error.Message}", 0);
                ScheduleScrub();
                break;
        }
    }

    private void Start(bool scrub, string reason)
    {
        Transition(scrub ? ReplicaState.Scrubbing : ReplicaState.Verifying, reason, 0);
        _running = new CancellationTokenSource();
        var options = scrub
            ? new VerificationOptions { MaxParallelism = 1, MaxBytesPerSecond = setup.Scrub.BytesPerSecond }
            : new VerificationOptions();
        var self = Context.Self;
        var progress = new CallbackProgress<VerificationProgress>(p => self.Tell(new VerificationProgressed(p.PiecesTotal == 0 ? 1 : (double)p.PiecesDone / p.PiecesTotal)));
        Context.PipeTo(
            PieceVerifier.VerifyAsync(setup.Metainfo, setup.SaveDirectory, options, progress, _running.Token),
            report => new VerificationFinished(report, scrub),
            error => new VerificationFailed(error, scrub));
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
        if (_status.State is not (ReplicaState.Healthy or ReplicaState.Damaged))
        {
            return;
        }

        var due = (_status.LastVerified ?? Context.Time.GetUtcNow()) + setup.Scrub.Interval - Context.Time.GetUtcNow();
        Context.Timers.StartSingle(ScrubTimer, new ScrubReplica(), due > TimeSpan.Zero ? due : TimeSpan.Zero);
    }

    private void Transition(ReplicaState to, string reason, long bytes)
    {
        var from = _status.State;
        _status = _status with { State = to, Reason = reason, Since = Context.Time.GetUtcNow(), Progress = to is ReplicaState.Verifying or ReplicaState.Scrubbing ? 0 : null };
        setup.Store.RecordTransition(_status, from, bytes);
        setup.Published(_status);
    }

    private void Cancel()
    {
        _running?.Cancel();
        _running = null;
    }

    private bool SizesMatch() =>
        setup.Metainfo.Files.Where(f => !f.IsPadding).All(f =>
            TorrentPath.Resolve(setup.SaveDirectory, f.PathComponents, out _) is { } path
            && new FileInfo(path) is { Exists: true } info
            && info.Length == f.Length);
}
