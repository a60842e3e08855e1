using System.CommandLine;
using System.Text.Json;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Operations;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Cli.Connection;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster torrents list|show|scrub|add</c>: the cluster's torrents, against a running node (<c>torrent</c> works on files).</summary>
internal static class TorrentsCommands
{
    public static Command Build() => new("torrents", "See the torrents the cluster holds, where their copies are and why, scrub them, add new ones.")
    {
        List(),
        Show(),
        Scrub(),
        Add(),
    };

    private static Command List()
    {
        var state = new Option<ReplicaState?>("--state") { Description = "Only torrents with a copy in this state (Healthy, Fetching, Verifying, Damaged, Repairing, Lost, ...).", HelpName = "STATE" };
        var unhealthy = new Option<bool>("--unhealthy") { Description = "Only torrents with fewer Healthy copies than their replication factor." };
        var collection = new Option<string?>("--collection") { Description = "Only this collection: scitech, fiction or scimag.", HelpName = "C" };
        collection.AcceptOnlyFromAmong("scitech", "fiction", "scimag");
        return Online.Command(
            "list",
            "One line per torrent: collection, size, Healthy copies of the replication factor, health (Ok, UnderReplicated, Unavailable; NotWanted under a holdings policy that wants no copy) and where each copy is; then the count.\n\nExamples:\n  libcluster torrents list --unhealthy\n  libcluster torrents list --state Damaged --collection scimag --json",
            async call =>
            {
                var query = new List<string>();
                if (call.Get(state) is { } s)
                {
                    query.Add($"state={s}");
                }

                if (call.Get(unhealthy))
                {
                    query.Add("unhealthy=true");
                }

                if (call.Get(collection) is { } c)
                {
                    query.Add($"collection={c}");
                }

                var path = "api/admin/cluster/torrents" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty);
                var torrents = await call.Client.GetAsync<List<TorrentRow>>(path, call.CancellationToken).ConfigureAwait(false);
                if (call.Json)
                {
                    Terminal.WriteJson(torrents);
                    return ExitCodes.Ok;
                }

                var table = Output.Table("torrent", "collection", ">size", ">copies", "health", "where");
                foreach (var t in torrents)
                {
                    table.Row(t.Name, t.Collection, Terminal.Bytes(t.Size), $"{t.Healthy}/{t.ReplicationFactor}", t.Health.ToString(), string.Join(", ", t.Copies.Select(c => $"{c.Node}/{c.Volume} {c.State}")));
                }

                AnsiConsole.Write(table);
                Output.Count(torrents.Count, "torrents");
                return ExitCodes.Ok;
            },
            state,
            unhealthy,
            collection);
    }

    private static Command Show()
    {
        var name = new Argument<string>("NAME") { Description = "The torrent's LibGen name, e.g. r_1000." };
        return Online.Command(
            "show",
            "Everything about one torrent: each copy (node, volume, state, why, last full check), where placement wants it and why (its weighted rendezvous rank, what ruled out the volumes before), the last scrub, and the seeders trackers reported. Exit 5: the cluster holds no such torrent.\n\nExample:\n  libcluster torrents show r_1000",
            async call =>
            {
                var detail = await call.Client.GetAsync<TorrentDetail>($"api/admin/cluster/torrents/{Uri.EscapeDataString(call.Get(name)!)}", call.CancellationToken).ConfigureAwait(false);
                if (call.Json)
                {
                    Terminal.WriteJson(detail);
                    return ExitCodes.Ok;
                }

                var t = detail.Torrent;
                Output.Line($"Torrent: {t.Name} ({t.Collection}), {Terminal.Bytes(t.Size)}, info-hash {detail.InfoHash}, added {Output.Time(detail.Added)}");
                Output.Line($"Copies: {t.Healthy} Healthy of {t.ReplicationFactor} wanted ({t.Health}); last full check {Output.Time(detail.LastScrub)}"
                    + (t.Holding is { } holding ? $"; holdings policy: {holding}" : string.Empty));
                var replicas = Output.Table("node", "volume", "state", "since", "last check", "wanted", "reason");
                foreach (var r in detail.Replicas)
                {
                    replicas.Row(r.Node, r.Volume, r.State.ToString() + (r.BadFiles.Count > 0 ? $" ({r.BadFiles.Count} files withheld)" : string.Empty), Output.Time(r.Since), Output.Time(r.LastVerified), r.Target ? "yes" : "no", r.Reason);
                }

                AnsiConsole.Write(replicas);
                Output.Line("Placement:");
                var placement = Output.Table("target", ">rank", "held", "why");
                foreach (var p in detail.Placement)
                {
                    placement.Row(p.Volume, p.Rank == 0 ? "-" : $"{p.Rank} of {p.Of}", p.Held ? "yes" : "not yet", p.Why);
                }

                AnsiConsole.Write(placement);
                if (detail.Seeders.Count == 0)
                {
                    Output.Line("Seeders: never scraped ('libcluster torrent scrape')");
                }
                else
                {
                    var seeders = Output.Table("tracker", ">seeders", ">leechers", ">completed", "scraped", "error");
                    foreach (var s in detail.Seeders)
                    {
                        seeders.Row(s.Tracker, s.Seeders?.ToString(Inv) ?? "?", s.Leechers?.ToString(Inv) ?? "?", s.Completed?.ToString(Inv) ?? "?", Output.Time(s.ScrapedAt), s.Error);
                    }

                    AnsiConsole.Write(seeders);
                }

                return ExitCodes.Ok;
            },
            name);
    }

    private static Command Scrub()
    {
        var name = new Argument<string?>("NAME") { Description = "The torrent to scrub (or --all).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Scrub every copy of every torrent (each node one at a time, at its scrub rate)." };
        return Online.Command(
            "scrub",
            "Asks every node holding a copy to re-read and re-hash it now rather than when its schedule says; copies busy with something else scrub later. Follow it with 'journal tail -f --torrent NAME'. Exit 0: every holder asked; 4: some node could not be asked; 5: no such torrent.\n\nExamples:\n  libcluster torrents scrub r_1000\n  libcluster torrents scrub --all",
            async call =>
            {
                var torrent = call.Get(name);
                if ((torrent is null) == !call.Get(all))
                {
                    throw new ArgumentException("name one torrent, or give --all");
                }

                var path = torrent is null ? "api/admin/cluster/scrub" : $"api/admin/cluster/torrents/{Uri.EscapeDataString(torrent)}/scrub";
                var result = await call.Client.PostAsync<ScrubResult>(path, null, call.CancellationToken).ConfigureAwait(false);
                if (call.Json)
                {
                    Terminal.WriteJson(result);
                }
                else
                {
                    var table = Output.Table("node", ">copies to scrub", "problem");
                    foreach (var node in result.Nodes)
                    {
                        table.Row(node.Node, Output.Number(node.Replicas), node.Error);
                    }

                    AnsiConsole.Write(table);
                    Output.Count(result.Nodes.Count, "nodes asked");
                }

                return result.Nodes.Any(n => n.Error is not null) ? ExitCodes.Partial : ExitCodes.Ok;
            },
            name,
            all);
    }

    private static Command Add()
    {
        var files = new Argument<FileSystemInfo[]>("FILE") { Description = ".torrent files, or folders whose *.torrent files to add; each is added under its file name (r_1000.torrent as r_1000).", Arity = ArgumentArity.OneOrMore };
        return Online.Command(
            "add",
            "Adds torrents to the cluster through the node: each is registered there (data already on one of its volumes is adopted after verification) and becomes the cluster's at the node's next reconcile; placement then spreads its copies. Adding a torrent again changes nothing. Exit 0: all added; 4: some were refused (the table says why); 2: none could be read.\n\nExample:\n  libcluster torrents add libgen/torrents/r_4000.torrent libgen/torrents/r_5000.torrent",
            async call =>
            {
                var (torrents, problems) = TorrentFiles.Load(call.Get(files)!);
                var rows = new List<object>();
                var table = Output.Table("torrent", "volume", "result");
                var failed = problems.Count;
                foreach (var torrent in torrents)
                {
                    try
                    {
                        var bytes = await File.ReadAllBytesAsync(torrent.Path, call.CancellationToken).ConfigureAwait(false);
                        var added = await call.Client.PutAsync<AddTorrentResult>($"api/admin/torrents/{Uri.EscapeDataString(torrent.Name)}", bytes, call.CancellationToken).ConfigureAwait(false);
                        var result = added.AlreadyHeld ? "held already" : "added";
                        table.Row(added.Name, added.Volume, result);
                        rows.Add(new { added.Name, added.InfoHash, added.Volume, Result = result });
                    }
                    catch (AdminException e) when (e.ExitCode is ExitCodes.BadInput or ExitCodes.Refused)
                    {
                        failed++;
                        table.Row(torrent.Name, "-", e.Message);
                        rows.Add(new { torrent.Name, Result = "refused", Error = e.Message });
                    }
                }

                if (call.Json)
                {
                    Terminal.WriteJson(new { Torrents = rows, Problems = problems });
                }
                else
                {
                    AnsiConsole.Write(table);
                    foreach (var problem in problems)
                    {
                        Output.Line(problem);
                    }

                    Output.Count(torrents.Count - (failed - problems.Count), "torrents added or held already");
                }

                return failed == 0 ? ExitCodes.Ok : rows.Count > failed - problems.Count ? ExitCodes.Partial : ExitCodes.BadInput;
            },
            files);
    }

    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;
}
