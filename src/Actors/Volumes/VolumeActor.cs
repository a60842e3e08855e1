namespace LibraryCluster.Actors.Volumes;

/// <summary>A volume's state as this node sees it (Draining and Out come from the cluster map, later).</summary>
public enum VolumeState
{
    In,
    Failed,
}

/// <summary>What a volume actor knows: state, why, capacity.</summary>
public sealed record VolumeStatus(string Id, string Path, VolumeState State, string? Reason, long? TotalBytes, long? FreeBytes, int ConsecutiveFailures, DateTimeOffset? LastProbe);

/// <summary>A volume changed state; the node journals it and, on Failed, marks the volume's replicas Lost.</summary>
public sealed record VolumeTransition(string Id, VolumeState From, VolumeState To, string Reason, DateTimeOffset At);

/// <summary>How a volume is watched.</summary>
public sealed record VolumeOptions
{
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed probes or reported I/O errors in a row before the volume is Failed.</summary>
    public int MaxConsecutiveFailures { get; init; } = 3;

    /// <summary>A cap on the capacity this node may use on the volume, below the disk's own size.</summary>
    public long? CapacityCap { get; init; }
}

public abstract record VolumeMessage;

/// <summary>Probe now (the timer sends this too).</summary>
public sealed record ProbeVolume : VolumeMessage;

/// <summary>A replica on this volume met an I/O error.</summary>
public sealed record ReportIoError(string Source, string Error) : VolumeMessage;

public sealed record GetVolumeStatus(Reply<VolumeStatus> Reply) : VolumeMessage;

internal sealed record ProbeCompleted(ProbeResult Result) : VolumeMessage;

/// <summary>
/// One actor per configured disk. It probes the disk on a timer (the probe's I/O runs off the actor
/// and comes back as a message), counts I/O errors replicas report, and turns the volume Failed when
/// its path vanishes, it stops taking writes, or it keeps failing. A Failed volume stays Failed: an
/// operator brings it back (issue 7), because data on a flapping disk cannot be trusted.
/// </summary>
public sealed class VolumeActor(string id, string path, VolumeOptions options, Action<VolumeTransition> onTransition) : Actor<VolumeMessage>
{
    private const string ProbeTimer = "probe";

    private VolumeState _state = VolumeState.In;
    private string? _reason;
    private int _consecutiveFailures;
    private long? _total;
    private long? _free;
    private DateTimeOffset? _lastProbe;
    private bool _probing;

    protected internal override void PreStart()
    {
        Context.Timers.StartPeriodic(ProbeTimer, new ProbeVolume(), options.ProbeInterval);
        Context.Self.Tell(new ProbeVolume());
    }

    protected internal override void Receive(VolumeMessage message)
    {
        switch (message)
        {
            case ProbeVolume when !_probing && _state != VolumeState.Failed:
                _probing = true;
                Context.PipeTo(VolumeProbe.RunAsync(path), r => new ProbeCompleted(r), e => new ProbeCompleted(new ProbeResult(ProbeProblem.IoError, e.Message, null, null)));
                break;
            case ProbeCompleted completed:
                _probing = false;
                Probed(completed.Result);
                break;
            case ReportIoError error:
                Failure(ProbeProblem.IoError, $"{error.Source}: {error.Error}");
                break;
            case GetVolumeStatus get:
                get.Reply.Send(new VolumeStatus(id, path, _state, _reason, Capped(_total), Capped(_free), _consecutiveFailures, _lastProbe));
                break;
        }
    }

    private void Probed(ProbeResult result)
    {
        _lastProbe = Context.Time.GetUtcNow();
        (_total, _free) = (result.TotalBytes ?? _total, result.FreeBytes ?? _free);
        if (result.Healthy)
        {
            _consecutiveFailures = 0;
            return;
        }

        Failure(result.Problem, result.Detail ?? result.Problem.ToString());
    }

    /// <summary>A vanished or unwritable disk fails at once; other errors after several in a row.</summary>
    private void Failure(ProbeProblem problem, string detail)
    {
        _consecutiveFailures++;
        if (_state == VolumeState.Failed)
        {
            return;
        }

        var reason = problem switch
        {
            ProbeProblem.Missing => $"path vanished: {detail}",
            ProbeProblem.NotWritable => $"takes no writes: {detail}",
            _ when _consecutiveFailures >= options.MaxConsecutiveFailures => $"{_consecutiveFailures} failures in a row, last: {detail}",
            _ => null,
        };
        _reason = detail;
        if (reason is null)
        {
            return;
        }

        _state = VolumeState.Failed;
        _reason = reason;
        Context.Timers.Cancel(ProbeTimer);
        onTransition(new VolumeTransition(id, VolumeState.In, VolumeState.Failed, reason, Context.Time.GetUtcNow()));
    }

    private long? Capped(long? bytes) => bytes is { } b && options.CapacityCap is { } cap ? Math.Min(b, cap) : bytes;
}
