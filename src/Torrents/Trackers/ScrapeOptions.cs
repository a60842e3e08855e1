namespace LibraryCluster.Torrents.Trackers;

/// <summary>How patient scraping is, how much it asks at once, and how long a failing tracker is left alone.</summary>
public sealed record ScrapeOptions
{
    /// <summary>How long an HTTP scrape may take, from sending the request to the end of the reply.</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// BEP 15's first wait for a UDP reply; try n (from 0) waits <c>UdpTimeout × 2^n</c>. BEP 15 says 15 s and up to
    /// 8 retransmissions (more than an hour in all); <see cref="UdpRetransmissions"/> bounds it.
    /// </summary>
    public TimeSpan UdpTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How many times a UDP request is sent again after a wait without reply (default 1: 15 s + 30 s).</summary>
    public int UdpRetransmissions { get; init; } = 1;

    /// <summary>
    /// Torrents per HTTP scrape request. 64 because opentracker answers at most 64 and silently drops the rest,
    /// which would read as torrents without peers.
    /// </summary>
    public int HttpBatchSize { get; init; } = 64;

    /// <summary>Torrents per UDP scrape packet: at most 74 (BEP 15).</summary>
    public int UdpBatchSize { get; init; } = UdpTrackerMessages.MaxHashesPerScrape;

    /// <summary>How long a tracker is left alone after its first failure; doubled for each failure in a row.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest back-off.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How many trackers are scraped at once.</summary>
    public int MaxParallelTrackers { get; init; } = 8;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting out of range and its value.</summary>
    public void Validate()
    {
        Check(HttpTimeout > TimeSpan.Zero, nameof(HttpTimeout), HttpTimeout);
        Check(UdpTimeout > TimeSpan.Zero, nameof(UdpTimeout), UdpTimeout);
        Check(UdpRetransmissions is >= 0 and <= 8, nameof(UdpRetransmissions), UdpRetransmissions, "0 to 8 (BEP 15)");
        Check(HttpBatchSize >= 1, nameof(HttpBatchSize), HttpBatchSize);
        Check(UdpBatchSize is >= 1 and <= UdpTrackerMessages.MaxHashesPerScrape, nameof(UdpBatchSize), UdpBatchSize, "1 to 74 (BEP 15)");
        Check(BackoffInitial >= TimeSpan.Zero && BackoffMax >= BackoffInitial, nameof(BackoffMax), BackoffMax, $"at least {nameof(BackoffInitial)} ({BackoffInitial})");
        Check(MaxParallelTrackers >= 1, nameof(MaxParallelTrackers), MaxParallelTrackers);
    }

    private static void Check(bool ok, string name, object value, string expected = "positive")
    {
        if (!ok)
        {
            throw new ArgumentException($"scrape option {name} is {value}; it must be {expected}");
        }
    }
}
