using LibraryCluster.Host;
using Microsoft.Extensions.Options;

// The mirror node. dotnet run --project src/Host -- --urls URL --data-dir DIR [--admin-token T] [--demo]
const string Usage = """
    LibraryCluster mirror node

    Usage: LibraryCluster.Host [--urls URL] [--data-dir DIR] [--admin-token TOKEN] [--demo] [--Node:Setting=value ...]

      --urls URL            where to listen (default http://localhost:5000); several separated by ';'
      --data-dir DIR        catalogue, node store, torrents, watch folder and default volume (default ./data)
      --admin-token TOKEN   enables /api/admin and the /admin dashboard (at least 16 characters)
      --demo                fill an empty data directory with a generated sample collection and import it
      --Node:Setting=value  any other setting, e.g. --Node:Volumes:0:Id=a --Node:Volumes:0:Path=/srv/a
                            --Node:ScrubInterval=7.00:00:00 --Node:ScrubMegabytesPerSecond=50
      --Cluster:Database=CS run as one node of a cluster sharing this PostgreSQL database, with
                            --Cluster:NodeId=ID --Cluster:Token=SECRET [--Cluster:Zone=Z] [--Cluster:Endpoint=URL]
                            (see docs/cluster.md)
      --Swarm:DaemonPath=P  seed and fetch through qbittorrent-nox, which the node runs, watches and restarts:
                            P is its path (/usr/bin/qbittorrent-nox); the node writes its config into
                            --Swarm:ProfileDirectory (default DATA-DIR/qbittorrent) with its WebUI on
                            127.0.0.1:--Swarm:WebUiPort (8081) and peers on --Swarm:ListenPort (6881)
                            [--Swarm:ListenInterface=eth0] [--Swarm:ListenAddress=IP] [--Swarm:Dht=false]
                            [--Swarm:PeerExchange=false] [--Swarm:LocalPeerDiscovery=true] [--Swarm:CheckingSlots=16]
                            [--Swarm:PeerProtocol=Tcp (Both, Tcp, Utp; default Both)]
      --Swarm:WebUiUrl=URL  or use a qBittorrent already running there [--Swarm:Username=U --Swarm:Password=P]
                            The node seeds every intact replica through it; with --Swarm:FetchMissing=true it
                            also fills copies no cluster peer had within --Swarm:FetchMissingAfter (00:00:30)
                            from the swarm, and verifies them before serving; with --Swarm:FetchOnDemand=true a
                            download of a book not held here fetches just that book, shows its progress, verifies
                            it and serves it.
                            With neither, the node serves without seeding and says so (log, /readyz, dashboard).
                            Either way it scrapes the trackers of what it holds every --Swarm:ScrapeInterval
                            (06:00:00; 0 is off) for the seeder counts on the dashboard. See docs/swarm.md.
      --settings-dir DIR    settings as files, one per key (Cluster__Zone containing "rack-2"), over appsettings.json
                            and the environment (Node:SettingsDirectory)
      --Search:Backend=elasticsearch --Search:Elasticsearch:Url=https://es:9200
                            search through Elasticsearch instead of the catalogue's SQLite index, with
                            [--Search:Elasticsearch:ApiKey=K | --Search:Elasticsearch:Username=U --Search:Elasticsearch:Password=P]
                            [--Search:Elasticsearch:CaFile=http_ca.crt]; the node builds the index if there is none and
                            keeps it in step with imports and with what it holds. See docs/search.md.

    LibraryCluster.Host drain [URL] [--delay S] [--timeout S]
                            ask the node at URL (http://127.0.0.1:8080/, from this host only) to drain before a
                            planned stop: /readyz turns 503, then it waits S seconds (5) for new requests to stop
                            and up to S seconds (60) for those in flight; exit 0 drained, 1 timed out, 3 no answer

    Settings also come from appsettings.json beside the binary and from the environment (Node__DataDirectory).
    Bad settings stop the node with every problem named (exit code 2). See docs/node.md.
    """;

if (args is ["drain", .. var drainArgs])
{
    return await LibraryCluster.Host.Node.NodeDrain.RunClientAsync(drainArgs, Console.Out, Console.Error).ConfigureAwait(false);
}

if (args.Any(a => a is "--help" or "-h" or "-?"))
{
    Console.WriteLine(Usage);
    return 0;
}

try
{
    var app = NodeApplication.Create(args);
    await app.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (Exception e) when (e is OptionsValidationException || e is AggregateException { InnerExceptions: var all } && all.All(x => x is OptionsValidationException))
{
    // Start-up validation throws one section's problems, or several sections' together.
    await Console.Error.WriteLineAsync("librarycluster: bad settings:").ConfigureAwait(false);
    var failures = e is AggregateException many ? many.InnerExceptions.Cast<OptionsValidationException>().SelectMany(x => x.Failures) : ((OptionsValidationException)e).Failures;
    foreach (var failure in failures)
    {
        await Console.Error.WriteLineAsync($"  {failure}").ConfigureAwait(false);
    }

    return 2;
}
catch (InvalidOperationException e) when (e.InnerException is FormatException or ArgumentException or OverflowException)
{
    // The configuration binder: "Failed to convert configuration value 'abc' at 'Node:ScrubInterval' to type …".
    await Console.Error.WriteLineAsync($"librarycluster: bad setting: {e.Message}").ConfigureAwait(false);
    return 2;
}
catch (LibraryCluster.Actors.Cluster.Store.ClusterStoreException e)
{
    await Console.Error.WriteLineAsync($"librarycluster: cannot open the node's database: {e.Message}").ConfigureAwait(false);
    return 3;
}
catch (FormatException e)
{
    await Console.Error.WriteLineAsync($"librarycluster: bad command line or setting: {e.Message}").ConfigureAwait(false);
    return 2;
}
