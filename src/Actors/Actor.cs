namespace LibraryCluster.Actors;

/// <summary>
/// An actor handles one message at a time from its bounded mailbox. Handlers do not block or await:
/// async work is piped back as a message with <see cref="ActorContext{TMessage}.PipeTo{TResult}"/>.
/// A handler that throws is restarted by its supervisor: a fresh instance, the same mailbox.
/// </summary>
public abstract class Actor<TMessage>
    where TMessage : notnull
{
    /// <summary>The actor's view of itself: its reference, timers, logger, stop.</summary>
    protected ActorContext<TMessage> Context { get; private set; } = null!;

    internal void Attach(ActorContext<TMessage> context) => Context = context;

    /// <summary>Handles one message.</summary>
    protected internal abstract void Receive(TMessage message);

    /// <summary>Runs before the first message, and again after each restart.</summary>
    protected internal virtual void PreStart()
    {
    }

    /// <summary>Runs when the actor stops, and on a failed instance before it is replaced by a restart.</summary>
    protected internal virtual void PostStop()
    {
    }
}
