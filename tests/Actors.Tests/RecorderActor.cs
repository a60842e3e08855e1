using System.Collections.Concurrent;

namespace LibraryCluster.Actors.Tests;

internal abstract record Command;

internal sealed record Add(int Value) : Command;

internal sealed record Get(Reply<IReadOnlyList<int>> Reply) : Command;

internal sealed record Boom(int Value) : Command;

internal sealed record Block(ManualResetEventSlim Entered, ManualResetEventSlim Release) : Command;

internal sealed record StopSelf : Command;

internal sealed record StartTimer(string Name, int Value, TimeSpan Every, bool Periodic) : Command;

internal sealed record CancelTimer(string Name) : Command;

internal sealed record Work(Task<int> Task) : Command;

internal sealed record WorkFailed(string Reason) : Command;

/// <summary>Records what it handles: in its own state (lost on restart) and in a log the test keeps.</summary>
internal sealed class RecorderActor(ConcurrentQueue<int> log, Action? onStop = null) : Actor<Command>
{
    private readonly List<int> _seen = [];

    protected internal override void Receive(Command message)
    {
        switch (message)
        {
            case Add add:
                _seen.Add(add.Value);
                log.Enqueue(add.Value);
                break;
            case Get get:
                get.Reply.Send([.. _seen]);
                break;
            case Boom boom:
                throw new InvalidOperationException($"boom {boom.Value}");
            case Block block:
                block.Entered.Set();
                block.Release.Wait(TimeSpan.FromMinutes(1));
                break;
            case StopSelf:
                Context.Stop();
                break;
            case StartTimer timer when timer.Periodic:
                Context.Timers.StartPeriodic(timer.Name, new Add(timer.Value), timer.Every);
                break;
            case StartTimer timer:
                Context.Timers.StartSingle(timer.Name, new Add(timer.Value), timer.Every);
                break;
            case CancelTimer cancel:
                Context.Timers.Cancel(cancel.Name);
                break;
            case Work work:
                Context.PipeTo(work.Task, value => new Add(value), e => new WorkFailed(e.Message));
                break;
            case WorkFailed failed:
                log.Enqueue(-failed.Reason.Length);
                break;
        }
    }

    protected internal override void PostStop() => onStop?.Invoke();
}
