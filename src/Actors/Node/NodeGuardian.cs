using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Actors.Volumes;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Catalog.Torrents;
using LibraryCluster.Torrents;
using LibraryCluster.Torrents.Metainfo;
using Microsoft.Extensions.Logging;

namespace LibraryCluster.Actors.Node;

/// <summary>A disk this node keeps torrents on.</summary>
public sealed record NodeVolume(string Id, string Path, long? CapacityCap = null);

/// <summary>What a node is made of: its volumes, where it keeps .torrent files and catalogue, how it checks data.</summary>
public sealed record NodeSettings
{
    public required IReadOnlyList<NodeVolume> Volumes { get; init; }

    /// <summary>Where registered .torrent files are kept, named after the torrent (r_1000.torrent).</summary>
    public required string TorrentsDirectory { get; init; }

    public required string CatalogPath { get; init; }

    public VolumeOptions VolumeOptions { get; init; } = new();

    public ScrubOptions Scrub { get; init; } = new();

    /// <summary>Copies moving between this node's volumes take turns: one at a time, so a drain never floods the disks.</summary>
    public SemaphoreSlim MoveTurns { get; init; } = new(1, 1);
}

/// <summary>A torrent was added (or was already there).</summary>
public sealed record AddTorrentResult(string Name, string InfoHash, string Volume, bool AlreadyHeld, RegistrationReport? Registration);

public abstract record NodeMessage;

public sealed record AddTorrent(string Name, byte[] Bytes, Reply<AddTorrentResult> Reply) : NodeMessage;

/// <summary>The cluster placed a torrent on one of this node's volumes: hold it there (its data comes from peers).</summary>
public sealed record HoldReplica(string Name, byte[] Bytes, string Volume) : NodeMessage; // Bytes: its .torrent, empty when the node already has it

/// <summary>The cluster no longer wants this node's copy and has enough elsewhere: delete it.</summary>
public sealed record RetireTorrent(string Name, string Reason, bool OnlyWithoutData = false) : NodeMessage;

/// <summary>The cluster wants a Healthy copy on another of this node's volumes (its own is being drained): move it there.</summary>
public sealed record MoveTorrent(string Name, string Volume, string Reason) : NodeMessage;

/// <summary>An operator declared one of this node's volumes Failed in the map: its copies are Lost, as if the node had found it broken.</summary>
public sealed record WriteOffVolume(string Volume, string Reason) : NodeMessage;

/// <summary>An operator brought a volume they had failed back In: copies still Lost there check their data again.</summary>
public sealed record ReturnVolume(string Volume) : NodeMessage;

/// <summary>This node's volumes the map no longer lets take data (Draining, Out, Failed): new torrents go elsewhere.</summary>
public sealed record CloseVolumes(IReadOnlySet<string> Volumes) : NodeMessage;

internal sealed record ReplicaGone(string Torrent) : NodeMessage;

/// <summary>A volume actor reported a transition.</summary>
public sealed record VolumeChanged(VolumeTransition Transition) : NodeMessage;

internal sealed record HeldChanged(string Torrent, bool Held) : NodeMessage;

/// <summary>
/// The node's guardian: starts a replica actor per torrent held, registers new
/// torrents with the catalogue and places them on a volume with room (or the one that already has their
/// data), turns a failed volume's replicas Lost, and keeps the catalogue's "held" flag true to the replicas.
/// It is the one writer of the catalogue while the node runs.
/// </summary>
public sealed class NodeGuardian(ActorSystem system, NodeSettings settings, INodeStore store, NodeView view, PeerFetcher? fetcher = null) : Actor<NodeMessage>
{
    private readonly HashSet<string> _failedVolumes = new(StringComparer.Ordinal);
    private IReadOnlySet<string> _closedVolumes = new HashSet<string>();
    private CatalogStore _catalog = null!;

    protected internal override void PreStart()
    {
        _catalog = CatalogStore.Open(settings.CatalogPath);
        Directory.CreateDirectory(settings.TorrentsDirectory);
        var saved = store.LoadReplicas().ToDictionary(r => r.Torrent, StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(settings.TorrentsDirectory, "*.torrent").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (system.Find<ReplicaMessage>(ReplicaActor.ActorName(name)) is not null)
            {
                // A restart of the guardian: the replica carried on meanwhile.
                continue;
            }

            try
            {
                var metainfo = MetainfoParser.Load(file);
                var replica = saved.GetValueOrDefault(name);
                var volume = replica is not null && settings.Volumes.Any(v => v.Id == replica.Volume) ? replica.Volume : Place(name, metainfo);
                Hold(name, metainfo, volume, replica?.Volume == volume ? replica : null);
            }
            catch (Exception e) when (e is TorrentException or CatalogException or IOException)
            {
                Context.Logger.LogError(e, "cannot hold {Torrent} from {File}: {Message}", name, file, e.Message);
            }
        }
    }

