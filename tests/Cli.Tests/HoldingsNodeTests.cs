using System.Globalization;
using System.Text.Json;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Trackers;

namespace LibraryCluster.Cli.Tests;

/// <summary>A node of its own: these tests set its holdings policy and let copies go.</summary>
public sealed class HoldingsNode : RunningNode;

/// <summary>
/// <c>holdings show|plan|set</c> against a real single-node mirror: a plan says what a set would change and
/// changes nothing; a set makes the node hold what it chose and keep (or, asked, release) the rest; a release that
/// could delete the last copy anywhere is refused; auth and bad input as for every verb.
/// </summary>
public sealed class HoldingsNodeTests(HoldingsNode node) : IClassFixture<HoldingsNode>
{
    private static string Tb(long bytes) => (bytes / 1e12).ToString("0.##############", CultureInfo.InvariantCulture);

    /// <summary>Seeder counts for every torrent but the last (or every one): what the node's scrapes would have stored. The first has none unless <paramref name="atLeast"/>.</summary>
    private string RecordScrapes(bool everyOne = false, int atLeast = 0)
    {
        var torrents = node.Manifest.Torrents.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var counts = torrents.SkipLast(everyOne ? 0 : 1).Select((t, i) => (t, i)).ToDictionary(p => InfoHash.Parse(p.t.InfoHash), p => new ScrapeCounts(atLeast + (p.i * 3), 10, 1));
        new ScrapeStore(ClusterDatabase.Sqlite(Path.Join(node.DataDirectory, "node.db"))).Record(new TrackerScrapeReport("udp://tracker.test:1337/announce", DateTimeOffset.UtcNow, counts, [], null));
        return torrents[^1].Name;
    }

    private async Task<long> EpochAsync() => (await node.JsonAsync("cluster", "show")).GetProperty("epoch").GetInt64();

    private static List<string> Names(JsonElement rows) => [.. rows.EnumerateArray().Select(r => r.GetProperty("name").GetString()!)];

