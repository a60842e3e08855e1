using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Actors.Swarm;

/// <summary>
/// Compares what the node holds with what the daemon does and says what to change: every intact replica
/// (Healthy, or Healthy being scrubbed) seeded from its own volume; a replica that is anything else not offered;
/// retired, lost or moved torrents out of the daemon, their files left alone. Torrents the daemon holds outside
/// this node's volumes belong to someone else and are never touched. With swarm fetching on, a copy that has
/// waited longer than the grace period with no data (Absent), part of it (Partial) or with damage (Damaged) is
/// filled by the daemon, and verified by us when the daemon says it is complete. Torrents fetched on demand, and
/// Partial copies the daemon already has, are the <see cref="SeedingAgent"/>'s to handle and left alone here.
/// Pure, so that the rules are tested without a daemon.
/// </summary>
public static class SeedingPlanner
{
    /// <param name="held">The torrents this node holds.</param>
    /// <param name="replica">Each one's replica status.</param>
    /// <param name="engine">What the daemon holds, by info-hash, as of the last poll.</param>
    /// <param name="volumeRoots">The node's volume folders: what the daemon holds under them is ours.</param>
    /// <param name="swarmFetchAfter">How long a copy waits for a nearer source (a cluster peer) before the swarm is asked; null never asks it.</param>
    /// <param name="now">The time, to judge that wait.</param>
    /// <param name="swarmFetches">Torrents whose copy the daemon was asked to fill (a fetch from cluster peers is never one of them).</param>
    /// <param name="onDemand">Torrents with an on-demand fetch: the daemon has only some of their files, on purpose.</param>
    public static SeedingPlan Plan(
        IEnumerable<HeldTorrent> held,
        Func<string, ReplicaStatus?> replica,
        IReadOnlyDictionary<InfoHash, EngineTorrent> engine,
        IReadOnlyCollection<string> volumeRoots,
        TimeSpan? swarmFetchAfter = null,
        DateTimeOffset now = default,
        IReadOnlySet<string>? swarmFetches = null,
        IReadOnlySet<string>? onDemand = null)
    {
        var fetch = new List<SeedingAdd>();
        var progress = new List<(string, double)>();
        var verify = new List<string>();
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

            if (!status.IsHeld && onDemand?.Contains(torrent.Name) == true && status.State is not (ReplicaState.Fetching or ReplicaState.Repairing))
            {
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
            else if (swarmFetchAfter is { } grace && status.State is ReplicaState.Absent or ReplicaState.Damaged or ReplicaState.Partial)
            {
                if (now - status.Since >= grace)
                {
                    fetch.Add(new SeedingAdd(torrent.Name, hash, torrent.SaveDirectory));
                }
                else if (inEngine is not null && inEngine.Activity != TorrentActivity.Paused)
                {
                    pause.Add(hash);
                }
            }
            else if (status.State is ReplicaState.Fetching or ReplicaState.Repairing && inEngine is { Activity: not TorrentActivity.Paused } && swarmFetches?.Contains(torrent.Name) == true)
            {
                if (inEngine.IsComplete)
                {
                    verify.Add(torrent.Name);
                }
                else
                {
                    progress.Add((torrent.Name, inEngine.Progress));
                }
            }
            else if (status.State == ReplicaState.Partial && inEngine is not null)
            {
                // Fetched on demand before: the daemon offers only pieces it has itself checked, and keeps them for the next request.
                continue;
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

        return new SeedingPlan { Add = add, Resume = resume, Pause = pause, Remove = remove, Trouble = trouble, Fetch = fetch, Progress = progress, Verify = verify };
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
