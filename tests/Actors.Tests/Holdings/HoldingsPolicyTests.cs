using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Holdings;
using LibraryCluster.Torrents.Trackers;

namespace LibraryCluster.Actors.Tests.Holdings;

public class HoldingsPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static TrackerScrape Scraped(string hash, int seeders, int leechers, string tracker = "udp://t:1/announce", double daysAgo = 1) =>
        new(hash, tracker, new ScrapeCounts(seeders, 0, leechers), Now.AddDays(-daysAgo), Now.AddDays(-daysAgo), null);

    private static TrackerScrape Failed(string hash, string error, string tracker = "http://t/announce") =>
        new(hash, tracker, null, null, Now.AddHours(-1), error);

    private static HoldingCandidate Torrent(string name, long size, bool held = false, params Func<string, TrackerScrape>[] scrapes) =>
        new(name, name + "-hash", size, held, scrapes.Select(s => s(name + "-hash")).ToList());

    private static HoldingsPlan Plan(long maxBytes, UnknownSwarms unknown, params HoldingCandidate[] torrents) =>
        HoldingsPolicy.Plan(torrents, new HoldingsOptions { MaxBytes = maxBytes, Now = Now, Unknown = unknown });

    private static HoldingsPlan Plan(long maxBytes, params HoldingCandidate[] torrents) => Plan(maxBytes, UnknownSwarms.Last, torrents);

    [Fact]
    public void Torrents_are_ranked_by_seeders_plus_a_tenth_of_leechers_per_byte_fewest_first()
    {
        // Average size 200: A = (2 + 0) × 200/100 = 4; B = 3 × 200/300 = 2; C = (1 + 0.5) × 200/200 = 1.5.
        var plan = Plan(
            1000,
            Torrent("A", 100, scrapes: h => Scraped(h, 2, 0)),
            Torrent("B", 300, scrapes: h => Scraped(h, 3, 0)),
            Torrent("C", 200, scrapes: h => Scraped(h, 1, 5)));

        Assert.Equal(["C", "B", "A"], plan.Chosen.Select(c => c.Torrent.Name));
        Assert.Equal([1.5, 2, 4], plan.Chosen.Select(c => Math.Round(c.Score!.Value, 9)));
        Assert.Equal([200L, 500, 600], plan.Chosen.Select(c => c.RunningTotal));
        Assert.Equal(600, plan.ChosenBytes);
        Assert.Empty(plan.NotChosen);
    }

    [Fact]
    public void A_torrent_that_does_not_fit_is_skipped_and_smaller_ones_after_it_still_fill_the_room()
    {
        var plan = Plan(
            350,
            Torrent("A", 100, scrapes: h => Scraped(h, 2, 0)),
            Torrent("B", 300, scrapes: h => Scraped(h, 3, 0)),
            Torrent("C", 200, scrapes: h => Scraped(h, 1, 5)));

        Assert.Equal(["C", "A"], plan.Chosen.Select(c => c.Torrent.Name));
        Assert.Equal(300, plan.ChosenBytes);
        var skipped = Assert.Single(plan.NotChosen);
        Assert.Equal("B", skipped.Torrent.Name);
        Assert.Equal("does not fit: 150 bytes left", skipped.Reason);
    }

    [Fact]
    public void A_torrent_without_seeders_comes_first_when_held_and_is_left_out_when_not()
    {
        var plan = Plan(
            10_000,
            Torrent("dead-held", 500, held: true, h => Scraped(h, 0, 3)),
            Torrent("dead", 500, held: false, h => Scraped(h, 0, 3)),
            Torrent("alive", 500, held: false, h => Scraped(h, 1, 0)));

        Assert.Equal(["dead-held", "alive"], plan.Chosen.Select(c => c.Torrent.Name));
        var dead = Assert.Single(plan.NotChosen);
        Assert.Equal("dead", dead.Torrent.Name);
        Assert.Equal("no seeders and not held: nothing to fetch it from", dead.Reason);
        Assert.Equal(500, plan.BytesToFetch);
    }

    [Fact]
    public void Torrents_of_unknown_swarm_come_after_every_known_one_held_first_or_are_skipped()
    {
        HoldingCandidate[] torrents =
        [
            Torrent("never", 100),
            Torrent("failed", 100, scrapes: h => Failed(h, "connection refused")),
            Torrent("stale", 100, held: true, h => Scraped(h, 0, 0, daysAgo: 45)),
            Torrent("known", 100, scrapes: h => Scraped(h, 50, 0)),
        ];

        var last = Plan(1000, UnknownSwarms.Last, torrents);
        var skip = Plan(1000, UnknownSwarms.Skip, torrents);

        Assert.Equal(["known", "stale", "failed", "never"], last.Chosen.Select(c => c.Torrent.Name));
        Assert.Equal(
            [SwarmKnowledge.Known, SwarmKnowledge.Stale, SwarmKnowledge.Failed, SwarmKnowledge.NeverScraped],
            last.Chosen.Select(c => c.Knowledge));
        Assert.Equal("seeder count unknown: placed after every known one", last.Chosen[1].Reason);
        Assert.Equal("counts from 2026-10-07 12:00:00Z are older than 30 days", last.Chosen[1].Note);
        Assert.Equal("1 tracker failing, latest: http://t/announce: connection refused", last.Chosen[2].Note);
        Assert.Equal("never scraped", last.Chosen[3].Note);
        Assert.Null(last.Chosen[3].Score);

        Assert.Equal(["known"], skip.Chosen.Select(c => c.Torrent.Name));
        Assert.Equal(["stale", "failed", "never"], skip.NotChosen.Select(c => c.Torrent.Name));
        Assert.All(skip.NotChosen, c => Assert.Equal("seeder count unknown: skipped", c.Reason));
        Assert.Equal(["stale"], skip.HeldNotChosen.Select(c => c.Torrent.Name));
    }

    [Fact]
    public void The_tracker_reporting_the_most_seeders_gives_the_counts_and_failing_ones_are_noted()
    {
        var plan = Plan(
            1000,
            Torrent(
                "A",
                100,
                false,
                h => Scraped(h, 2, 9, "udp://one:1/announce"),
                h => Scraped(h, 7, 1, "http://two/announce"),
                h => Failed(h, "HTTP 502 Bad Gateway", "http://three/announce")));

        var choice = Assert.Single(plan.Chosen);
        Assert.Equal(new ScrapeCounts(7, 0, 1), choice.Counts);
        Assert.Equal("http://two/announce", choice.Tracker);
        Assert.Equal(SwarmKnowledge.Known, choice.Knowledge);
        Assert.Equal("1 tracker failing, latest: http://three/announce: HTTP 502 Bad Gateway", choice.Note);
    }

    [Fact]
    public void Nothing_is_chosen_without_room_and_a_negative_size_is_refused()
    {
        var plan = Plan(0, Torrent("A", 1, scrapes: h => Scraped(h, 1, 0)));

        Assert.Empty(plan.Chosen);
        Assert.Equal("does not fit: 0 bytes left", Assert.Single(plan.NotChosen).Reason);
        var error = Assert.Throws<ArgumentException>(() => Plan(-1, Torrent("A", 1)));
        Assert.Contains("-1 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plan_does_not_depend_on_the_order_of_its_input()
    {
        var torrents = Enumerable.Range(0, 40)
            .Select(i => Torrent($"t{i:D2}", 100 + (i * 37 % 11 * 50), i % 7 == 0, h => Scraped(h, i % 5, i % 3)))
            .ToArray();

        var forward = Plan(5_000, torrents);
        var backward = Plan(5_000, torrents.Reverse().ToArray());

        Assert.Equal(forward.Chosen.Select(c => c.Torrent.Name), backward.Chosen.Select(c => c.Torrent.Name));
        Assert.True(forward.ChosenBytes <= 5_000);
    }
}
