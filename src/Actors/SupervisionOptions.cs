namespace LibraryCluster.Actors;

/// <summary>What a supervisor does when an actor's handler throws.</summary>
public sealed record SupervisionOptions
{
    /// <summary>The first restart waits this long; each further one doubles it.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>More failures than this within <see cref="Window"/> escalate: the actor stops and the failure is reported.</summary>
    public int MaxFailures { get; init; } = 5;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The back-off before restart number <paramref name="failures"/> (1-based).</summary>
    public TimeSpan Backoff(int failures)
    {
        var ticks = MinBackoff.Ticks * Math.Pow(2, Math.Max(0, failures - 1));
        return TimeSpan.FromTicks((long)Math.Min(ticks, MaxBackoff.Ticks));
    }
}

/// <summary>Options for one actor.</summary>
public sealed record ActorOptions
{
    /// <summary>Messages the mailbox holds before <see cref="ActorRef{TMessage}.TellAsync"/> waits and <see cref="ActorRef{TMessage}.Tell"/> refuses.</summary>
    public int MailboxCapacity { get; init; } = 1024;

    public SupervisionOptions Supervision { get; init; } = new();
}
