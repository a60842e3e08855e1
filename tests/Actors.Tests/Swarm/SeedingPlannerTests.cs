using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Actors.Swarm;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Actors.Tests.Swarm;

public sealed class SeedingPlannerTests : IDisposable
{
    private const string Volume = "/srv/a";
    private readonly TempDirectory _temp = new();
    private readonly Dictionary<string, ReplicaStatus> _replicas = [];
    private readonly Dictionary<InfoHash, EngineTorrent> _engine = [];
    private readonly List<HeldTorrent> _held = [];

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_Intact_Replica_The_Daemon_Lacks_Is_Added_From_Its_Own_Volume()
    {
        var torrent = await HoldAsync("r_1000", ReplicaState.Healthy);

        var plan = Plan();

        var add = Assert.Single(plan.Add);
        Assert.Equal(new SeedingAdd("r_1000", torrent.Metainfo.InfoHash, "/srv/a/r_1000"), add);
        Assert.Empty(plan.Pause);
        Assert.Empty(plan.Remove);
    }

    [Fact]
    public async Task Seeding_Replicas_Are_Left_Alone_Even_While_Scrubbed_And_Paused_Intact_Ones_Resume()
    {
        var seeding = await HoldAsync("r_1000", ReplicaState.Scrubbing);
        var paused = await HoldAsync("r_2000", ReplicaState.Healthy);
        InEngine(seeding, TorrentActivity.Seeding);
        InEngine(paused, TorrentActivity.Paused);

        var plan = Plan();

        Assert.Empty(plan.Add);
        Assert.Equal([paused.Metainfo.InfoHash], plan.Resume);
        Assert.Empty(plan.Pause);
        Assert.Empty(plan.Remove);
    }

    [Theory]
    [InlineData(ReplicaState.Damaged)]
    [InlineData(ReplicaState.Verifying)]
    [InlineData(ReplicaState.Repairing)]
    [InlineData(ReplicaState.Fetching)]
    public async Task A_Replica_That_Is_Not_Intact_Stops_Being_Offered(ReplicaState state)
    {
        var torrent = await HoldAsync("r_1000", state);
        InEngine(torrent, TorrentActivity.Seeding);

        var plan = Plan();

        Assert.Equal([torrent.Metainfo.InfoHash], plan.Pause);
        Assert.Empty(plan.Add);
        Assert.Empty(plan.Remove);
    }

    [Fact]
    public async Task A_Replica_That_Is_Not_Intact_Is_Never_Added_And_A_Paused_One_Stays_Paused()
    {
        await HoldAsync("r_1000", ReplicaState.Absent);
        var damaged = await HoldAsync("r_2000", ReplicaState.Damaged);
        InEngine(damaged, TorrentActivity.Paused);

        Assert.True(Plan().IsEmpty);
    }

    [Theory]
    [InlineData(ReplicaState.Retiring)]
    [InlineData(ReplicaState.Lost)]
    public async Task Retiring_And_Lost_Replicas_Leave_The_Daemon(ReplicaState state)
    {
        var torrent = await HoldAsync("r_1000", state);
        InEngine(torrent, TorrentActivity.Seeding);

        var removal = Assert.Single(Plan().Remove);

        Assert.Equal(torrent.Metainfo.InfoHash, removal.Hash);
    }

    [Fact]
    public async Task A_Torrent_No_Longer_Held_Leaves_The_Daemon_But_Others_Torrents_Are_Not_Touched()
    {
        var gone = await HoldAsync("r_1000", ReplicaState.Healthy);
        var someoneElses = await HoldAsync("r_2000", ReplicaState.Healthy, volume: "/home/someone");
        _held.Clear();
        InEngine(gone, TorrentActivity.Seeding);
        InEngine(someoneElses, TorrentActivity.Seeding);

        var removal = Assert.Single(Plan().Remove);

        Assert.Equal(gone.Metainfo.InfoHash, removal.Hash);
        Assert.Contains("r_1000 is no longer held intact here", removal.Reason);
    }

    [Fact]
    public async Task A_Replica_Moved_To_Another_Volume_Is_Taken_Out_To_Be_Added_Where_It_Is()
    {
        var torrent = await HoldAsync("r_1000", ReplicaState.Healthy);
        _engine[torrent.Metainfo.InfoHash] = Engine(torrent, TorrentActivity.Seeding) with { SavePath = "/srv/b/r_1000" };

        var plan = Plan(Volume, "/srv/b");

        var removal = Assert.Single(plan.Remove);
        Assert.Contains("moved from /srv/b/r_1000 to /srv/a/r_1000", removal.Reason);
        Assert.Empty(plan.Add);
    }

    [Theory]
    [InlineData(TorrentActivity.MissingFiles)]
    [InlineData(TorrentActivity.Error)]
    public async Task Trouble_Reported_By_The_Daemon_Takes_The_Replica_Out_And_Has_It_Checked(TorrentActivity activity)
    {
        var torrent = await HoldAsync("r_1000", ReplicaState.Healthy);
        _engine[torrent.Metainfo.InfoHash] = Engine(torrent, activity) with { EngineState = "missingFiles" };

        var plan = Plan();

        var trouble = Assert.Single(plan.Trouble);
        Assert.Equal("r_1000", trouble.Torrent);
        Assert.Contains("missingFiles", trouble.Detail);
        Assert.Equal(torrent.Metainfo.InfoHash, Assert.Single(plan.Remove).Hash);
    }

