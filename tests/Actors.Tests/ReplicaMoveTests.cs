using System.Collections.Concurrent;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Testing;

namespace LibraryCluster.Actors.Tests;

/// <summary>
/// What operators do to a node's copies: a Healthy copy moving to another volume of its node (make before break),
/// a volume written off and brought back; over real files and a real node store.
/// </summary>
public sealed class ReplicaMoveTests : IAsyncDisposable
{
    private static readonly ScrubOptions Scrub = new() { Interval = TimeSpan.FromDays(7), BytesPerSecond = null };

    private readonly TempDirectory _temp = new();
    private readonly ActorSystem _system = new();
    private readonly SqlNodeStore _store;
    private readonly ConcurrentQueue<(string Volume, string Directory)> _moved = new();

    public ReplicaMoveTests() => _store = new SqlNodeStore(ClusterDatabase.Sqlite(_temp.Join("node.db")), "local");

    public async ValueTask DisposeAsync()
    {
        await _system.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<(ActorRef<ReplicaMessage> Replica, string Save, string Target)> HealthyAsync()
    {
        var (torrent, _, save) = await TestData.MultiFileTorrentAsync(_temp, "1000", 16 * 1024, ("a.pdf", 40_000), ("sub/b.epub", 30_000));
        var target = _temp.Join("volume-b", "r_1000");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var replica = _system.Spawn("replica", () => new ReplicaActor(new ReplicaSetup(
            "r_1000", torrent, "a", save, _store, Scrub, _ => { }, Moved: (volume, directory) => _moved.Enqueue((volume, directory)), MoveTurns: new SemaphoreSlim(1, 1))));
        await UntilAsync(replica, s => s.State == ReplicaState.Healthy);
        return (replica, save, target);
    }

    private static Task<ReplicaStatus> UntilAsync(ActorRef<ReplicaMessage> replica, Func<ReplicaStatus, bool> condition) =>
        Eventually.UntilAsync(() => replica.AskAsync<ReplicaStatus>(r => new GetReplicaStatus(r), Eventually.Patience), condition);

    private IEnumerable<string> Transitions() => _store.RecentJournal(100).Reverse().Select(e => $"{e.From}->{e.To}");

    [Fact]
    public async Task A_move_copies_and_verifies_the_data_beside_the_new_place_switches_over_then_deletes_the_old_copy()
    {
        var (replica, save, target) = await HealthyAsync();

        replica.Tell(new MoveReplica("b", target, "volume a is Draining"));
        var status = await UntilAsync(replica, s => s.Volume == "b");

        Assert.Equal(ReplicaState.Healthy, status.State);
        Assert.Null(status.MovingTo);
        Assert.StartsWith("moved from volume a to b (volume a is Draining): copied and verified 70,000 bytes", status.Reason, StringComparison.Ordinal);
        Assert.Equal([("b", target)], _moved);
        Assert.Equal(30_000, new FileInfo(Path.Join(target, "1000", "sub", "b.epub")).Length);
        await Eventually.UntilAsync(() => !Directory.Exists(save));
        Assert.False(Directory.Exists(ReplicaMove.StagingFor(target)));
        Assert.Equal(["Healthy->Moving", "Healthy->Healthy"], Transitions().TakeLast(2));
        Assert.Equal("b", _store.LoadReplicas().Single().Volume);
    }

    [Fact]
    public async Task A_partial_copy_moves_with_the_files_it_has_each_verified_again_and_stays_partial()
    {
        // Piece-aligned files, so that the missing one leaves the others whole: a Partial copy (it never was whole).
        var (torrent, _, save) = await TestData.MultiFileTorrentAsync(_temp, "1000", 16 * 1024, ("a.pdf", 32_768), ("b.epub", 16_384), ("c.djvu", 20_000));
        File.Delete(Path.Join(save, "1000", "b.epub"));
        var target = _temp.Join("volume-b", "r_1000");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var replica = _system.Spawn("partial", () => new ReplicaActor(new ReplicaSetup(
            "r_1000", torrent, "a", save, _store, Scrub, _ => { }, Moved: (volume, directory) => _moved.Enqueue((volume, directory)), MoveTurns: new SemaphoreSlim(1, 1))));
        var partial = await UntilAsync(replica, s => s.State == ReplicaState.Partial);
        Assert.Equal([1], partial.BadFiles);

        replica.Tell(new MoveReplica("b", target, "volume a is Draining"));
        var status = await UntilAsync(replica, s => s.Volume == "b");

        Assert.Equal(ReplicaState.Partial, status.State);
        Assert.Equal([1], status.BadFiles);
        Assert.True(status.CanServe(0) && status.CanServe(2) && !status.CanServe(1));
        Assert.Equal(20_000, new FileInfo(Path.Join(target, "1000", "c.djvu")).Length);
        Assert.False(File.Exists(Path.Join(target, "1000", "b.epub")));
        await Eventually.UntilAsync(() => !Directory.Exists(save));
        Assert.Equal(["Partial->Moving", "Partial->Partial"], Transitions().TakeLast(2));
        Assert.Contains("1 files that were not here before are not here either", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_lost_with_a_volume_an_operator_failed_checks_its_data_again_when_the_volume_comes_back()
    {
        var (replica, _, _) = await HealthyAsync();
        replica.Tell(new VolumeLost("failed by an operator"));
        await UntilAsync(replica, s => s.State == ReplicaState.Lost);

        replica.Tell(new VolumeReturned());
        var status = await UntilAsync(replica, s => s.State == ReplicaState.Healthy);

        Assert.Equal("a", status.Volume);
        Assert.Equal(["Healthy->Lost", "Lost->Verifying", "Verifying->Healthy"], Transitions().TakeLast(3));
        Assert.Contains("back in service", _store.RecentJournal(2)[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_that_does_not_verify_is_thrown_away_and_the_old_one_stays_where_it_was()
    {
        var (replica, save, target) = await HealthyAsync();

        // Rot on the old copy that no scrub has found yet: the new copy fails its check.
        var file = Path.Join(save, "1000", "a.pdf");
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[20_000] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes);
        replica.Tell(new MoveReplica("b", target, "volume a is Draining"));
        await Eventually.UntilAsync(() => Transitions().LastOrDefault() == "Moving->Healthy");

        var status = await UntilAsync(replica, s => s.MovingTo is null);
        Assert.Equal("a", status.Volume);
        Assert.Contains("did not verify", _store.RecentJournal(1)[0].Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(file));
        Assert.False(Directory.Exists(target));
        Assert.False(Directory.Exists(ReplicaMove.StagingFor(target)));
        Assert.Empty(_moved);
    }
}
