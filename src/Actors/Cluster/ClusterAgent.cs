using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Actors.Volumes;
using Microsoft.Extensions.Logging;

namespace LibraryCluster.Actors.Cluster;

public abstract record ClusterMessage;

internal sealed record JoinCluster : ClusterMessage;

internal sealed record Joined(long Epoch, NodeState? Previous) : ClusterMessage;

internal sealed record HeartbeatDue : ClusterMessage;

internal sealed record HeartbeatDone(bool Renewed) : ClusterMessage;

internal sealed record ReconcileDue : ClusterMessage;

internal sealed record Planned(ClusterSnapshot Snapshot, ClusterPlan Plan, IReadOnlyDictionary<string, byte[]> Metainfo, IReadOnlyDictionary<string, string> Conflicts) : ClusterMessage;

internal sealed record MapChanged(long? Epoch, bool Left = false) : ClusterMessage;

internal sealed record DatabaseFailed(string Doing, Exception Error) : ClusterMessage;

/// <summary>A local volume changed state (the guardian forwards its volume actors' reports).</summary>
public sealed record LocalVolumeChanged(VolumeTransition Transition) : ClusterMessage;

/// <summary>
/// This node's part in the cluster: joins the map, heartbeats, and on every reconcile tick reads the map, the
/// stored placement and the replicas, plans (<see cref="ClusterPlanner"/>) and acts — marks silent peers Down or
/// Out, stores a new placement when the map calls for one, holds and fills what the placement gives it, retires
/// what it no longer wants. All database work runs off the actor and comes
/// back as messages; when the database cannot be reached the node keeps serving and changes nothing.
/// </summary>
public sealed class ClusterAgent(ClusterSettings settings, ClusterStore store, MirrorNode node, ClusterView view) : Actor<ClusterMessage>
{
    private const string HeartbeatTimer = "heartbeat";
    private const string ReconcileTimer = "reconcile";
    private static readonly TimeSpan RetryJoin = TimeSpan.FromSeconds(1);

    private readonly HashSet<string> _failedVolumes = new(StringComparer.Ordinal);
    private bool _joined;
    private bool _left;
    private bool _reconciling;
    private IReadOnlySet<string> _closedVolumes = new HashSet<string>();

    // Local volumes written off because the map said Failed (not because this node found them broken).
    private readonly HashSet<string> _writtenOff = new(StringComparer.Ordinal);
    private bool _databaseDown;

    // Torrents held here under a name the cluster holds with another info-hash, as last reported (each once).
    private IReadOnlyDictionary<string, string> _conflicts = new Dictionary<string, string>(StringComparer.Ordinal);

    // Until then, peers' leases are not judged: after an outage nobody could renew them (see ClusterPlanner).
    private DateTimeOffset _judgePeersFrom;

    protected internal override void PreStart() => Context.Self.Tell(new JoinCluster());

