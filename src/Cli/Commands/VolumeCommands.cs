using System.CommandLine;
using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Operations;
using LibraryCluster.Cli.Connection;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster volumes list|show|drain|out|in|fail</c>: the cluster's disks.</summary>
internal static class VolumeCommands
{
    private const string VolumeHelp = "The volume: node/name as 'volumes list' shows it (e.g. node1/a), or its name alone when only one node has a volume of that name.";

    public static Command Build() => new("volumes", "See the cluster's volumes (disks) and drain, take out, bring back or fail one.")
    {
        List(),
        Show(),
        Drain(),
        Change("out", "Takes an empty volume out of use (Out). Refused (exit 6) while it holds copies: drain it first, which moves them and then takes it out. Exit 0: Out (or already Out).\n\nExample:\n  libcluster volumes out node2/b"),
        Change("in", "Brings a volume back into use (In) after a drain, 'out' or 'fail': placement puts data on it again. A volume its node finds broken is marked Failed again at once. Exit 0.\n\nExample:\n  libcluster volumes in node2/b"),
        Fail(),
    };

    private static Command List() => Online.Command(
        "list",
        "One line per volume: id, state, node state, capacity, used on disk, copies on it (and their bytes), placement targets (where it is heading); then the count.\n\nExample:\n  libcluster volumes list --json | jq '.[] | select(.state != \"In\")'",
        async call =>
        {
            var volumes = await call.Client.GetAsync<List<VolumeRow>>("api/admin/cluster/volumes", call.CancellationToken).ConfigureAwait(false);
            if (call.Json)
            {
                Terminal.WriteJson(volumes);
                return ExitCodes.Ok;
            }

            var table = Output.Table("volume", "state", "node", ">capacity", ">used", ">replicas", ">replica bytes", ">targets", "reason");
            foreach (var v in volumes)
            {
                table.Row(v.Id, v.State.ToString(), v.NodeState?.ToString() ?? "?", Terminal.Bytes(v.Capacity), Terminal.Bytes(v.Used), Output.Number(v.Replicas), Terminal.Bytes(v.ReplicaBytes), Output.Number(v.Targets), v.Reason);
            }

            AnsiConsole.Write(table);
            Output.Count(volumes.Count, "volumes");
            return ExitCodes.Ok;
        });

    private static Command Show()
    {
        var volume = new Argument<string>("VOLUME") { Description = VolumeHelp };
        return Online.Command(
            "show",
            "A volume and every copy on it: torrent, state, size, since when, and whether placement keeps it there or moves it away. Exit 5: no such volume.\n\nExample:\n  libcluster volumes show node1/a",
            async call =>
            {
                var id = await Online.VolumeIdAsync(call, call.Get(volume)!).ConfigureAwait(false);
                var detail = await call.Client.GetAsync<VolumeDetail>(Online.VolumePath(id), call.CancellationToken).ConfigureAwait(false);
                if (call.Json)
                {
                    Terminal.WriteJson(detail);
                    return ExitCodes.Ok;
                }

                var v = detail.Volume;
                Output.Line($"Volume: {v.Id} ({v.State}: {v.Reason}) on node {v.Node} ({v.NodeState?.ToString() ?? "?"})");
                Output.Line($"Capacity: {Terminal.Bytes(v.Capacity)}, {Terminal.Bytes(v.Used)} used on the disk; {v.Replicas} copies ({Terminal.Bytes(v.ReplicaBytes)}); placement targets {v.Targets} ({Terminal.Bytes(v.TargetBytes)})");
                var table = Output.Table("torrent", "state", ">size", "since", "placement");
                foreach (var copy in detail.Replicas)
                {
                    table.Row(copy.Torrent, copy.State.ToString(), Terminal.Bytes(copy.Size), Output.Time(copy.Since), copy.Target ? "stays" : "moves away");
                }

                AnsiConsole.Write(table);
                Output.Count(detail.Replicas.Count, "copies");
                return ExitCodes.Ok;
            },
            volume);
    }

    private static Command Drain()
    {
        var volume = new Argument<string>("VOLUME") { Description = VolumeHelp };
        var wait = new Option<bool>("--wait") { Description = "Wait until the volume is empty and Out, showing the copies left." };
        return Online.Command(
            "drain",
            "Empties a volume: it takes no new data, and each copy on it moves to another volume of its node or to another node, make before break (the new copy is Healthy before the old one is deleted); when it holds nothing it is Out. Refused (exit 6) when a torrent on it would have nowhere to go (no room elsewhere, or not enough nodes), above all when it holds the last Healthy copy. Exit 0: draining (or already drained).\n\nExample:\n  libcluster volumes drain node1/b --wait",
            async call =>
            {
                var id = await Online.VolumeIdAsync(call, call.Get(volume)!).ConfigureAwait(false);
                ClusterCommands.Write(call, await call.Client.PostAsync<OperationResult>($"{Online.VolumePath(id)}/drain", null, call.CancellationToken).ConfigureAwait(false));
                if (call.Get(wait))
                {
                    await ClusterCommands.WaitAsync(call, async () =>
                    {
                        var detail = await call.Client.GetAsync<VolumeDetail>(Online.VolumePath(id), call.CancellationToken).ConfigureAwait(false);
                        return detail.Volume.State switch
                        {
                            ClusterVolumeState.Out => (true, $"{id} is Out: {detail.Volume.Reason}"),
                            ClusterVolumeState.Draining => (false, $"{id}: {detail.Replicas.Count} copies left ({Terminal.Bytes(detail.Replicas.Sum(r => r.Size))})"),
                            _ => throw new AdminException(ExitCodes.Failure, $"{id} is {detail.Volume.State} now ({detail.Volume.Reason}): the drain stopped"),
                        };
                    }).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            },
            volume,
            wait);
    }

    private static Command Change(string action, string description)
    {
        var volume = new Argument<string>("VOLUME") { Description = VolumeHelp };
        return Online.Command(
            action,
            description,
            async call =>
            {
                var id = await Online.VolumeIdAsync(call, call.Get(volume)!).ConfigureAwait(false);
                ClusterCommands.Write(call, await call.Client.PostAsync<OperationResult>($"{Online.VolumePath(id)}/{action}", null, call.CancellationToken).ConfigureAwait(false));
                return ExitCodes.Ok;
            },
            volume);
    }

    private static Command Fail()
    {
        var volume = new Argument<string>("VOLUME") { Description = VolumeHelp };
        var force = new Option<bool>("--force") { Description = "Fail it even though it holds the last Healthy copy of some torrents (the disk really is gone)." };
        return Online.Command(
            "fail",
            "Declares a volume broken (Failed), as if its node had found it so: its copies are Lost and made again elsewhere from the other copies. Refused (exit 6) while it holds the last Healthy copy of a torrent, unless --force. Exit 0: Failed (or already Failed).\n\nExample:\n  libcluster volumes fail node2/a",
            async call =>
            {
                var id = await Online.VolumeIdAsync(call, call.Get(volume)!).ConfigureAwait(false);
                var path = $"{Online.VolumePath(id)}/fail{(call.Get(force) ? "?force=true" : string.Empty)}";
                ClusterCommands.Write(call, await call.Client.PostAsync<OperationResult>(path, null, call.CancellationToken).ConfigureAwait(false));
                return ExitCodes.Ok;
            },
            volume,
            force);
    }
}
