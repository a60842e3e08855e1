namespace LibraryCluster.Actors;

/// <summary>
/// Named timers that send a message to their actor. Starting a timer under a name already in use
/// replaces it; all of an actor's timers are cancelled when it restarts or stops. A timer that was
/// replaced or cancelled never delivers, even if its callback was already running.
/// </summary>
public sealed class ActorTimers<TMessage>
    where TMessage : notnull
{
    private readonly Dictionary<string, (ITimer Timer, long Generation)> _timers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly ActorCell<TMessage> _cell;
    private long _generation;

    internal ActorTimers(ActorCell<TMessage> cell) => _cell = cell;

    /// <summary>Sends <paramref name="message"/> once after <paramref name="delay"/>.</summary>
    public void StartSingle(string name, TMessage message, TimeSpan delay) => Start(name, message, delay, Timeout.InfiniteTimeSpan);

    /// <summary>Sends <paramref name="message"/> every <paramref name="interval"/>, the first time after one interval.</summary>
    public void StartPeriodic(string name, TMessage message, TimeSpan interval) => Start(name, message, interval, interval);

    public bool IsActive(string name)
    {
        lock (_lock)
        {
            return _timers.ContainsKey(name);
        }
    }

    public void Cancel(string name)
    {
        lock (_lock)
        {
            if (_timers.Remove(name, out var timer))
            {
                timer.Timer.Dispose();
            }
        }
    }

    private static readonly TimeSpan LongestLeg = TimeSpan.FromDays(40);

    internal void CancelAll()
    {
        lock (_lock)
        {
            foreach (var timer in _timers.Values)
            {
                timer.Timer.Dispose();
            }

            _timers.Clear();
        }
    }

    private void Start(string name, TMessage message, TimeSpan due, TimeSpan period)
    {
        lock (_lock)
        {
            Cancel(name);
            var generation = ++_generation;
            var single = period == Timeout.InfiniteTimeSpan;

            // System timers take at most about 49.7 days; a longer single wait (a 90-day scrub) goes in legs.
            var rest = single && due > LongestLeg ? due - LongestLeg : TimeSpan.Zero;
            var timer = _cell.Time.CreateTimer(_ => Fire(name, generation, message, single, rest), null, rest > TimeSpan.Zero ? LongestLeg : due, period);
            _timers[name] = (timer, generation);
        }
    }

    private void Fire(string name, long generation, TMessage message, bool single, TimeSpan rest)
    {
        lock (_lock)
        {
            if (!_timers.TryGetValue(name, out var current) || current.Generation != generation)
            {
                return;
            }

            if (single)
            {
                _timers.Remove(name);
                current.Timer.Dispose();
            }
        }

        if (rest > TimeSpan.Zero)
        {
            Start(name, message, rest, Timeout.InfiniteTimeSpan);
            return;
        }

        if (!_cell.Self.Tell(message))
        {
            ActorLog.TimerDropped(_cell.Logger, _cell.Name, name);
        }
    }
}
