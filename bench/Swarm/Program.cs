using System.Text.Json;
using LibraryCluster.Bench.Swarm;

// Usage: LibraryCluster.Bench.Swarm MODE --work DIR [options]; prints one JSON object. Modes (see docs/benchmarks.md):
//   adopt  --torrents N [--parallel 4] [--poll-ms 500] [--transmission-up-to 1000]
//          N existing torrents into seeding: qbittorrent-nox through QBittorrentEngine, then transmission-daemon.
//   node   --torrents N --host DIR [--node-args "..."]   a real node process (the Host build in DIR) adopting and seeding N torrents.
//   fetch  --gigabytes G --host DIR [--runs 1] [--protocol both|tcp]   one torrent of G GB fetched from a seeding qbittorrent-nox: curl from nginx,
//          a plain qbittorrent-nox, and the node (complete and verified), side by side.
var bench = new BenchArgs(args);
Directory.CreateDirectory(bench.Work);
var result = bench.Mode switch
{
    "adopt" => await Adoption.RunAsync(bench),
    "node" => await NodeAdoption.RunAsync(bench),
    "fetch" => await SwarmFetch.RunAsync(bench),
    _ => throw new ArgumentException($"unknown mode \"{bench.Mode}\": adopt, node or fetch"),
};
Console.WriteLine(JsonSerializer.Serialize(result));
return 0;
