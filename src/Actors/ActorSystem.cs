using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LibraryCluster.Actors;

/// <summary>
/// Owns actors: spawns them under unique names, reports their failures and dead letters, and stops
/// them all on shutdown. Time comes from an injected <see cref="TimeProvider"/>, so tests control it.
/// </summary>
public sealed class ActorSystem(ILoggerFactory? loggerFactory = null, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IStoppable> _actors = new(StringComparer.Ordinal);
    private volatile bool _shuttingDown;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory ?? NullLoggerFactory.Instance;

    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    /// <summary>Raised (on the actor's thread) when a handler throws.</summary>
    public event Action<ActorFailure>? Failed;

    /// <summary>Raised when a message will never be handled.</summary>
    public event Action<DeadLetter>? DeadLetters;

    public IReadOnlyCollection<string> ActorNames => [.. _actors.Keys];

    /// <summary>Starts an actor. The name must not belong to a running actor.</summary>
    public ActorRef<TMessage> Spawn<TMessage>(string name, Func<Actor<TMessage>> factory, ActorOptions? options = null)
        where TMessage : notnull
    {
        ObjectDisposedException.ThrowIf(_shuttingDown, this);
        options ??= new ActorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MailboxCapacity, 1);
        var cell = new ActorCell<TMessage>(this, name, factory, options);
        if (!_actors.TryAdd(name, cell.Self))
        {
            throw new InvalidOperationException($"an actor named {name} is already running");
        }

        cell.Start();
        return cell.Self;
    }

    /// <summary>The running actor with this name and message type, if any.</summary>
    public ActorRef<TMessage>? Find<TMessage>(string name)
        where TMessage : notnull => _actors.GetValueOrDefault(name) as ActorRef<TMessage>;

    /// <summary>Stops every actor after its current message and waits for them.</summary>
    public async Task ShutdownAsync()
    {
        _shuttingDown = true;
        await Task.WhenAll(_actors.Values.Select(actor => actor.StopAsync())).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    internal void Remove(string name) => _actors.TryRemove(name, out _);

    internal void ReportFailure(ActorFailure failure) => Failed?.Invoke(failure);

    internal void ReportDeadLetter(DeadLetter letter) => DeadLetters?.Invoke(letter);
}