    [Fact]
    public async Task With_Swarm_Fetching_On_A_Copy_With_No_Data_Is_Fetched_Once_Its_Grace_Is_Over()
    {
        var waited = await HoldAsync("r_1000", ReplicaState.Absent);
        await HoldAsync("r_2000", ReplicaState.Absent, since: Now - TimeSpan.FromSeconds(5));

        var plan = SwarmPlan();

        var fetch = Assert.Single(plan.Fetch);
        Assert.Equal(new SeedingAdd("r_1000", waited.Metainfo.InfoHash, "/srv/a/r_1000"), fetch);
        Assert.Empty(plan.Add);
        Assert.Empty(Plan().Fetch);
    }

    [Fact]
    public async Task A_Damaged_Copy_Seeded_Before_Is_Fetched_Afresh_From_The_Swarm()
    {
        var damaged = await HoldAsync("r_1000", ReplicaState.Damaged);
        InEngine(damaged, TorrentActivity.Paused);

        var plan = SwarmPlan();

        Assert.Equal("r_1000", Assert.Single(plan.Fetch).Torrent);
        Assert.Empty(plan.Resume);
        Assert.Empty(plan.Remove);
    }

    [Fact]
    public async Task A_Swarm_Fetch_Reports_Progress_And_Is_Verified_By_Us_When_The_Daemon_Completes_It()
    {
        var running = await HoldAsync("r_1000", ReplicaState.Fetching);
        var done = await HoldAsync("r_2000", ReplicaState.Repairing);
        _engine[running.Metainfo.InfoHash] = Engine(running, TorrentActivity.Downloading) with { Progress = 0.25, BytesLeft = 15_000 };
        _engine[done.Metainfo.InfoHash] = Engine(done, TorrentActivity.Seeding) with { Progress = 1, BytesLeft = 0 };

        var plan = SwarmPlan("r_1000", "r_2000");

        Assert.Equal([("r_1000", 0.25)], plan.Progress);
        Assert.Equal(["r_2000"], plan.Verify);
        Assert.Empty(plan.Pause);
    }

    [Fact]
    public async Task A_Peer_Fetch_Is_Never_Mistaken_For_A_Swarm_Fetch()
    {
        var paused = await HoldAsync("r_1000", ReplicaState.Repairing);
        var stillSeeding = await HoldAsync("r_2000", ReplicaState.Repairing);
        _engine[paused.Metainfo.InfoHash] = Engine(paused, TorrentActivity.Paused) with { BytesLeft = 0 };
        _engine[stillSeeding.Metainfo.InfoHash] = Engine(stillSeeding, TorrentActivity.Seeding) with { BytesLeft = 0 };

        var plan = SwarmPlan();

        Assert.Equal([stillSeeding.Metainfo.InfoHash], plan.Pause);
        Assert.Empty(plan.Verify);
        Assert.Empty(plan.Progress);
    }

    [Fact]
    public async Task A_Torrent_Fetched_On_Demand_Is_Left_To_The_Agent_And_A_Partial_Copy_Keeps_What_The_Daemon_Has()
    {
        var onDemand = await HoldAsync("r_1000", ReplicaState.Absent);
        var partial = await HoldAsync("r_2000", ReplicaState.Partial);
        var partialNotInDaemon = await HoldAsync("r_3000", ReplicaState.Partial);
        InEngine(onDemand, TorrentActivity.Downloading);
        InEngine(partial, TorrentActivity.Seeding);

        var plan = SeedingPlanner.Plan(_held, name => _replicas.GetValueOrDefault(name), _engine, [Volume], onDemand: new HashSet<string> { "r_1000" });

        // Never added with skip-checking either: the daemon would then offer pieces that are not there.
        Assert.True(plan.IsEmpty);
        Assert.DoesNotContain(plan.Add, a => a.Torrent == partialNotInDaemon.Name);
    }

    [Fact]
    public async Task With_Swarm_Fetching_On_A_Partial_Copy_Is_Filled_Whole()
    {
        var partial = await HoldAsync("r_1000", ReplicaState.Partial);
        InEngine(partial, TorrentActivity.Seeding);

        var plan = SwarmPlan();

        Assert.Equal(["r_1000"], plan.Fetch.Select(f => f.Torrent));
    }

    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch + TimeSpan.FromDays(1);

    private SeedingPlan SwarmPlan(params string[] swarmFetches) =>
        SeedingPlanner.Plan(_held, name => _replicas.GetValueOrDefault(name), _engine, [Volume], TimeSpan.FromSeconds(30), Now, swarmFetches.ToHashSet());

    private SeedingPlan Plan(params string[] volumeRoots) =>
        SeedingPlanner.Plan(_held, name => _replicas.GetValueOrDefault(name), _engine, volumeRoots.Length == 0 ? [Volume] : volumeRoots);

    private async Task<HeldTorrent> HoldAsync(string name, ReplicaState state, string volume = Volume, DateTimeOffset? since = null)
    {
        var (metainfo, _, _) = await TestData.MultiFileTorrentAsync(_temp, name, 16 * 1024, ("a.pdf", 20_000 + _held.Count));
        var held = new HeldTorrent(name, metainfo, "a", $"{volume}/{name}");
        _held.Add(held);
        _replicas[name] = new ReplicaStatus { Torrent = name, Volume = "a", State = state, Reason = "test", Since = since ?? DateTimeOffset.UnixEpoch, LastVerified = DateTimeOffset.UnixEpoch };
        return held;
    }

    private void InEngine(HeldTorrent torrent, TorrentActivity activity) => _engine[torrent.Metainfo.InfoHash] = Engine(torrent, activity);

    private static EngineTorrent Engine(HeldTorrent torrent, TorrentActivity activity) =>
        new() { Hash = torrent.Metainfo.InfoHash, Name = torrent.Name, Activity = activity, SavePath = torrent.SaveDirectory };
}
