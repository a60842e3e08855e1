using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Actors.Swarm;
using LibraryCluster.Actors.Volumes;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;
using Microsoft.Extensions.Logging;

namespace LibraryCluster.Actors.Node;

/// <summary>A file this node can serve: where it is and which replica vouches for it.</summary>
public sealed record ServableFile(string Path, long Length, HeldTorrent Torrent, int FileIndex, ReplicaStatus Replica)
{
    /// <summary>What is wrong if the file on disk (<paramref name="info"/>, as just read) is no longer as it verified; null if it is.</summary>
    public string? ChangedSinceVerified(FileInfo info) =>
        !info.Exists ? $"{Path} is no longer there"
        : info.Length != Length ? $"{Path} is {info.Length:N0} bytes, {Length:N0} expected"
        : null;
}

/// <summary>
/// One mirror node: the actor system with a volume actor per disk, a replica actor per torrent held and the
/// guardian over them, plus the read model request handlers use. The host starts it and asks it things.
/// </summary>
public sealed class MirrorNode : IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    private readonly ActorSystem _system;
    private readonly Dictionary<string, ActorRef<VolumeMessage>> _volumes = new(StringComparer.Ordinal);
    private ActorRef<NodeMessage>? _guardian;
    private ActorRef<ClusterMessage>? _agent;

    private readonly PeerFetcher? _fetcher;

    public MirrorNode(NodeSettings settings, INodeStore store, ILoggerFactory? loggerFactory = null, TimeProvider? time = null, PeerFetcher? fetcher = null)
    {
        Settings = settings;
        Store = store;
        _fetcher = fetcher;
        _system = new ActorSystem(loggerFactory, time);
    }


    public NodeSettings Settings { get; }

    public INodeStore Store { get; }

    public NodeView View { get; } = new();

    /// <summary>Starts the volumes, then the guardian, which brings up a replica for every torrent on record.</summary>
    public void Start()
    {
        foreach (var volume in Settings.Volumes)
        {
            Directory.CreateDirectory(volume.Path);
        }

        _guardian = _system.Spawn("guardian", () => new NodeGuardian(_system, Settings, Store, View, _fetcher));
        var guardian = _guardian;
        foreach (var volume in Settings.Volumes)
        {
            _volumes[volume.Id] = _system.Spawn(
                $"volume/{volume.Id}",
                () => new VolumeActor(volume.Id, volume.Path, Settings.VolumeOptions with { CapacityCap = volume.CapacityCap }, t =>
                {
                    guardian.Tell(new VolumeChanged(t));
                    _agent?.Tell(new LocalVolumeChanged(t));
                }));
        }
    }

    /// <summary>Takes part in a cluster: joins its map, heartbeats, and holds, fetches and retires what placement says.</summary>
    public void JoinCluster(ClusterSettings settings, ClusterStore store, ClusterView view)
    {
        _ = Guardian;
        _agent = _system.Spawn("cluster", () => new ClusterAgent(settings, store, this, view));
    }

    /// <summary>Seeds every intact replica through <paramref name="engine"/> from now on (see <see cref="SeedingAgent"/>).</summary>
    public void StartSeeding(SeedingSettings settings, ITorrentEngine engine)
    {
        _ = Guardian;
        OnDemand.Enabled = settings.FetchOnDemand;
        _system.Spawn("seeding", () => new SeedingAgent(settings, engine, this));
    }

    /// <summary>Where seeding stands; <see cref="SeedingStatus.NotConfigured"/> until <see cref="StartSeeding"/>.</summary>
    public SeedingStatus Seeding { get; internal set; } = SeedingStatus.NotConfigured;

    /// <summary>Files downloads asked the daemon to fetch (enabled by <see cref="SeedingSettings.FetchOnDemand"/>).</summary>
    public OnDemandFetches OnDemand { get; } = new();

    /// <summary>Registers a .torrent with the catalogue and places it on a volume; data already there is adopted.</summary>
    public Task<AddTorrentResult> AddTorrentAsync(string name, byte[] torrentFile, CancellationToken cancellationToken = default) =>
        Guardian.AskAsync<AddTorrentResult>(r => new AddTorrent(name, torrentFile, r), AskTimeout, cancellationToken);

    public async Task<IReadOnlyList<VolumeStatus>> GetVolumesAsync(CancellationToken cancellationToken = default)
    {
        var asks = _volumes.Values.Select(v => v.AskAsync<VolumeStatus>(r => new GetVolumeStatus(r), AskTimeout, cancellationToken));
        return await Task.WhenAll(asks).ConfigureAwait(false);
    }

    /// <summary>The file at <paramref name="pathInTorrent"/> if a replica here vouches for it, else null.</summary>
    public ServableFile? FindServable(string torrent, string pathInTorrent) =>
        View.Torrent(torrent)?.FindFile(pathInTorrent) is { } index ? FindServable(torrent, index) : null;

    /// <summary>File <paramref name="fileIndex"/> of a torrent if a replica here vouches for it, else null.</summary>
    public ServableFile? FindServable(string torrent, int fileIndex)
    {
        if (View.Torrent(torrent) is not { } held || fileIndex < 0 || fileIndex >= held.Metainfo.Files.Count || held.Metainfo.Files[fileIndex].IsPadding
            || View.Replica(torrent) is not { } replica || !replica.CanServe(fileIndex))
        {
            return null;
        }

        var entry = held.Metainfo.Files[fileIndex];
        var path = TorrentPath.Resolve(held.SaveDirectory, entry.PathComponents, out _);
        return path is null ? null : new ServableFile(path, entry.Length, held, fileIndex, replica);
    }

    /// <summary>The cluster placed <paramref name="torrent"/> on <paramref name="volume"/> here.</summary>
    public void Hold(string torrent, byte[] metainfo, string volume) => Guardian.Tell(new HoldReplica(torrent, metainfo, volume));

    /// <summary>
    /// The cluster has enough copies of <paramref name="torrent"/> elsewhere, or none is wanted: delete this one
    /// (with <paramref name="onlyWithoutData"/>, only if it holds no data when the replica gets the word).
    /// </summary>
    public void Retire(string torrent, string reason, bool onlyWithoutData = false) => Guardian.Tell(new RetireTorrent(torrent, reason, onlyWithoutData));

    /// <summary>Moves a Healthy copy to another volume of this node, make before break (its volume is being drained).</summary>
    public void Move(string torrent, string volume, string reason) => Guardian.Tell(new MoveTorrent(torrent, volume, reason));

    /// <summary>The map says this node's <paramref name="volume"/> is Failed: its copies are Lost.</summary>
    public void WriteOffVolume(string volume, string reason) => Guardian.Tell(new WriteOffVolume(volume, reason));

    /// <summary>The map has this node's <paramref name="volume"/> In again after an operator failed it: Lost copies there are checked again.</summary>
    public void ReturnVolume(string volume) => Guardian.Tell(new ReturnVolume(volume));

    /// <summary>This node's volumes that take no new torrents (the map has them Draining, Out or Failed).</summary>
    public void CloseVolumes(IReadOnlySet<string> volumes) => Guardian.Tell(new CloseVolumes(volumes));

    /// <summary>Reads the cluster map and acts on it now rather than at the next reconcile (after an operator changed it).</summary>
    public void ReconcileNow() => _agent?.Tell(new ReconcileDue());

    /// <summary>Copies a replica's missing pieces from peers.</summary>
    public bool Fetch(string torrent, IReadOnlyList<PeerSource> sources, bool healing) => TellReplica(torrent, new FetchReplica(sources, healing));

    /// <summary>Serving found the data not as verified: the replica checks it again and withholds it meanwhile.</summary>
    public void ReportReadError(string torrent, string detail) => TellReplica(torrent, new ReplicaReadError(detail));

    /// <summary>Asks a replica to verify its data now (operators; tests).</summary>
    public bool Verify(string torrent, string reason) => TellReplica(torrent, new VerifyReplica(reason));

    /// <summary>Asks a replica to scrub now rather than when its schedule says.</summary>
    public bool Scrub(string torrent) => TellReplica(torrent, new ScrubReplica());

    /// <summary>Sends a replica a message; false when the node holds no such torrent.</summary>
    internal bool TellReplica(string torrent, ReplicaMessage message) =>
        _system.Find<ReplicaMessage>(ReplicaActor.ActorName(torrent)) is { } replica && replica.Tell(message);

    /// <summary>Stops every actor, then closes the store, which the node owns (safe to call twice).</summary>
    public async ValueTask DisposeAsync()
    {
        await _system.ShutdownAsync().ConfigureAwait(false);
        (Store as IDisposable)?.Dispose();
    }

    private ActorRef<NodeMessage> Guardian => _guardian ?? throw new InvalidOperationException("the node is not started");
}