    protected internal override void PostStop() => _catalog?.Dispose();

    protected internal override void Receive(NodeMessage message)
    {
        switch (message)
        {
            case AddTorrent add:
                try
                {
                    add.Reply.Send(Add(add.Name, add.Bytes));
                }
                catch (Exception e) when (e is TorrentException or CatalogException or IOException)
                {
                    add.Reply.Fail(e);
                }

                break;
            case VolumeChanged { Transition: var t }:
                store.Journal(null, t.Id, t.From.ToString(), t.To.ToString(), t.Reason, 0, t.At);
                if (t.To == VolumeState.Failed && _failedVolumes.Add(t.Id))
                {
                    foreach (var torrent in view.Torrents.Where(h => h.Volume == t.Id))
                    {
                        system.Find<ReplicaMessage>(ReplicaActor.ActorName(torrent.Name))?.Tell(new VolumeLost(t.Reason));
                    }
                }

                break;
            case HoldReplica hold:
                try
                {
                    HoldPlaced(hold);
                }
                catch (Exception e) when (e is TorrentException or CatalogException or IOException)
                {
                    Context.Logger.LogError(e, "cannot hold {Torrent} on {Volume} as the cluster placed it: {Message}", hold.Name, hold.Volume, e.Message);
                }

                break;
            case MoveTorrent move when settings.Volumes.FirstOrDefault(v => v.Id == move.Volume) is { } target && !_failedVolumes.Contains(move.Volume):
                system.Find<ReplicaMessage>(ReplicaActor.ActorName(move.Name))?.Tell(new MoveReplica(target.Id, Path.Join(target.Path, move.Name), move.Reason));
                break;
            case WriteOffVolume writeOff when _failedVolumes.Add(writeOff.Volume):
                foreach (var torrent in view.Torrents.Where(h => h.Volume == writeOff.Volume))
                {
                    system.Find<ReplicaMessage>(ReplicaActor.ActorName(torrent.Name))?.Tell(new VolumeLost(writeOff.Reason));
                }

                break;
            case ReturnVolume back when _failedVolumes.Remove(back.Volume):
                foreach (var torrent in view.Torrents.Where(h => h.Volume == back.Volume && view.Replica(h.Name)?.State == ReplicaState.Lost))
                {
                    system.Find<ReplicaMessage>(ReplicaActor.ActorName(torrent.Name))?.Tell(new VolumeReturned());
                }

                break;
            case CloseVolumes closed:
                _closedVolumes = closed.Volumes;
                break;
            case RetireTorrent retire:
                system.Find<ReplicaMessage>(ReplicaActor.ActorName(retire.Name))?.Tell(new RetireReplica(retire.Reason, retire.OnlyWithoutData));
                break;
            case ReplicaGone gone:
                view.Remove(gone.Torrent);
                File.Delete(Path.Join(settings.TorrentsDirectory, gone.Torrent + ".torrent"));
                TorrentRegistration.SetHeld(_catalog, gone.Torrent, false);
                break;
            case HeldChanged held:
                TorrentRegistration.SetHeld(_catalog, held.Torrent, held.Held);
                break;
        }
    }

    /// <summary>
    /// Holds a torrent where the cluster placed it. A copy this node already has elsewhere stays where it is,
    /// unless its volume failed or is being drained while it has no data yet: then the copy is made again on the
    /// new volume (a Healthy copy on a drained volume is moved instead, see <see cref="MoveTorrent"/>).
    /// </summary>
    private void HoldPlaced(HoldReplica hold)
    {
        if (view.Torrent(hold.Name) is not { } held)
        {
            Add(hold.Name, hold.Bytes, hold.Volume);
            return;
        }

        if (held.Volume != hold.Volume && view.Replica(hold.Name)?.State is ReplicaState.Lost or ReplicaState.Absent && settings.Volumes.FirstOrDefault(v => v.Id == hold.Volume) is { } volume)
        {
            var moved = held with { Volume = volume.Id, SaveDirectory = Path.Join(volume.Path, hold.Name) };
            view.Add(moved);
            system.Find<ReplicaMessage>(ReplicaActor.ActorName(hold.Name))?.Tell(new RelocateReplica(moved.Volume, moved.SaveDirectory));
        }
    }

