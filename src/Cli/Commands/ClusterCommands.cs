using System.CommandLine;
using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Operations;
using LibraryCluster.Cli.Connection;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster cluster show|status|leave|down|down-unreachable</c>: membership, as pbm's cluster verbs.</summary>
internal static class ClusterCommands
{
    public static Command Build() => new("cluster", "See and change the cluster's members (any node answers for the whole cluster).")
    {
        Show(),
        Status(),
        Leave(),
        Down(),
        DownUnreachable(),
    };

    private static Command Show() => Online.Command(
        "show",
        "One line per node: id, endpoint, zone, state, volumes, copies (Healthy/all), last heartbeat; then the count. A single-node mirror is a cluster of one node named 'local'.\n\nExample:\n  libcluster cluster show --node http://127.0.0.1:8080",
        async call =>
        {
            var overview = await call.Client.GetAsync<ClusterOverview>("api/admin/cluster", call.CancellationToken).ConfigureAwait(false);
            if (call.Json)
            {
                Terminal.WriteJson(overview);
                return ExitCodes.Ok;
            }

            var table = Output.Table("node", "endpoint", "zone", "state", ">volumes", ">replicas", "heartbeat");
            foreach (var node in overview.Nodes)
            {
                table.Row(node.Id, node.Endpoint, node.Zone, node.State.ToString(), node.Volumes.ToString(Inv), $"{node.Healthy}/{node.Replicas}", $"{node.HeartbeatAgeSeconds.ToString("0.0", Inv)} s ago");
            }

            Spectre.Console.AnsiConsole.Write(table);
            Output.Count(overview.Nodes.Count, "nodes");
            return ExitCodes.Ok;
        });

    private static Command Status() => Online.Command(
        "status",
        "The cluster in a few lines: nodes and volumes by state, torrents and how many have their full count of Healthy copies, what is left to move, and every problem. Exit 0: healthy; 3: degraded (a node Down, a volume Failed, copies missing or damaged).\n\nExample:\n  libcluster cluster status || page-the-operator",
        async call =>
        {
            var status = await call.Client.GetAsync<ClusterStatus>("api/admin/cluster/status", call.CancellationToken).ConfigureAwait(false);
            if (call.Json)
            {
                Terminal.WriteJson(status);
            }
            else
            {
                Output.Line($"Cluster: {(status.Healthy ? "healthy" : "DEGRADED")}{(status.SingleNode ? " (single node)" : string.Empty)}, epoch {status.Epoch}, answered by {status.AnsweredBy}");
                Output.Line($"Nodes: {status.Nodes.Values.Sum()} ({States(status.Nodes)})");
                Output.Line($"Volumes: {status.Volumes.Values.Sum()} ({States(status.Volumes)})");
                Output.Line($"Torrents: {status.Torrents} ({Terminal.Bytes(status.Bytes)}): {status.FullyReplicated} fully replicated, {status.UnderReplicated} under-replicated, {status.Unavailable} unavailable"
                    + (status.NotWanted > 0 ? $", {status.NotWanted} not wanted by the holdings policy" : string.Empty));
                Output.Line($"Copies: {status.Replicas.Values.Sum()} ({States(status.Replicas)}){(status.ReplicasOnNodesAway > 0 ? $"; {status.ReplicasOnNodesAway} more recorded on nodes Down or Out" : string.Empty)}");
                Output.Line($"To move: {Terminal.Bytes(status.BytesToMove)}");
                foreach (var problem in status.Problems)
                {
                    Output.Line($"  ! {problem}");
                }
            }

            return status.Healthy ? ExitCodes.Ok : ExitCodes.Damaged;
        });

    private static Command Leave()
    {
        var node = new Argument<string>("NODE") { Description = "The node's id, as 'cluster show' lists it." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the node has handed over every copy and is Out, showing what is left." };
        return Online.Command(
            "leave",
            "The node leaves on purpose: placement stops using it, its copies are made on other nodes, each is deleted there only once the torrent has its full count of Healthy copies elsewhere (make before break), then the node is Out and stops heartbeating (a restart joins it again). Refused (exit 6) when it is the only node Up, or when some torrent would have nowhere to go. Exit 0: leaving (or already left).\n\nExample:\n  libcluster cluster leave node3 --wait",
            async call =>
            {
                var id = call.Get(node)!;
                var result = await call.Client.PostAsync<OperationResult>($"api/admin/cluster/nodes/{Uri.EscapeDataString(id)}/leave", null, call.CancellationToken).ConfigureAwait(false);
                Write(call, result);
                if (call.Get(wait))
                {
                    await WaitAsync(call, async () =>
                    {
                        var overview = await call.Client.GetAsync<ClusterOverview>("api/admin/cluster", call.CancellationToken).ConfigureAwait(false);
                        var row = overview.Nodes.FirstOrDefault(n => n.Id == id);
                        return row switch
                        {
                            null => (true, $"{id} is no longer in the map"),
                            { State: NodeState.Out } => (true, $"{id} is Out: {row.Reason}"),
                            { State: NodeState.Leaving } => (false, $"{id}: {row.Replicas} copies left to hand over"),
                            _ => throw new AdminException(ExitCodes.Failure, $"{id} is {row.State} now ({row.Reason}): the leave stopped (a restart joins a node again)"),
                        };
                    }).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            },
            node,
            wait);
    }

    private static Command Down()
    {
        var node = new Argument<string>("NODE") { Description = "The node's id, as 'cluster show' lists it." };
        return Online.Command(
            "down",
            "Writes off a node that is gone: it is Out now rather than after the down-out interval, and its copies are made again from the other nodes. Refused (exit 6) for the only node of the cluster, and for a node still heartbeating (it would join again at once: stop it first, or use 'cluster leave'). Exit 0: Out (or already Out).\n\nExample:\n  libcluster cluster down node3",
            async call =>
            {
                var result = await call.Client.PostAsync<OperationResult>($"api/admin/cluster/nodes/{Uri.EscapeDataString(call.Get(node)!)}/down", null, call.CancellationToken).ConfigureAwait(false);
                Write(call, result);
                return ExitCodes.Ok;
            },
            node);
    }

    private static Command DownUnreachable() => Online.Command(
        "down-unreachable",
        "Writes off every node that stopped heartbeating (Down, or silent for longer than the down interval): each is Out, its copies made again from the others. Exit 0, also when no node is unreachable.\n\nExample:\n  libcluster cluster down-unreachable",
        async call =>
        {
            Write(call, await call.Client.PostAsync<OperationResult>("api/admin/cluster/down-unreachable", null, call.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });

    /// <summary>Prints what a change did, as a line or as JSON.</summary>
    internal static void Write(OnlineCall call, OperationResult result)
    {
        if (call.Json)
        {
            Terminal.WriteJson(result);
        }
        else
        {
            Output.Result(result);
        }
    }

    /// <summary>Polls <paramref name="check"/> every second, printing its line whenever it changes, until it says done.</summary>
    internal static async Task WaitAsync(OnlineCall call, Func<Task<(bool Done, string Line)>> check)
    {
        string? last = null;
        while (true)
        {
            var (done, line) = await check().ConfigureAwait(false);
            if (line != last && !call.Json)
            {
                Output.Line(line);
                last = line;
            }

            if (done)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), call.CancellationToken).ConfigureAwait(false);
        }
    }

    private static string States(IReadOnlyDictionary<string, int> counts) => counts.Count == 0 ? "none" : string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));

    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;
}
