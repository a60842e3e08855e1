using System.Text.Json;
using LibraryCluster.Testing;

namespace LibraryCluster.Cli.Tests;

/// <summary>The operator verbs against a real single-node mirror: tables, JSON, exit codes, auth, refusals, contexts.</summary>
public sealed class OperatorCommandTests(RunningNode node) : IClassFixture<RunningNode>
{
    [Fact]
    public async Task Cluster_show_lists_one_line_per_node_then_the_count_and_its_json_has_the_same()
    {
        var (code, output, error) = await node.RunAsync("cluster", "show");

        Assert.True(code == 0, error);
        var line = output.Split('\n').Single(l => l.TrimStart().StartsWith("local ", StringComparison.Ordinal));
        Assert.Contains(node.Address.TrimEnd('/') + "/", line, StringComparison.Ordinal);
        Assert.Contains(" Up ", line, StringComparison.Ordinal);
        Assert.Contains($"{node.Manifest.Torrents.Count}/{node.Manifest.Torrents.Count}", line, StringComparison.Ordinal);
        Assert.Contains("s ago", line, StringComparison.Ordinal);
        Assert.Equal("Count: 1 nodes", output.TrimEnd().Split('\n')[^1]);

        var json = await node.JsonAsync("cluster", "show");
        var only = Assert.Single(json.GetProperty("nodes").EnumerateArray());
        Assert.Equal("local", only.GetProperty("id").GetString());
        Assert.Equal(2, only.GetProperty("volumes").GetInt32());
        Assert.True(json.GetProperty("singleNode").GetBoolean());
    }

