using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Actors.Swarm;

/// <summary>
/// Compares what the node holds with what the daemon does and says what to change: every intact replica
/// (Healthy, or Healthy being scrubbed) seeded from its own volume; a replica that is anything else not offered;
/// retired, lost or moved torrents out of the daemon, their files left alone. Torrents the daemon holds outside
/// this node's volumes belong to someone else and are never touched. Pure, so that the rules are tested without
/// a daemon.
/// </summary>
public static class SeedingPlanner
{
    public static SeedingPlan Plan(IEnumerable<HeldTorrent> held, Func<string, ReplicaStatus?> replica, IReadOnlyDictionary<InfoHash, EngineTorrent> engine, IReadOnlyCollection<string> volumeRoots)
    {
        var add = new List<SeedingAdd>();
        var resume = new List<InfoHash>();
        var pause = new List<InfoHash>();
        var remove = new List<SeedingRemoval>();
        var trouble = new List<SeedingTrouble>();
        var ours = new HashSet<InfoHash>();

        foreach (var torrent in held)
        {
            var hash = torrent.Metainfo.InfoHash;
            var status = replica(torrent.Name);
            engine.TryGetValue(hash, out var inEngine);
            if (status is null || status.State is ReplicaState.Retiring or ReplicaState.Lost)
            {
                // Not kept here any more: out of the daemon (below, with everything else not ours to seed).
                continue;
            }

            ours.Add(hash);
            if (inEngine is not null && !SamePath(inEngine.SavePath, torrent.SaveDirectory))
            {
                // The replica lives on another volume now: drop the old entry, the next pass adds it where it is.
                remove.Add(new SeedingRemoval(hash, $"{torrent.Name} moved from {inEngine.SavePath} to {torrent.SaveDirectory}"));
                continue;
            }

            if (status.IsHeld)
            {
                if (inEngine is null)
                {
                    add.Add(new SeedingAdd(torrent.Name, hash, torrent.SaveDirectory));
                }
                else if (inEngine.Activity is TorrentActivity.MissingFiles or TorrentActivity.Error)
                {
                    // Taken out and checked by us again; if our check finds it intact, the next pass adds it afresh.
                    var detail = $"the BitTorrent daemon reports {inEngine.EngineState} for it";
                    trouble.Add(new SeedingTrouble(torrent.Name, detail));
                    remove.Add(new SeedingRemoval(hash, $"{torrent.Name}: {detail}"));
                }
                else if (inEngine.Activity == TorrentActivity.Paused)
                {
                    resume.Add(hash);
                }
            }
            else if (inEngine is not null && inEngine.Activity != TorrentActivity.Paused)
            {
                pause.Add(hash);
            }
        }

        foreach (var (hash, torrent) in engine)
        {
            if (!ours.Contains(hash) && volumeRoots.Any(root => IsUnder(torrent.SavePath, root)))
            {
                remove.Add(new SeedingRemoval(hash, $"{torrent.Name} is no longer held intact here"));
            }
        }

        return new SeedingPlan { Add = add, Resume = resume, Pause = pause, Remove = remove, Trouble = trouble };
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or inside it.</summary>
    internal static bool IsUnder(string path, string root)
    {
        if (path.Length == 0)
        {
            return false;
        }

        var relative = Path.GetRelativePath(root, path);
        return relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }
}
