using System.CommandLine;
using LibraryCluster.Actors.Operations;
using LibraryCluster.Cli.Connection;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster placement plan</c>: what a change to the cluster would move, before it is made.</summary>
internal static class PlacementCommands
{
    private const int Shown = 40;

    public static Command Build() => new("placement", "See where placement would put the data if the cluster changed.")
    {
        Plan(),
    };

    private static Command Plan()
    {
        var add = new Option<string[]>("--add-volume") { Description = "A volume to imagine: NODE/NAME=SIZE, with @ZONE for a new node (e.g. node4/a=16TB@rack-3). Repeat for more.", HelpName = "NODE/NAME=SIZE[@ZONE]", AllowMultipleArgumentsPerToken = false };
        var removeNode = new Option<string[]>("--remove-node") { Description = "A node to imagine gone (its volumes with it). Repeat for more.", HelpName = "NODE" };
        var removeVolume = new Option<string[]>("--remove-volume") { Description = "A volume to imagine gone (drained or failed). Repeat for more.", HelpName = "NODE/NAME" };
        var weight = new Option<string[]>("--weight") { Description = "Give a volume another weight, i.e. capacity (placement weighs volumes by capacity): NODE/NAME=SIZE. Repeat for more.", HelpName = "NODE/NAME=SIZE" };
        var all = new Option<bool>("--all") { Description = $"List every torrent that would move, not only the first {Shown}." };
        return Online.Command(
            "plan",
            "Computes, with the placement code every node runs and from the placement the cluster has stored, where the torrents would go after the change, and shows what would move: the torrents whose targets change, the bytes to copy, each volume's placed bytes before and after, and what could not be placed. Nothing is changed; the plan is only as good as the map it was computed from.\n\nExamples:\n  libcluster placement plan --add-volume node4/a=16TB@rack-3\n  libcluster placement plan --remove-node node2\n  libcluster placement plan --weight node1/b=4TB --json",
            async call =>
            {
                var change = new PlacementChange(
                    [.. (call.Get(add) ?? []).Select(ParseVolume)],
                    [.. call.Get(removeNode) ?? []],
                    [.. call.Get(removeVolume) ?? []],
                    (call.Get(weight) ?? []).Select(w => ParseWeight(w)).ToDictionary(w => w.Volume, w => w.Size, StringComparer.Ordinal));
                if (change.AddVolumes.Count + change.RemoveNodes.Count + change.RemoveVolumes.Count + change.Weights.Count == 0)
                {
                    throw new ArgumentException("name a change: --add-volume, --remove-node, --remove-volume or --weight");
                }

                var plan = await call.Client.PostAsync<PlacementPlanReport>("api/admin/cluster/placement/plan", change, call.CancellationToken).ConfigureAwait(false);
                if (call.Json)
                {
                    Terminal.WriteJson(plan);
                    return ExitCodes.Ok;
                }

                var share = plan.BytesTotal > 0 ? $" ({100.0 * plan.BytesToCopy / plan.BytesTotal:0.#}% of the {Terminal.Bytes(plan.BytesTotal)} placed)" : string.Empty;
                Output.Line($"Would move {plan.CopiesMoved} copies of {plan.Torrents} torrents: {Terminal.Bytes(plan.BytesToCopy)} to copy{share}; computed at epoch {plan.Epoch}, nothing changed");
                if (plan.Moves.Count > 0)
                {
                    var moves = Output.Table("torrent", ">size", "from", "to");
                    foreach (var move in call.Get(all) ? plan.Moves : plan.Moves.Take(Shown))
                    {
                        moves.Row(move.Torrent, Terminal.Bytes(move.Size), string.Join(", ", move.From), string.Join(", ", move.To));
                    }

                    AnsiConsole.Write(moves);
                    if (!call.Get(all) && plan.Moves.Count > Shown)
                    {
                        Output.Line($"... and {plan.Moves.Count - Shown} more (--all lists them)");
                    }
                }

                var volumes = Output.Table("volume", ">capacity", ">placed now", ">after", ">change");
                foreach (var v in plan.Volumes)
                {
                    volumes.Row(v.Volume, Terminal.Bytes(v.Capacity), Terminal.Bytes(v.Before), Terminal.Bytes(v.After), (v.After >= v.Before ? "+" : "-") + Terminal.Bytes(Math.Abs(v.After - v.Before)));
                }

                AnsiConsole.Write(volumes);
                foreach (var shortfall in plan.Underplaced)
                {
                    Output.Line($"  ! {shortfall.Torrent}: {shortfall.Placed} of {shortfall.Wanted} copies placed ({shortfall.Reason})");
                }

                return ExitCodes.Ok;
            },
            add,
            removeNode,
            removeVolume,
            weight,
            all);
    }

    private static NewVolume ParseVolume(string text)
    {
        var (id, size) = Split(text, "--add-volume");
        string? zone = null;
        var at = size.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            zone = size[(at + 1)..];
            size = size[..at];
            if (zone.Length == 0)
            {
                throw new ArgumentException($"--add-volume {text}: the zone after @ is empty");
            }
        }

        var slash = id.IndexOf('/', StringComparison.Ordinal);
        return new NewVolume(id[..slash], id[(slash + 1)..], Sizes.Parse(size, $"--add-volume {id}="), zone);
    }

    private static (string Volume, long Size) ParseWeight(string text)
    {
        var (id, size) = Split(text, "--weight");
        return (id, Sizes.Parse(size, $"--weight {id}="));
    }

    private static (string Id, string Value) Split(string text, string option)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var id = equals > 0 ? text[..equals] : string.Empty;
        var parts = id.Split('/');
        if (equals < 0 || parts.Length != 2 || parts.Any(p => p.Length == 0))
        {
            throw new ArgumentException($"{option} {text}: write NODE/NAME=SIZE, e.g. node4/a=16TB");
        }

        return (id, text[(equals + 1)..]);
    }
}