    [Fact]
    public async Task Cluster_status_of_a_settled_node_is_healthy_with_exit_0()
    {
        var (code, output, _) = await node.RunAsync("cluster", "status");

        Assert.Equal(0, code);
        Assert.StartsWith("Cluster: healthy (single node)", output, StringComparison.Ordinal);
        Assert.Contains($"Torrents: {node.Manifest.Torrents.Count} ", output, StringComparison.Ordinal);
        var json = await node.JsonAsync("cluster", "status");
        Assert.True(json.GetProperty("healthy").GetBoolean());
        Assert.Empty(json.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task Volumes_list_shows_both_volumes_with_their_copies_and_show_lists_a_volumes_copies()
    {
        var (code, output, _) = await node.RunAsync("volumes", "list");

        Assert.Equal(0, code);
        Assert.Contains(output.Split('\n'), l => l.TrimStart().StartsWith("local/a ", StringComparison.Ordinal) && l.Contains(" In ", StringComparison.Ordinal));
        Assert.Contains(output.Split('\n'), l => l.TrimStart().StartsWith("local/b ", StringComparison.Ordinal));
        Assert.Equal("Count: 2 volumes", output.TrimEnd().Split('\n')[^1]);

        var volumes = await node.JsonAsync("volumes", "list");
        Assert.Equal(node.Manifest.Torrents.Count, volumes.EnumerateArray().Sum(v => v.GetProperty("replicas").GetInt32()));

        // A bare name is enough when only one node has a volume of that name.
        var onA = Directory.GetDirectories(node.Volume("a")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var shown = await node.JsonAsync("volumes", "show", "a");
        Assert.Equal("local/a", shown.GetProperty("volume").GetProperty("id").GetString());
        Assert.Equal(onA, shown.GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("torrent").GetString()).Order(StringComparer.Ordinal).ToList());

        var (missing, _, error) = await node.RunAsync("volumes", "show", "local/zz");
        Assert.Equal(5, missing);
        Assert.Contains("no volume local/zz", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Torrents_list_filters_by_state_collection_and_health()
    {
        var (code, output, _) = await node.RunAsync("torrents", "list");
        Assert.Equal(0, code);
        Assert.Equal($"Count: {node.Manifest.Torrents.Count} torrents", output.TrimEnd().Split('\n')[^1]);
        Assert.Contains(output.Split('\n'), l => l.TrimStart().StartsWith("r_000 ", StringComparison.Ordinal) && l.Contains("1/1", StringComparison.Ordinal) && l.Contains("Ok", StringComparison.Ordinal));

        var scimag = await node.JsonAsync("torrents", "list", "--collection", "scimag");
        Assert.All(scimag.EnumerateArray(), t => Assert.StartsWith("sm_", t.GetProperty("name").GetString(), StringComparison.Ordinal));
        Assert.NotEmpty(scimag.EnumerateArray());
        Assert.Empty((await node.JsonAsync("torrents", "list", "--unhealthy")).EnumerateArray());
        Assert.Empty((await node.JsonAsync("torrents", "list", "--state", "Damaged")).EnumerateArray());
        Assert.Equal(node.Manifest.Torrents.Count, (await node.JsonAsync("torrents", "list", "--state", "Healthy")).GetArrayLength());

        var (bad, _, error) = await node.RunAsync("torrents", "list", "--collection", "books");
        Assert.Equal(2, bad);
        Assert.Contains("books", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Torrents_show_says_where_the_copy_is_why_placement_put_it_there_and_when_it_was_checked()
    {
        var (code, output, _) = await node.RunAsync("torrents", "show", "r_1000");

        Assert.Equal(0, code);
        Assert.Contains("Torrent: r_1000 (scitech)", output, StringComparison.Ordinal);
        Assert.Contains("Copies: 1 Healthy of 1 wanted (Ok)", output, StringComparison.Ordinal);
        Assert.Contains("weighted rendezvous", output, StringComparison.Ordinal);
        Assert.Contains("Seeders: never scraped", output, StringComparison.Ordinal);

        var json = await node.JsonAsync("torrents", "show", "r_1000");
        var replica = Assert.Single(json.GetProperty("replicas").EnumerateArray());
        Assert.Equal("Healthy", replica.GetProperty("state").GetString());
        Assert.True(replica.GetProperty("counts").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, json.GetProperty("lastScrub").ValueKind);
        var target = Assert.Single(json.GetProperty("placement").EnumerateArray());
        Assert.InRange(target.GetProperty("rank").GetInt32(), 1, 2);

        Assert.Equal(5, (await node.RunAsync("torrents", "show", "r_999000")).ExitCode);
    }

    [Fact]
    public async Task Without_the_token_or_with_a_wrong_one_every_verb_exits_7_and_says_how_to_give_it()
    {
        var none = await CliRunner.RunAsync("cluster", "show", "--node", node.Address);
        Assert.Equal(7, none.ExitCode);
        Assert.Contains("LIBCLUSTER_TOKEN", none.Error, StringComparison.Ordinal);

        var wrong = await CliRunner.RunAsync(new CliRun { Environment = new Dictionary<string, string?> { ["LIBCLUSTER_TOKEN"] = "not-the-token-at-all" } }, "volumes", "drain", "local/b", "--node", node.Address);
        Assert.Equal(7, wrong.ExitCode);
        Assert.Contains("refused the admin token", wrong.Error, StringComparison.Ordinal);
        Assert.Equal("In", (await node.JsonAsync("volumes", "show", "local/b")).GetProperty("volume").GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_node_that_does_not_answer_exits_8_and_a_bad_address_exits_2()
    {
        var closed = LoopbackPorts.Free();
        var (code, _, error) = await CliRunner.RunAsync(new CliRun { Environment = new Dictionary<string, string?> { ["LIBCLUSTER_TOKEN"] = RunningNode.Token } }, "cluster", "status", "--node", $"http://127.0.0.1:{closed}");
        Assert.Equal(8, code);
        Assert.Contains($"127.0.0.1:{closed}", error, StringComparison.Ordinal);

        var (bad, _, badError) = await CliRunner.RunAsync("cluster", "show", "--node", "ftp://nowhere");
        Assert.Equal(2, bad);
        Assert.Contains("http://HOST:PORT", badError, StringComparison.Ordinal);

        var (nowhere, _, nowhereError) = await CliRunner.RunAsync("cluster", "show");
        Assert.Equal(2, nowhere);
        Assert.Contains("--node", nowhereError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_that_would_lose_data_are_refused_with_exit_6_and_change_nothing()
    {
        var epoch = (await node.JsonAsync("cluster", "show")).GetProperty("epoch").GetInt64();

        var down = await node.RunAsync("cluster", "down", "local");
        Assert.Equal(6, down.ExitCode);
        Assert.Contains("only node", down.Error, StringComparison.Ordinal);

        var leave = await node.RunAsync("cluster", "leave", "local");
        Assert.Equal(6, leave.ExitCode);
        Assert.Contains("only node", leave.Error, StringComparison.Ordinal);

        var fail = await node.RunAsync("volumes", "fail", "local/a");
        Assert.Equal(6, fail.ExitCode);
        Assert.Contains("last Healthy copy", fail.Error, StringComparison.Ordinal);
        Assert.Contains("--force", fail.Error, StringComparison.Ordinal);

        var out_ = await node.RunAsync("volumes", "out", "local/a");
        Assert.Equal(6, out_.ExitCode);
        Assert.Contains("drain it first", out_.Error, StringComparison.Ordinal);

        Assert.Equal(epoch, (await node.JsonAsync("cluster", "show")).GetProperty("epoch").GetInt64());
        Assert.Equal(5, (await node.RunAsync("cluster", "down", "node9")).ExitCode);
    }

    [Fact]
    public async Task Bringing_in_a_volume_that_is_in_changes_nothing_and_says_so()
    {
        var (code, output, _) = await node.RunAsync("volumes", "in", "local/a");

        Assert.Equal(0, code);
        Assert.StartsWith("Nothing to do: local/a is In already", output, StringComparison.Ordinal);
        var json = await node.JsonAsync("volumes", "in", "local/a");
        Assert.False(json.GetProperty("changed").GetBoolean());
    }

    [Fact]
    public async Task Heal_status_of_a_settled_node_has_nothing_to_move()
    {
        var (code, output, _) = await node.RunAsync("heal", "status");

        Assert.Equal(0, code);
        Assert.Contains("Nothing left to move", output, StringComparison.Ordinal);
        var json = await node.JsonAsync("heal", "status", "--once");
        Assert.Equal(0, json.GetProperty("bytesToMove").GetInt64());
        Assert.Empty(json.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Placement_plan_shows_what_a_change_would_move_and_changes_nothing()
    {
        var epoch = (await node.JsonAsync("cluster", "show")).GetProperty("epoch").GetInt64();

        var (code, output, _) = await node.RunAsync("placement", "plan", "--remove-volume", "local/b");
        Assert.Equal(0, code);
        Assert.StartsWith("Would move ", output, StringComparison.Ordinal);
        Assert.Contains("nothing changed", output, StringComparison.Ordinal);

        var plan = await node.JsonAsync("placement", "plan", "--remove-volume", "local/b", "--add-volume", "local/c=2TB");
        var targetsOnB = (await node.JsonAsync("volumes", "show", "local/b")).GetProperty("volume").GetProperty("targets").GetInt32();
        Assert.Equal(targetsOnB, plan.GetProperty("moves").EnumerateArray().Count(m => m.GetProperty("from").EnumerateArray().Any(f => f.GetString() == "local/b")));
        Assert.All(plan.GetProperty("moves").EnumerateArray(), m => Assert.DoesNotContain(m.GetProperty("to").EnumerateArray(), t => t.GetString() == "local/b"));

        Assert.Equal(2, (await node.RunAsync("placement", "plan")).ExitCode);
        Assert.Equal(2, (await node.RunAsync("placement", "plan", "--add-volume", "local/c=lots")).ExitCode);
        Assert.Equal(2, (await node.RunAsync("placement", "plan", "--remove-node", "node9")).ExitCode);
        Assert.Equal(epoch, (await node.JsonAsync("cluster", "show")).GetProperty("epoch").GetInt64());
    }

    [Fact]
    public async Task Torrents_scrub_asks_the_holder_and_the_journal_shows_the_scrub()
    {
        var (code, output, _) = await node.RunAsync("torrents", "scrub", "f_0");

        Assert.Equal(0, code);
        Assert.Contains("Count: 1 nodes asked", output, StringComparison.Ordinal);
        await Eventually.UntilAsync(
            () => node.JsonAsync("journal", "tail", "--torrent", "f_0", "-n", "50"),
            journal => journal.EnumerateArray().Any(e => e.GetProperty("to").GetString() == "Scrubbing"),
            TimeSpan.FromMilliseconds(200));

        Assert.Equal(5, (await node.RunAsync("torrents", "scrub", "r_999000")).ExitCode);
        Assert.Equal(2, (await node.RunAsync("torrents", "scrub")).ExitCode);
    }

    [Fact]
    public async Task Journal_tail_prints_the_newest_entries_oldest_first()
    {
        var (code, output, _) = await node.RunAsync("journal", "tail", "-n", "3");

        Assert.Equal(0, code);
        Assert.Equal(3, output.TrimEnd().Split('\n').Length);
        var json = await node.JsonAsync("journal", "tail", "-n", "3");
        var sequences = json.EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order().ToList(), sequences);
        Assert.Equal(2, (await node.RunAsync("journal", "tail", "-n", "0")).ExitCode);
    }

    [Fact]
    public async Task Torrents_add_of_a_torrent_the_node_holds_changes_nothing_and_a_bad_file_is_reported()
    {
        var held = Path.Join(node.DataDirectory, "torrents", "r_000.torrent");
        var (code, output, _) = await node.RunAsync("torrents", "add", held);
        Assert.Equal(0, code);
        Assert.Contains("held already", output, StringComparison.Ordinal);

        var bad = node.Temp.Write("bad/r_5000.torrent", "not bencode"u8);
        var (badCode, badOutput, _) = await node.RunAsync("torrents", "add", held, bad);
        Assert.Equal(4, badCode);
        Assert.Contains("skipped", badOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_context_saves_the_node_the_token_and_the_user_so_commands_need_neither()
    {
        var config = node.Temp.Join("config", "libcluster");
        var environment = new Dictionary<string, string?> { ["LIBCLUSTER_CONFIG"] = config };

        var added = await CliRunner.RunAsync(new CliRun { Environment = environment, Input = RunningNode.Token + "\n" }, "context", "add", "lab", "--node", node.Address, "--user", "alice", "--token-stdin");
        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Contains("(current)", added.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(RunningNode.Token, added.Output, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
        }

        var list = await CliRunner.RunAsync(new CliRun { Environment = environment }, "context", "list");
        Assert.Contains(list.Output.Split('\n'), l => l.Contains('*') && l.Contains("lab", StringComparison.Ordinal) && l.Contains("saved", StringComparison.Ordinal));
        Assert.DoesNotContain(RunningNode.Token, list.Output, StringComparison.Ordinal);

        var show = await CliRunner.RunAsync(new CliRun { Environment = environment }, "cluster", "show");
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("Count: 1 nodes", show.Output, StringComparison.Ordinal);

        Assert.Equal(5, (await CliRunner.RunAsync(new CliRun { Environment = environment }, "context", "use", "nope")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync(new CliRun { Environment = environment }, "cluster", "show", "--context", "nope")).ExitCode);
    }
}