    protected internal override void Receive(ClusterMessage message)
    {
        switch (message)
        {
            case JoinCluster:
                var volumes = Usage();
                var at = Context.Time.GetUtcNow();
                Context.PipeTo(Task.Run(() => store.Join(settings.NodeId, settings.Endpoint.ToString(), settings.Zone, volumes, at)), j => new Joined(j.Epoch, j.Previous), e => new DatabaseFailed("joining", e));
                break;
            case Joined joined:
                _joined = true;
                Recovered();
                Context.Logger.LogInformation("node {Node} joined the cluster at epoch {Epoch} (was {Previous})", settings.NodeId, joined.Epoch, joined.Previous?.ToString() ?? "new");
                _judgePeersFrom = Context.Time.GetUtcNow() + settings.DownAfter;
                if (joined.Previous == NodeState.Out)
                {
                    foreach (var torrent in node.View.Torrents)
                    {
                        node.Verify(torrent.Name, "node rejoined after being Out");
                    }
                }

                Context.Timers.StartPeriodic(HeartbeatTimer, new HeartbeatDue(), settings.HeartbeatInterval);
                Context.Timers.StartPeriodic(ReconcileTimer, new ReconcileDue(), settings.ReconcileInterval);
                Context.Self.Tell(new ReconcileDue());
                break;
            case HeartbeatDue:
                var usage = Usage();
                var now = Context.Time.GetUtcNow();
                Context.PipeTo(Task.Run(() => store.Heartbeat(settings.NodeId, now, usage)), r => new HeartbeatDone(r), e => new DatabaseFailed("heartbeating", e));
                break;
            case HeartbeatDone when _left:
                break;
            case HeartbeatDone done:
                Recovered();
                if (!done.Renewed)
                {
                    // Peers marked this node Down or Out while it was silent: join again (and re-verify if it was Out).
                    Context.Logger.LogWarning("node {Node} was marked down by its peers; rejoining", settings.NodeId);
                    Context.Timers.Cancel(HeartbeatTimer);
                    Context.Timers.Cancel(ReconcileTimer);
                    _joined = false;
                    Context.Self.Tell(new JoinCluster());
                }

                break;
            case ReconcileDue when _joined && !_reconciling:
                _reconciling = true;
                var local = node.View.Replicas.ToDictionary(r => r.Torrent, StringComparer.Ordinal);
                var failed = _failedVolumes.ToHashSet(StringComparer.Ordinal);
                var readAt = Context.Time.GetUtcNow();
                var judgePeers = readAt >= _judgePeersFrom;
                Context.PipeTo(Task.Run(() => Read(local, failed, readAt, judgePeers)), p => p, e => new DatabaseFailed("reading the map", e));
                break;
            case Planned planned:
                _reconciling = false;
                Recovered();
                view.Publish(planned.Snapshot);
                Act(planned);
                break;
            case MapChanged changed:
                if (changed.Epoch is { } epoch)
                {
                    Context.Logger.LogInformation("cluster map now at epoch {Epoch}", epoch);
                }

                if (changed.Left)
                {
                    // Out on purpose: stop heartbeating, or the refused heartbeat would join the cluster again. A
                    // restart joins it again. Reconciles go on, so downloads are still forwarded to peers.
                    _left = true;
                    Context.Timers.Cancel(HeartbeatTimer);
                    Context.Logger.LogWarning("node {Node} left the cluster: every copy it held is on other nodes; restart it to join again", settings.NodeId);
                }

                Context.Self.Tell(new ReconcileDue());
                break;
            case LocalVolumeChanged { Transition: var t }:
                if (t.To == VolumeState.Failed)
                {
                    _failedVolumes.Add(t.Id);
                    Context.Self.Tell(new ReconcileDue());
                }

                break;
            case DatabaseFailed failure:
                _reconciling = false;
                if (!_databaseDown)
                {
                    _databaseDown = true;
                    Context.Logger.LogWarning("cluster database unreachable while {Doing}: {Message}; serving reads, changing nothing until it is back", failure.Doing, failure.Error.Message);
                }

                if (!_joined && !_left)
                {
                    Context.Timers.StartSingle("rejoin", new JoinCluster(), RetryJoin);
                }

                break;
        }
    }

    private void Recovered()
    {
        if (_databaseDown)
        {
            _databaseDown = false;
            _judgePeersFrom = Context.Time.GetUtcNow() + settings.DownAfter;
            Context.Logger.LogInformation("cluster database reachable again");
        }
    }

    /// <summary>
    /// A rejoin after Out marks this node's copies Verifying in the map, and the node asks its replicas to check
    /// them; a replica still loading when the node joined missed that request and would sit trusted here while
    /// the map says Verifying. Those are asked again until the map and the replica agree.
    /// </summary>
    private void CheckCopiesMarkedByRejoin(ClusterSnapshot snapshot)
    {
        foreach (var copy in snapshot.Replicas.Where(r => r.Node == settings.NodeId && r.State == ReplicaState.Verifying))
        {
            // A copy whose check finished after the snapshot was read is newer than the row, not in doubt.
            if (node.View.Replica(copy.Torrent) is { State: ReplicaState.Healthy or ReplicaState.Scrubbing or ReplicaState.Damaged or ReplicaState.Partial } replica && replica.Since <= copy.Since)
            {
                node.Verify(copy.Torrent, "node rejoined after being Out");
            }
        }
    }

