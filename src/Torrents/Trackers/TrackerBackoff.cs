namespace LibraryCluster.Torrents.Trackers;

/// <summary>
/// Per-tracker back-off: after a failure a tracker is not asked again for <c>initial × 2^(failures − 1)</c>, at most
/// <c>max</c>; a success forgets its failures. Thread-safe.
/// </summary>
public sealed class TrackerBackoff(TimeSpan initial, TimeSpan max, TimeProvider time)
{
    private readonly Dictionary<string, (int Failures, DateTimeOffset Until, string Error)> _failing = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="tracker"/> is being left alone now; if so, until when, after how many failures, and the last error.</summary>
    public bool IsBackingOff(string tracker, out DateTimeOffset until, out int failures, out string lastError)
    {
        lock (_failing)
        {
            if (_failing.TryGetValue(tracker, out var state) && time.GetUtcNow() < state.Until)
            {
                (failures, until, lastError) = state;
                return true;
            }
        }

        (until, failures, lastError) = (default, 0, string.Empty);
        return false;
    }

    /// <summary>Records a failure and returns when the tracker may be asked again.</summary>
    public DateTimeOffset Failed(string tracker, string error)
    {
        lock (_failing)
        {
            var failures = _failing.TryGetValue(tracker, out var state) ? state.Failures + 1 : 1;
            var wait = TimeSpan.FromTicks((long)Math.Min(max.Ticks, initial.Ticks * Math.Pow(2, Math.Min(failures - 1, 30))));
            var until = time.GetUtcNow() + wait;
            _failing[tracker] = (failures, until, error);
            return until;
        }
    }

    public void Succeeded(string tracker)
    {
        lock (_failing)
        {
            _failing.Remove(tracker);
        }
    }
}
