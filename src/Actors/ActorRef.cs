namespace LibraryCluster.Actors;

/// <summary>The only way to reach an actor: tell, ask, stop. Safe to share between threads.</summary>
public sealed class ActorRef<TMessage> : IStoppable
    where TMessage : notnull
{
    private readonly ActorCell<TMessage> _cell;

    internal ActorRef(ActorCell<TMessage> cell) => _cell = cell;

    public string Name => _cell.Name;

    /// <summary>Completes when the actor has stopped for good.</summary>
    public Task Completion => _cell.Completion;

    /// <summary>Queues a message without waiting; false (and a dead letter) when the mailbox is full or the actor stopped.</summary>
    public bool Tell(TMessage message) => _cell.TryEnqueue(message);

    /// <summary>Queues a message, waiting for room in a full mailbox (back-pressure).</summary>
    public async ValueTask TellAsync(TMessage message, CancellationToken cancellationToken = default) =>
        await _cell.EnqueueAsync(message, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Sends the message <paramref name="create"/> builds around a reply, and waits for the answer.
    /// Throws <see cref="TimeoutException"/> when none comes within <paramref name="timeout"/>, and
    /// <see cref="InvalidOperationException"/> at once when the actor has stopped.
    /// </summary>
    public async Task<TReply> AskAsync<TReply>(Func<Reply<TReply>, TMessage> create, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var reply = new Reply<TReply>();
        if (!await _cell.EnqueueAsync(create(reply), cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"actor {Name} has stopped");
        }

        try
        {
            return await reply.Answer.WaitAsync(timeout, _cell.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"actor {Name} did not answer within {timeout}");
        }
    }

    /// <summary>Stops the actor after the message it is handling; queued messages become dead letters.</summary>
    public Task StopAsync()
    {
        _cell.RequestStop();
        return _cell.Completion;
    }

    public override string ToString() => $"actor {Name}";
}

/// <summary>What the system needs of any actor, whatever its message type: a way to stop it.</summary>
public interface IStoppable
{
    Task StopAsync();
}