    [Fact]
    public async Task A_plan_shows_what_a_set_changes_a_set_holds_the_choice_and_keeps_or_releases_the_rest()
    {
        var unscraped = RecordScrapes();

        // No policy: every registered torrent is wanted.
        var (code, output, _) = await node.RunAsync("holdings", "show");
        Assert.Equal(0, code);
        Assert.StartsWith("Policy: none", output, StringComparison.Ordinal);
        var none = await node.JsonAsync("holdings", "show");
        Assert.Equal(JsonValueKind.Null, none.GetProperty("policy").ValueKind);
        Assert.Equal(node.Manifest.Torrents.Count, none.GetProperty("wanted").GetInt32());

        // Half the bytes, torrents nobody scraped skipped: the plan changes nothing and says what a set would.
        var budget = Tb(node.Manifest.Torrents.Sum(t => t.Bytes) / 2);
        var epoch = await EpochAsync();
        var plan = await node.JsonAsync("holdings", "plan", "--max-tb", budget, "--unscraped", "Skip");
        var chosen = Names(plan.GetProperty("chosen"));
        var notChosen = Names(plan.GetProperty("notChosen"));
        Assert.NotEmpty(chosen);
        Assert.Contains(unscraped, notChosen);
        Assert.Equal(node.Manifest.Torrents.Count, chosen.Count + notChosen.Count);
        Assert.All(plan.GetProperty("notChosen").EnumerateArray(), r => Assert.Equal("Keep", r.GetProperty("change").GetString()));
        Assert.Equal(notChosen.Count, plan.GetProperty("changes").GetProperty("keep").GetInt32());
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("changes").GetProperty("current").ValueKind);
        (code, output, _) = await node.RunAsync("holdings", "plan", "--max-tb", budget, "--unscraped", "Skip");
        Assert.Equal(0, code);
        Assert.Contains(" change ", output.Split('\n').First(l => l.Contains("torrent", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains($"{unscraped} (", output, StringComparison.Ordinal);
        Assert.Contains("nothing changed", output, StringComparison.Ordinal);
        Assert.Equal(epoch, await EpochAsync());

        // Set: the plan's choice is wanted, the rest kept (they are held). The same again changes nothing.
        (code, output, _) = await node.RunAsync("holdings", "set", "--max-tb", budget, "--unscraped", "Skip");
        Assert.Equal(0, code);
        Assert.StartsWith("holdings policy set", output, StringComparison.Ordinal);
        Assert.Contains($"No longer wanted: {notChosen.Count} kept", output, StringComparison.Ordinal);
        var again = await node.JsonAsync("holdings", "set", "--max-tb", budget, "--unscraped", "Skip");
        Assert.False(again.GetProperty("result").GetProperty("changed").GetBoolean());
        Assert.StartsWith("Nothing to do: the cluster follows this holdings policy already", (await node.RunAsync("holdings", "set", "--max-tb", budget, "--unscraped", "Skip")).Output, StringComparison.Ordinal);

        var show = await node.JsonAsync("holdings", "show");
        Assert.Equal(chosen.Count, show.GetProperty("wanted").GetInt32());
        Assert.Equal(chosen.Count, show.GetProperty("wantedHeld").GetInt32());
        Assert.Equal(notChosen.Count, show.GetProperty("kept").GetInt32());
        Assert.Equal("Skip", show.GetProperty("policy").GetProperty("unknown").GetString());
        (code, output, _) = await node.RunAsync("holdings", "show");
        Assert.Equal(0, code);
        Assert.Contains($"Kept without being wanted: {notChosen.Count} torrents", output, StringComparison.Ordinal);
        Assert.Contains($"holdings policy: Kept", (await node.RunAsync("torrents", "show", notChosen[0])).Output, StringComparison.Ordinal);
        var journal = await node.JsonAsync("journal", "tail", "-n", "20");
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("from").GetString() == "none" && e.GetProperty("to").GetString()!.EndsWith(" TB", StringComparison.Ordinal)
            && e.GetProperty("reason").GetString()!.Contains($"asked by {Environment.UserName}@", StringComparison.Ordinal));

        // Releasing what no tracker vouches for is refused and changes nothing: the copies here may be the last anywhere.
        epoch = await EpochAsync();
        var refused = await node.RunAsync("holdings", "set", "--max-tb", budget, "--unscraped", "Skip", "--release");
        Assert.Equal(6, refused.ExitCode);
        Assert.Contains("no tracker reports a seeder for", refused.Error, StringComparison.Ordinal);
        Assert.Contains(unscraped, refused.Error, StringComparison.Ordinal);
        Assert.Equal(epoch, await EpochAsync());

        // Once a tracker reports seeders for every one, the torrents not chosen are released: every copy goes.
        RecordScrapes(everyOne: true, atLeast: 1);
        var released = await node.JsonAsync("holdings", "plan", "--max-tb", budget, "--release");
        chosen = Names(released.GetProperty("chosen"));
        notChosen = Names(released.GetProperty("notChosen"));
        Assert.NotEmpty(notChosen);
        Assert.Empty(released.GetProperty("changes").GetProperty("lastCopies").EnumerateArray());
        (code, output, _) = await node.RunAsync("holdings", "set", "--max-tb", budget, "--release");
        Assert.Equal(0, code);
        Assert.Contains($"{notChosen.Count} released", output, StringComparison.Ordinal);
        foreach (var torrent in notChosen)
        {
            await Eventually.UntilAsync(
                () => node.JsonAsync("torrents", "show", torrent),
                shown => shown.GetProperty("replicas").GetArrayLength() == 0,
                TimeSpan.FromMilliseconds(100));
            Assert.False(Directory.Exists(Path.Join(node.Volume("a"), torrent)) || Directory.Exists(Path.Join(node.Volume("b"), torrent)));
        }

        foreach (var torrent in chosen)
        {
            Assert.Equal("Healthy", (await node.JsonAsync("torrents", "show", torrent)).GetProperty("replicas")[0].GetProperty("state").GetString());
        }

        var status = await node.RunAsync("cluster", "status");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains($"{notChosen.Count} not wanted by the holdings policy", status.Output, StringComparison.Ordinal);

        // Room for everything again: what was released is wanted and must be fetched; with no source, it waits (exit 4).
        var everything = Tb(node.Manifest.Torrents.Sum(t => t.Bytes) * 2);
        var fetch = await node.JsonAsync("holdings", "plan", "--max-tb", everything);
        Assert.Equal(notChosen.Order(StringComparer.Ordinal), fetch.GetProperty("chosen").EnumerateArray().Where(r => r.GetProperty("change").GetString() == "Fetch").Select(r => r.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(0, (await node.RunAsync("holdings", "set", "--max-tb", everything)).ExitCode);
        (code, output, _) = await node.RunAsync("holdings", "show");
        Assert.Equal(4, code);
        Assert.Contains($"{notChosen.Count} not held", output, StringComparison.Ordinal);
        Assert.Equal($"Count: {notChosen.Count} wanted torrents not held in full", output.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public async Task Without_the_token_every_holdings_verb_exits_7_and_bad_options_exit_2_with_the_reason()
    {
        foreach (var args in new[] { new[] { "holdings", "show" }, ["holdings", "plan", "--max-tb", "1"], ["holdings", "set", "--max-tb", "1"] })
        {
            var denied = await CliRunner.RunAsync([.. args, "--node", node.Address]);
            Assert.Equal(7, denied.ExitCode);
            Assert.Contains("LIBCLUSTER_TOKEN", denied.Error, StringComparison.Ordinal);
        }

        var epoch = await EpochAsync();
        (string[] Args, string Expected)[] bad =
        [
            (["holdings", "set", "--max-tb", "-1"], "--max-tb -1"),
            (["holdings", "plan", "--max-tb", "1", "--max-age-days", "0"], "--max-age-days 0"),
            (["holdings", "set", "--max-tb", "1", "--force"], "--force"),
            (["holdings", "plan", "--max-tb", "1", node.DataDirectory], "needs the database"),
            (["holdings", "plan", "--max-tb", "1", "--db", Path.Join(node.DataDirectory, "node.db")], "go with TORRENT"),
        ];
        foreach (var (args, expected) in bad)
        {
            var (code, _, error) = await node.RunAsync(args);
            Assert.True(code == 2, $"{string.Join(' ', args)} exited {code}: {error}");
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }

        Assert.Equal(epoch, await EpochAsync());
    }
}
