using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace LibraryCluster.Actors;

/// <summary>
/// The runtime of one actor: its mailbox, the loop that hands it one message at a time, and its
/// supervision. The mailbox outlives restarts, so only the message that failed is lost, and it is reported.
/// </summary>
internal sealed class ActorCell<TMessage>
    where TMessage : notnull
{
    private readonly Channel<TMessage> _mailbox;
    private readonly Func<Actor<TMessage>> _factory;
    private readonly ActorOptions _options;
    private readonly ActorSystem _system;
    private readonly Queue<DateTimeOffset> _failures = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopRequested;

    public ActorCell(ActorSystem system, string name, Func<Actor<TMessage>> factory, ActorOptions options)
    {
        _system = system;
        Name = name;
        _factory = factory;
        _options = options;
        _mailbox = Channel.CreateBounded<TMessage>(new BoundedChannelOptions(options.MailboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Self = new ActorRef<TMessage>(this);
        Timers = new ActorTimers<TMessage>(this);
        Logger = system.LoggerFactory.CreateLogger($"LibraryCluster.Actors.{name}");
    }

    public string Name { get; }

    public ActorRef<TMessage> Self { get; }

    public ActorTimers<TMessage> Timers { get; }

    public ILogger Logger { get; }

    public TimeProvider Time => _system.Time;

    public Task Completion => _completion.Task;

    public void Start() => _ = Task.Run(RunAsync);

    public bool TryEnqueue(TMessage message)
    {
        if (!_stopRequested && _mailbox.Writer.TryWrite(message))
        {
            return true;
        }

        DeadLetter(message, _stopRequested ? "the actor has stopped" : "the mailbox is full");
        return false;
    }

    /// <summary>Waits for room in the mailbox; false (and a dead letter) when the actor has stopped.</summary>
    public async ValueTask<bool> EnqueueAsync(TMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (!_stopRequested)
            {
                await _mailbox.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
        catch (ChannelClosedException)
        {
        }

        DeadLetter(message, "the actor has stopped");
        return false;
    }

    public void RequestStop()
    {
        _stopRequested = true;
        _mailbox.Writer.TryComplete();
    }

    private async Task RunAsync()
    {
        Actor<TMessage>? actor = null;
        try
        {
            actor = Create();
            while (await _mailbox.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_mailbox.Reader.TryRead(out var message))
                {
                    if (_stopRequested)
                    {
                        DeadLetter(message, "the actor stopped before handling it");
                        continue;
                    }

                    try
                    {
                        actor!.Receive(message);
                    }
                    catch (Exception e)
                    {
                        // The failed instance gives back what it took in PreStart (subscriptions, running work)
                        // before a fresh one takes over, or the actor stops.
                        StopInstance(actor!);
                        actor = await SuperviseAsync(e, message).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception e)
        {
            // The factory or PreStart threw on the first start: nothing to restart from.
            _system.ReportFailure(new ActorFailure(Name, e, "(start)", 1, Escalated: true));
            ActorLog.StartFailed(Logger, e, Name);
            RequestStop();
        }
        finally
        {
            Timers.CancelAll();
            if (actor is not null)
            {
                StopInstance(actor);
            }

            _system.Remove(Name);
            ActorLog.Stopped(Logger, Name);
            _completion.TrySetResult();
        }
    }

    private void StopInstance(Actor<TMessage> actor)
    {
        try
        {
            actor.PostStop();
        }
        catch (Exception e)
        {
            ActorLog.PostStopFailed(Logger, e, Name);
        }
    }

    /// <summary>Restarts after a back-off (returning the new instance), or stops the actor when it has failed too often (returning null).</summary>
    private async Task<Actor<TMessage>?> SuperviseAsync(Exception exception, TMessage message)
    {
        var supervision = _options.Supervision;
        var now = Time.GetUtcNow();
        _failures.Enqueue(now);
        while (_failures.Peek() < now - supervision.Window)
        {
            _failures.Dequeue();
        }

        Timers.CancelAll();
        var escalate = _failures.Count > supervision.MaxFailures;
        _system.ReportFailure(new ActorFailure(Name, exception, message, _failures.Count, escalate));
        if (escalate)
        {
            ActorLog.Escalated(Logger, exception, Name, _failures.Count, supervision.Window, message.GetType().Name, message);
            RequestStop();
            return null;
        }

        var backoff = supervision.Backoff(_failures.Count);
        ActorLog.Failed(Logger, exception, Name, message.GetType().Name, message, _failures.Count, backoff);
        await Task.Delay(backoff, Time).ConfigureAwait(false);
        if (_stopRequested)
        {
            return null;
        }

        try
        {
            return Create();
        }
        catch (Exception e)
        {
            // A fresh instance that cannot start counts as another failure of the same message.
            return await SuperviseAsync(e, message).ConfigureAwait(false);
        }
    }

    private Actor<TMessage> Create()
    {
        var actor = _factory();
        actor.Attach(new ActorContext<TMessage>(this));
        actor.PreStart();
        return actor;
    }

    private void DeadLetter(TMessage message, string reason)
    {
        ActorLog.DeadLetter(Logger, Name, message, reason);
        _system.ReportDeadLetter(new DeadLetter(Name, message, reason));
    }
}
