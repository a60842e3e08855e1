using System.CommandLine;
using LibraryCluster.Actors.Operations;
using LibraryCluster.Cli.Connection;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster heal status</c>: what is left to heal and move, how fast, when it will be done.</summary>
internal static class HealCommands
{
    private const int Shown = 30;

    public static Command Build() => new("heal", "See the cluster heal: copies still to be made after a disk or node was lost, a drain, a leave or a new disk.")
    {
        Status(),
    };

    private static Command Status()
    {
        var once = new Option<bool>("--once") { Description = "Print the state once, even on a terminal (where it otherwise stays and refreshes until nothing is left to move)." };
        var all = new Option<bool>("--all") { Description = $"List every copy still to be made, not only the first {Shown}." };
        return Online.Command(
            "status",
            "What is under-replicated or unavailable, every copy still to be made (healing first: a torrent below its replication factor; then rebalancing and moves off drained volumes) with where it goes and what its node is doing, the bytes left, the rate over the last 10 minutes (from the journal) and the ETA. On a terminal it stays and refreshes every 2 s until nothing is left (Ctrl+C leaves); piped or with --json or --once it prints once. Exit 0: nothing left to heal; 4: copies still to be made; 3: some torrents have no Healthy copy anywhere.\n\nExamples:\n  libcluster heal status\n  libcluster heal status --once --json | jq .bytesToMove",
            async call =>
            {
                var report = await ReadAsync(call).ConfigureAwait(false);
                if (call.Json)
                {
                    Terminal.WriteJson(report);
                }
                else if (Terminal.IsInteractive && !call.Get(once) && report.Items.Count > 0)
                {
                    report = await WatchAsync(AnsiConsole.Console, report, _ => ReadAsync(call), call.Get(all), Refresh, call.CancellationToken).ConfigureAwait(false);
                }
                else
                {
                    AnsiConsole.Write(Render(report, call.Get(all)));
                }

                return report.Unavailable > 0 ? ExitCodes.Damaged : report.Items.Count > 0 ? ExitCodes.Partial : ExitCodes.Ok;
            },
            once,
            all);
    }

    /// <summary>How often the live view asks the node again.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The live view: draws <paramref name="report"/> on <paramref name="console"/> and redraws it in place with a
    /// fresh one every <paramref name="every"/> until nothing is left to move; returns the last report.
    /// </summary>
    internal static async Task<HealReport> WatchAsync(IAnsiConsole console, HealReport report, Func<CancellationToken, Task<HealReport>> read, bool all, TimeSpan every, CancellationToken cancellationToken)
    {
        await console.Live(Render(report, all)).StartAsync(async live =>
        {
            while (report.Items.Count > 0)
            {
                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
                report = await read(cancellationToken).ConfigureAwait(false);
                live.UpdateTarget(Render(report, all));
            }
        }).ConfigureAwait(false);
        return report;
    }

    private static Task<HealReport> ReadAsync(OnlineCall call) => call.Client.GetAsync<HealReport>("api/admin/cluster/heal", call.CancellationToken);

    private static IRenderable Render(HealReport report, bool all)
    {
        var lines = new List<IRenderable>
        {
            new Text($"Torrents: {report.Torrents}, {report.UnderReplicated} under-replicated, {report.Unavailable} unavailable (at {Output.Time(report.At)} UTC)"),
            new Text($"To move: {report.Items.Count} copies, {Terminal.Bytes(report.BytesToMove)}; "
                + (report.BytesPerSecond > 0 ? $"{Terminal.Bytes((long)report.BytesPerSecond)}/s over the last {HealReports.RateWindow.TotalMinutes:0} min" : "nothing copied in the last 10 min")
                + (report.EtaSeconds is { } eta ? $", ETA {Output.Duration(eta)}" : string.Empty)),
        };
        if (report.Items.Count > 0)
        {
            var table = Output.Table("torrent", "why", "to", ">size", ">copies", "state");
            foreach (var item in all ? report.Items : report.Items.Take(Shown))
            {
                table.Row(item.Torrent, item.Kind.ToString(), item.To, Terminal.Bytes(item.Size), $"{item.Healthy}/{item.Wanted}", item.State);
            }

            lines.Add(table);
            if (!all && report.Items.Count > Shown)
            {
                lines.Add(new Text($"... and {report.Items.Count - Shown} more (--all lists them)"));
            }
        }
        else
        {
            lines.Add(new Text("Nothing left to move: every torrent has its copies where placement wants them."));
        }

        foreach (var stuck in report.Stuck)
        {
            lines.Add(new Text($"  ! {stuck}"));
        }

        return new Rows(lines);
    }
}
