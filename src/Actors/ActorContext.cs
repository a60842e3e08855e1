using Microsoft.Extensions.Logging;

namespace LibraryCluster.Actors;

/// <summary>What an actor knows of itself while it handles a message.</summary>
public sealed class ActorContext<TMessage>
    where TMessage : notnull
{
    private readonly ActorCell<TMessage> _cell;

    internal ActorContext(ActorCell<TMessage> cell) => _cell = cell;

    public ActorRef<TMessage> Self => _cell.Self;

    public string Name => _cell.Name;

    public ILogger Logger => _cell.Logger;

    public TimeProvider Time => _cell.Time;

    public ActorTimers<TMessage> Timers => _cell.Timers;

    /// <summary>Stops this actor after the current message (passivation); queued messages become dead letters.</summary>
    public void Stop() => _cell.RequestStop();

    /// <summary>Sends the outcome of async work back to this actor as a message, instead of awaiting it in a handler.</summary>
    public void PipeTo<TResult>(Task<TResult> task, Func<TResult, TMessage> success, Func<Exception, TMessage> failure)
    {
        var self = Self;
        _ = task.ContinueWith(
            async t => await self.TellAsync(t.IsCompletedSuccessfully ? success(t.Result) : failure(t.Exception?.GetBaseException() ?? new OperationCanceledException())).ConfigureAwait(false),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap();
    }
}