    private Planned Read(IReadOnlyDictionary<string, ReplicaStatus> local, IReadOnlySet<string> failed, DateTimeOffset readAt, bool judgePeers)
    {
        // The map and the placement before the torrents: every torrent the placement names is then in the list (a
        // torrent is registered before any placement of it is stored), so no node drops one it has not seen yet.
        var map = store.ReadMap();
        var placement = store.ReadPlacement();
        var holdings = store.ReadHoldings();
        var torrents = store.ListTorrents();

        // Torrents added to this node (watch folder, admin API) become the cluster's: placement spreads them from
        // the next reconcile on. One whose name the cluster already holds with another info-hash (two different
        // .torrent files under one name) is a conflict: it is not the cluster's torrent, and the rest goes on.
        var known = torrents.ToDictionary(t => t.Name, t => t.InfoHash, StringComparer.Ordinal);
        var conflicts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var held in node.View.Torrents)
        {
            var hash = held.Metainfo.InfoHash.ToString();
            if (known.TryGetValue(held.Name, out var theirs))
            {
                if (!string.Equals(theirs, hash, StringComparison.OrdinalIgnoreCase))
                {
                    conflicts[held.Name] = Conflict(held.Name, hash, theirs);
                }

                continue;
            }

            var file = Path.Join(node.Settings.TorrentsDirectory, held.Name + ".torrent");
            if (File.Exists(file))
            {
                var collection = Catalog.Torrents.TorrentRegistration.CollectionOf(held.Name).ToString().ToLowerInvariant();
                var added = new ClusterTorrent(held.Name, collection, held.Metainfo.TotalLength, hash, readAt);
                try
                {
                    store.AddTorrent(added, File.ReadAllBytes(file));
                }
                catch (TorrentConflictException e)
                {
                    // Another node registered the name first, with other contents.
                    conflicts[held.Name] = Conflict(held.Name, hash, e.ClusterInfoHash);
                }
            }
        }