    private AddTorrentResult Add(string name, byte[] bytes, string? placedOn = null)
    {
        if (name.Length is 0 or > 100 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') || name.StartsWith('.'))
        {
            throw new CatalogException($"torrent name \"{name}\" must be a LibGen torrent name such as r_1000, f_1000 or sm_00000000-00099999");
        }

        _ = TorrentRegistration.CollectionOf(name);
        var metainfo = MetainfoParser.Parse(bytes);
        if (view.Torrent(name) is { } existing)
        {
            return existing.Metainfo.InfoHash == metainfo.InfoHash
                ? new AddTorrentResult(name, metainfo.InfoHash.ToString(), existing.Volume, AlreadyHeld: true, Registration: null)
                : throw new CatalogException($"torrent {name} is already held with info-hash {existing.Metainfo.InfoHash}; this one has {metainfo.InfoHash}");
        }

        var volume = placedOn ?? Place(name, metainfo);
        var report = TorrentRegistration.Register(_catalog, name, metainfo);

        // Written aside and renamed, so a crash never leaves half a .torrent for the next start to trip on.
        var path = Path.Join(settings.TorrentsDirectory, name + ".torrent");
        File.WriteAllBytes(path + ".partial", bytes);
        File.Move(path + ".partial", path, overwrite: true);
        Hold(name, metainfo, volume, saved: null);
        return new AddTorrentResult(name, report.InfoHash, volume, AlreadyHeld: false, report);
    }

    /// <summary>The volume that already has the torrent's folder, else the working one with the most room.</summary>
    private string Place(string name, TorrentMetainfo metainfo)
    {
        var working = settings.Volumes.Where(v => !_failedVolumes.Contains(v.Id)).ToList();
        if (working.Any(v => !_closedVolumes.Contains(v.Id)))
        {
            // Volumes being drained take no new torrents, unless no other volume works.
            working = [.. working.Where(v => !_closedVolumes.Contains(v.Id))];
        }

        if (working.FirstOrDefault(v => Directory.Exists(Path.Join(v.Path, name))) is { } existing)
        {
            return existing.Id;
        }

        var best = working
            .Select(v => (Volume: v, Room: Room(v)))
            .Where(v => v.Room >= metainfo.TotalLength)
            .OrderByDescending(v => v.Room)
            .FirstOrDefault();
        return best.Volume?.Id
            ?? throw new IOException($"no working volume has room for {name} ({metainfo.TotalLength:N0} bytes); add a volume or raise a capacity cap");
    }

    private long Room(NodeVolume volume)
    {
        var free = VolumeProbe.Capacity(volume.Path).Free ?? 0;
        if (volume.CapacityCap is not { } cap)
        {
            return free;
        }

        var used = view.Torrents.Where(t => t.Volume == volume.Id).Sum(t => t.Metainfo.TotalLength);
        return Math.Min(free, cap - used);
    }

    private void Hold(string name, TorrentMetainfo metainfo, string volumeId, ReplicaStatus? saved)
    {
        var volume = settings.Volumes.First(v => v.Id == volumeId);
        var held = new HeldTorrent(name, metainfo, volumeId, Path.Join(volume.Path, name));
        view.Add(held);
        var self = Context.Self;
        var wasHeld = saved?.IsHeld;
        var setup = new ReplicaSetup(name, metainfo, volumeId, held.SaveDirectory, store, settings.Scrub, Published, saved, fetcher, () => self.Tell(new ReplicaGone(name)), Moved, settings.MoveTurns);
        // A restart starts from where the replica last stood (its status, its volume), not from how the node found it.
        system.Spawn(ReplicaActor.ActorName(name), () => view.Torrent(name) is { } now
            ? new ReplicaActor(setup with { Saved = view.Replica(name) ?? saved, Volume = now.Volume, SaveDirectory = now.SaveDirectory })
            : new ReplicaActor(setup));

        // Serving resolves paths through the view: it must name the new place before the old copy is deleted.
        void Moved(string volume, string saveDirectory)
        {
            if (view.Torrent(name) is { } current)
            {
                view.Add(current with { Volume = volume, SaveDirectory = saveDirectory });
            }
        }

        void Published(ReplicaStatus status)
        {
            view.Publish(status);
            if (status.IsHeld != wasHeld)
            {
                wasHeld = status.IsHeld;
                self.Tell(new HeldChanged(name, status.IsHeld));
            }
        }
    }
}
