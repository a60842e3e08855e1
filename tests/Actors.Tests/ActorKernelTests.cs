using System.Collections.Concurrent;
using LibraryCluster.Testing;

namespace LibraryCluster.Actors.Tests;

public sealed class ActorKernelTests : IAsyncDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly ActorSystem _system;
    private readonly ConcurrentQueue<int> _log = new();
    private readonly ConcurrentQueue<ActorFailure> _failures = new();
    private readonly ConcurrentQueue<DeadLetter> _deadLetters = new();

    public ActorKernelTests()
    {
        _system = new ActorSystem(time: _clock);
        _system.Failed += _failures.Enqueue;
        _system.DeadLetters += _deadLetters.Enqueue;
    }

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    private ActorRef<Command> Spawn(ActorOptions? options = null, Action? onStop = null) =>
        _system.Spawn("recorder", () => new RecorderActor(_log, onStop), options);

    private Task<IReadOnlyList<int>> SeenAsync(ActorRef<Command> actor) => actor.AskAsync<IReadOnlyList<int>>(r => new Get(r), Eventually.Patience);

    [Fact]
    public async Task Messages_From_One_Sender_Are_Handled_In_Order()
    {
        var actor = Spawn();
        for (var i = 0; i < 5_000; i++)
        {
            await actor.TellAsync(new Add(i));
        }

        Assert.Equal(Enumerable.Range(0, 5_000), await SeenAsync(actor));
    }

    [Fact]
    public async Task A_Single_Timer_Longer_Than_The_System_Timer_Allows_Fires_Once_At_Its_Time()
    {
        var actor = Spawn();
        await actor.TellAsync(new StartTimer("scrub", 7, TimeSpan.FromDays(90), Periodic: false));
        await Eventually.UntilAsync(() => _clock.PendingTimers > 0);

        _clock.Advance(TimeSpan.FromDays(89));
        Assert.Empty(await SeenAsync(actor));
        _clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal([7], await SeenAsync(actor));
        _clock.Advance(TimeSpan.FromDays(90));
        Assert.Equal([7], await SeenAsync(actor));
    }

    [Fact]
    public async Task A_Ninety_Day_Single_Timer_Starts_On_The_System_Clock()
    {
        await using var system = new ActorSystem();
        var failures = new ConcurrentQueue<ActorFailure>();
        system.Failed += failures.Enqueue;
        var actor = system.Spawn("recorder", () => new RecorderActor(new ConcurrentQueue<int>()));

        await actor.TellAsync(new StartTimer("scrub", 7, TimeSpan.FromDays(90), Periodic: false));

        Assert.Empty(await actor.AskAsync<IReadOnlyList<int>>(r => new Get(r), Eventually.Patience));
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Ask_Times_Out_When_No_Answer_Comes()
    {
        var actor = Spawn();
        var ask = actor.AskAsync<int>(_ => new Add(1), TimeSpan.FromSeconds(5));
        await Eventually.UntilAsync(() => _clock.PendingTimers > 0);
        _clock.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => ask);
        Assert.Contains("recorder did not answer within 00:00:05", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Failing_Actor_Restarts_After_Its_Backoff_And_Loses_Only_The_Failed_Message()
    {
        var actor = Spawn(new ActorOptions { Supervision = new SupervisionOptions { MinBackoff = TimeSpan.FromSeconds(1) } });
        await actor.TellAsync(new Add(1));
        await actor.TellAsync(new Boom(2));
        await actor.TellAsync(new Add(3));
        await actor.TellAsync(new Add(4));

        await Eventually.UntilAsync(() => !_failures.IsEmpty && _clock.PendingTimers > 0);
        Assert.Equal([1], _log);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([3, 4], await SeenAsync(actor));
        Assert.Equal([1, 3, 4], _log);
        var failure = Assert.Single(_failures);
        Assert.Equal(new Boom(2), failure.Message);
        Assert.Equal("boom 2", failure.Exception.Message);
        Assert.False(failure.Escalated);
    }

    [Fact]
    public async Task Backoff_Doubles_Up_To_Its_Maximum()
    {
        var supervision = new SupervisionOptions { MinBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(5) };
        Assert.Equal(
            [1, 2, 4, 5, 5],
            Enumerable.Range(1, 5).Select(n => supervision.Backoff(n).TotalSeconds));

        var actor = Spawn(new ActorOptions { Supervision = supervision });
        await actor.TellAsync(new Boom(1));
        await actor.TellAsync(new Boom(2));
        await actor.TellAsync(new Add(3));
        await Eventually.UntilAsync(() => _failures.Count == 1 && _clock.PendingTimers > 0);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(() => _failures.Count == 2 && _clock.PendingTimers > 0);
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(1, _clock.PendingTimers);
        Assert.Empty(_log);
        _clock.Advance(TimeSpan.FromSeconds(0.5));

        Assert.Equal([3], await SeenAsync(actor));
    }

    [Fact]
    public async Task A_Failed_Instance_Is_Stopped_Before_Its_Replacement_Starts()
    {
        var stops = 0;
        var actor = Spawn(new ActorOptions { Supervision = new SupervisionOptions { MinBackoff = TimeSpan.FromSeconds(1) } }, () => Interlocked.Increment(ref stops));
        await actor.TellAsync(new Boom(1));
        await actor.TellAsync(new Add(3));
        await Eventually.UntilAsync(() => _failures.Count == 1 && _clock.PendingTimers > 0);

        Assert.Equal(1, Volatile.Read(ref stops));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([3], await SeenAsync(actor));
        Assert.Equal(1, Volatile.Read(ref stops));
    }

    [Fact]
    public async Task Repeated_Failures_Escalate_And_Stop_The_Actor()
    {
        var stopped = false;
        var actor = Spawn(new ActorOptions { Supervision = new SupervisionOptions { MaxFailures = 1, MinBackoff = TimeSpan.FromSeconds(1) } }, () => stopped = true);
        await actor.TellAsync(new Boom(1));
        await actor.TellAsync(new Boom(2));
        await actor.TellAsync(new Add(3));
        await Eventually.UntilAsync(() => _clock.PendingTimers > 0);
        _clock.Advance(TimeSpan.FromSeconds(1));

        await actor.Completion.WaitAsync(Eventually.Patience);
        Assert.True(stopped);
        Assert.True(_failures.Last().Escalated);
        Assert.Contains(_deadLetters, d => d.Message.Equals(new Add(3)));
        Assert.False(actor.Tell(new Add(4)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => SeenAsync(actor));
        Assert.Empty(_log);
    }

    [Fact]
    public async Task A_Full_Mailbox_Pushes_Back_On_Senders()
    {
        var actor = Spawn(new ActorOptions { MailboxCapacity = 2 });
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        await actor.TellAsync(new Block(entered, release));
        Assert.True(entered.Wait(Eventually.Patience));

        Assert.True(actor.Tell(new Add(1)));
        Assert.True(actor.Tell(new Add(2)));
        Assert.False(actor.Tell(new Add(99)));
        Assert.Contains(_deadLetters, d => d.Reason == "the mailbox is full");
        var waiting = actor.TellAsync(new Add(3)).AsTask();
        Assert.False(waiting.IsCompleted);

        release.Set();
        await waiting.WaitAsync(Eventually.Patience);
        Assert.Equal([1, 2, 3], await SeenAsync(actor));
    }

    [Fact]
    public async Task Named_Timers_Fire_On_The_Injected_Clock_And_Can_Be_Replaced_And_Cancelled()
    {
        var actor = Spawn();
        await actor.TellAsync(new StartTimer("tick", 7, TimeSpan.FromSeconds(10), Periodic: true));
        await actor.TellAsync(new StartTimer("once", 1, TimeSpan.FromSeconds(5), Periodic: false));
        await actor.TellAsync(new StartTimer("once", 2, TimeSpan.FromSeconds(15), Periodic: false));
        await Eventually.UntilAsync(() => _clock.PendingTimers == 2);

        _clock.Advance(TimeSpan.FromSeconds(10));
        await Eventually.UntilAsync(() => _log.Count == 1);
        _clock.Advance(TimeSpan.FromSeconds(10));
        await Eventually.UntilAsync(() => _log.Count == 3);
        await actor.TellAsync(new CancelTimer("tick"));
        await SeenAsync(actor);
        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal([7, 2, 7], await SeenAsync(actor));
    }

    [Fact]
    public async Task Timers_Are_Cancelled_When_The_Actor_Restarts()
    {
        var actor = Spawn(new ActorOptions { Supervision = new SupervisionOptions { MinBackoff = TimeSpan.FromSeconds(1) } });
        await actor.TellAsync(new StartTimer("tick", 7, TimeSpan.FromSeconds(10), Periodic: true));
        await actor.TellAsync(new Boom(1));
        await Eventually.UntilAsync(() => !_failures.IsEmpty && _clock.PendingTimers == 1);
        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Empty(await SeenAsync(actor));
        Assert.Empty(_log);
    }

    [Fact]
    public async Task An_Actor_Can_Passivate_Itself_And_A_New_One_Can_Take_Its_Name()
    {
        var stopped = false;
        var actor = Spawn(onStop: () => stopped = true);
        await actor.TellAsync(new Add(1));
        await actor.TellAsync(new StopSelf());
        await actor.Completion.WaitAsync(Eventually.Patience);

        Assert.True(stopped);
        Assert.False(actor.Tell(new Add(2)));
        Assert.Contains(_deadLetters, d => d.Reason == "the actor has stopped");
        Assert.Empty(_system.ActorNames);

        var again = Spawn();
        Assert.Empty(await SeenAsync(again));
        Assert.Throws<InvalidOperationException>(() => Spawn());
    }

    [Fact]
    public async Task Async_Work_Is_Piped_Back_As_A_Message()
    {
        var actor = Spawn();
        var work = new TaskCompletionSource<int>();
        var failing = new TaskCompletionSource<int>();
        await actor.TellAsync(new Work(work.Task));
        await actor.TellAsync(new Work(failing.Task));
        work.SetResult(42);
        failing.SetException(new IOException("disk"));

        await Eventually.UntilAsync(() => _log.Count == 2);
        Assert.Contains(42, _log);
        Assert.Contains(-"disk".Length, _log);
    }

    [Fact]
    public async Task Shutdown_Stops_Every_Actor_After_Its_Current_Message()
    {
        var first = _system.Spawn("a", () => new RecorderActor(_log));
        var second = _system.Spawn("b", () => new RecorderActor(_log));
        await first.TellAsync(new Add(1));
        await SeenAsync(first);

        await _system.ShutdownAsync().WaitAsync(Eventually.Patience);

        Assert.True(first.Completion.IsCompleted && second.Completion.IsCompleted);
        Assert.Empty(_system.ActorNames);
        Assert.Throws<ObjectDisposedException>(() => _system.Spawn("c", () => new RecorderActor(_log)));
    }
}