        var snapshot = new ClusterSnapshot(map, torrents, store.ReplicationFactors(), store.ListReplicas(), readAt) { Placement = placement, Holdings = holdings };
        var plan = ClusterPlanner.Plan(snapshot, settings, local, failed, judgePeers);
        // Only a torrent new to this node needs its .torrent from the database; the guardian has the others.
        var metainfo = plan.Holds.ToDictionary(h => h.Torrent, h => node.View.Torrent(h.Torrent) is null ? store.GetMetainfo(h.Torrent) ?? [] : [], StringComparer.Ordinal);
        return new Planned(snapshot, plan, metainfo, conflicts);
    }

    private static string Conflict(string torrent, string here, string cluster) =>
        $"{torrent} here has info-hash {here} but the cluster holds {torrent} with info-hash {cluster}: two different .torrent files " +
        $"share the name. This node leaves its copy of {torrent} alone (it does not fetch into it, move, retire or let go of it) " +
        "until the name means one torrent again: remove the wrong .torrent where it was added";

    private void Act(Planned planned)
    {
        ReportConflicts(planned.Conflicts);
        var plan = planned.Plan;
        if (planned.Conflicts.Count > 0)
        {
            // This node's copy of a conflicting name is another torrent: nothing is done to it on the cluster's behalf.
            var mine = planned.Conflicts;
            plan = plan with
            {
                Holds = [.. plan.Holds.Where(h => !mine.ContainsKey(h.Torrent))],
                Fetches = [.. plan.Fetches.Where(f => !mine.ContainsKey(f.Torrent))],
                Moves = [.. plan.Moves.Where(m => !mine.ContainsKey(m.Torrent))],
                Retires = [.. plan.Retires.Where(r => !mine.ContainsKey(r.Torrent))],
                LetGo = [.. plan.LetGo.Where(r => !mine.ContainsKey(r.Torrent))],
            };
        }

        CheckCopiesMarkedByRejoin(planned.Snapshot);
        if (plan.MapChanges.Count > 0 && Context.Time.GetUtcNow() < _judgePeersFrom && plan.MapChanges.Any(c => c is MapChange.SetNode))
        {
            // Planned before the database came back (or before this node rejoined): peers' leases were not renewable
            // then. The next reconcile judges them again.
            return;
        }

        if (plan.MapChanges.Count > 0)
        {
            foreach (var change in plan.MapChanges)
            {
                Context.Logger.LogWarning("cluster map change at epoch {Epoch}: {Change}", planned.Snapshot.Map.Epoch, change);
            }

            var epoch = planned.Snapshot.Map.Epoch;
            var at = Context.Time.GetUtcNow();
            var changes = plan.MapChanges.ToArray();
            var leaving = changes.Any(c => c is MapChange.SetNode { State: NodeState.Out } n && n.Node == settings.NodeId);
            Context.PipeTo(Task.Run(() => store.Change(epoch, at, changes)), e => new MapChanged(e, leaving && e is not null), e => new DatabaseFailed("changing the map", e));
            return;
        }

        if (plan.Placement is { } next)
        {
            var (added, removed) = ClusterPlanner.Differences(planned.Snapshot.Placement, next);
            Context.Logger.LogInformation("storing a new placement at epoch {Epoch}: {Added} targets added, {Removed} dropped", planned.Snapshot.Map.Epoch, added, removed);
            var epoch = planned.Snapshot.Map.Epoch;
            Context.PipeTo(Task.Run(() => store.ReplacePlacement(epoch, next)), e => new MapChanged(e), e => new DatabaseFailed("storing the placement", e));
            return;
        }

        foreach (var (torrent, volume) in plan.Holds)
        {
            // A torrent the node already has needs no bytes (the guardian only moves a lost copy to its new volume).
            if (planned.Metainfo.GetValueOrDefault(torrent) is { Length: > 0 } bytes)
            {
                node.Hold(torrent, bytes, volume);
            }
            else if (node.View.Torrent(torrent) is not null)
            {
                node.Hold(torrent, [], volume);
            }
        }

        foreach (var (torrent, sources, healing) in plan.Fetches)
        {
            node.Fetch(torrent, sources, healing);
        }

        if (!plan.ClosedVolumes.SetEquals(_closedVolumes))
        {
            _closedVolumes = plan.ClosedVolumes;
            node.CloseVolumes(_closedVolumes);
        }

        foreach (var (volume, reason) in plan.WriteOffs)
        {
            Context.Logger.LogWarning("volume {Volume} is Failed in the cluster map; its copies here are Lost: {Reason}", volume, reason);
            node.WriteOffVolume(volume, reason);
            _writtenOff.Add(volume);
        }

        foreach (var volume in _writtenOff.Where(v => !plan.ClosedVolumes.Contains(v) && !_failedVolumes.Contains(v)).ToList())
        {
            Context.Logger.LogInformation("volume {Volume} is In again in the cluster map; its Lost copies check their data", volume);
            node.ReturnVolume(volume);
            _writtenOff.Remove(volume);
        }

        // A copy already moving ignores the repeat; one that stopped tries again after a pause.
        foreach (var (torrent, volume, reason) in plan.Moves)
        {
            node.Move(torrent, volume, reason);
        }

        foreach (var (torrent, reason) in plan.Retires)
        {
            Context.Logger.LogInformation("retiring {Torrent}: {Reason}", torrent, reason);
            node.Retire(torrent, reason);
        }

        foreach (var (torrent, reason) in plan.LetGo)
        {
            node.Retire(torrent, reason, onlyWithoutData: true);
        }
    }

    /// <summary>Each conflict is logged once when it appears and once when it is gone; the view shows those standing.</summary>
    private void ReportConflicts(IReadOnlyDictionary<string, string> conflicts)
    {
        foreach (var (torrent, message) in conflicts.Where(c => !_conflicts.ContainsKey(c.Key)))
        {
            Context.Logger.LogError("torrent name conflict: {Message}", message);
        }

        foreach (var torrent in _conflicts.Keys.Where(t => !conflicts.ContainsKey(t)))
        {
            Context.Logger.LogInformation("torrent name conflict over {Torrent} resolved", torrent);
        }

        _conflicts = conflicts;
        view.PublishConflicts(conflicts);
    }

    private List<(string Name, long Capacity, long Used)> Usage() =>
        node.Settings.Volumes.Select(v =>
        {
            var (total, free) = VolumeProbe.Capacity(v.Path);
            var capacity = v.CapacityCap is { } cap ? Math.Min(cap, total ?? cap) : total ?? 0;
            return (v.Id, capacity, Math.Max(0, (total ?? 0) - (free ?? 0)));
        }).ToList();
}
