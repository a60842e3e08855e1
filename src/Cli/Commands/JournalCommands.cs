using System.CommandLine;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Cli.Connection;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster journal tail</c>: every transition of every copy, volume and node, with why and who asked.</summary>
internal static class JournalCommands
{
    private static readonly TimeSpan FollowEvery = TimeSpan.FromSeconds(1);

    public static Command Build() => new("journal", "Read the cluster's journal: every copy's, volume's and node's transition, with why and, for an operator's change, who asked.")
    {
        Tail(),
    };

    private static Command Tail()
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new entries as they come (Ctrl+C ends)." };
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the newest entries to print first.", DefaultValueFactory = _ => 20 };
        var torrent = new Option<string?>("--torrent") { Description = "Only this torrent's entries.", HelpName = "NAME" };
        var volume = new Option<string?>("--volume") { Description = "Only this volume's entries (node/name, or the name alone when unique).", HelpName = "VOLUME" };
        var node = new Option<string?>("--node-id") { Description = "Only this node's entries (its copies, its volumes, itself).", HelpName = "NODE" };
        return Online.Command(
            "tail",
            "The newest journal entries of the whole cluster, oldest first: time, node, torrent, volume, from → to, why (and bytes checked or copied). With -f it keeps following. --json prints an array, or with -f one JSON object per line.\n\nExamples:\n  libcluster journal tail -n 50 --torrent r_1000\n  libcluster journal tail -f --volume node1/b",
            async call =>
            {
                var count = call.Get(lines);
                if (count is < 1 or > 10_000)
                {
                    throw new ArgumentException($"--lines {count}: give 1 to 10000");
                }

                var filter = new List<string>();
                if (call.Get(torrent) is { } t)
                {
                    filter.Add($"torrent={Uri.EscapeDataString(t)}");
                }

                if (call.Get(volume) is { } v)
                {
                    var id = await Online.VolumeIdAsync(call, v).ConfigureAwait(false);
                    var slash = id.IndexOf('/', StringComparison.Ordinal);
                    filter.Add($"node={Uri.EscapeDataString(id[..slash])}&volume={Uri.EscapeDataString(id[(slash + 1)..])}");
                }
                else if (call.Get(node) is { } n)
                {
                    filter.Add($"node={Uri.EscapeDataString(n)}");
                }

                var query = string.Concat(filter.Select(f => "&" + f));
                var newest = await call.Client.GetAsync<List<JournalEntry>>($"api/admin/cluster/journal?limit={count}{query}", call.CancellationToken).ConfigureAwait(false);
                newest.Reverse();
                var following = call.Get(follow);
                if (call.Json && !following)
                {
                    Terminal.WriteJson(newest);
                    return ExitCodes.Ok;
                }

                Print(newest, call.Json);
                if (!following)
                {
                    return ExitCodes.Ok;
                }

                var after = newest.Count > 0 ? newest[^1].Sequence : 0;
                if (newest.Count == 0)
                {
                    // Follow from the newest entry of the whole journal, not from its beginning.
                    var latest = await call.Client.GetAsync<List<JournalEntry>>("api/admin/cluster/journal?limit=1", call.CancellationToken).ConfigureAwait(false);
                    after = latest.Count > 0 ? latest[0].Sequence : 0;
                }

                try
                {
                    while (true)
                    {
                        await Task.Delay(FollowEvery, call.CancellationToken).ConfigureAwait(false);
                        var next = await call.Client.GetAsync<List<JournalEntry>>($"api/admin/cluster/journal?limit=1000&after={after}{query}", call.CancellationToken).ConfigureAwait(false);
                        Print(next, call.Json);
                        after = next.Count > 0 ? next[^1].Sequence : after;
                    }
                }
                catch (OperationCanceledException) when (call.CancellationToken.IsCancellationRequested)
                {
                    // Ctrl+C is how a follow ends.
                    return ExitCodes.Ok;
                }
            },
            follow,
            lines,
            torrent,
            volume,
            node);
    }

    private static void Print(IEnumerable<JournalEntry> entries, bool json)
    {
        foreach (var e in entries)
        {
            if (json)
            {
                Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(e, Terminal.JsonLines));
                continue;
            }

            var what = e.Torrent is null ? (e.Volume.Length == 0 ? "node" : "volume") : e.Torrent;
            var bytes = e.Bytes > 0 ? $" [{Terminal.Bytes(e.Bytes)}]" : string.Empty;
            Console.Out.WriteLine($"{Output.Time(e.At)}  {e.Node,-10} {what,-22} {(e.Volume.Length == 0 ? "-" : e.Volume),-6} {e.From} -> {e.To}: {e.Reason}{bytes}");
        }

        Console.Out.Flush();
    }
}
