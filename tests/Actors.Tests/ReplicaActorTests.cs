using System.Collections.Concurrent;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Actors.Tests;

/// <summary>The replica lifecycle on a manual clock, over real files and a real SQLite node store.</summary>
public sealed class ReplicaActorTests : IAsyncDisposable
{
    private static readonly ScrubOptions Scrub = new() { Interval = TimeSpan.FromDays(7), BytesPerSecond = null };

    private readonly TempDirectory _temp = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly ActorSystem _system;
    private readonly SqlNodeStore _store;
    private readonly ConcurrentQueue<ReplicaStatus> _published = new();

    public ReplicaActorTests()
    {
        _system = new ActorSystem(time: _clock);
        _store = new SqlNodeStore(ClusterDatabase.Sqlite(_temp.Join("node.db")), "local");
    }

    public async ValueTask DisposeAsync()
    {
        await _system.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<(TorrentMetainfo Torrent, string Save)> TorrentAsync()
    {
        var (torrent, _, save) = await TestData.MultiFileTorrentAsync(_temp, "1000", 16 * 1024, ("a.pdf", 40_000), ("b.epub", 30_000), ("c.djvu", 50_000));
        return (torrent, save);
    }

    private ActorRef<ReplicaMessage> Spawn(TorrentMetainfo torrent, string save, ReplicaStatus? saved = null, string name = "replica", ScrubOptions? scrub = null) =>
        _system.Spawn(name, () => new ReplicaActor(new ReplicaSetup("r_1000", torrent, "a", save, _store, scrub ?? Scrub, _published.Enqueue, saved)));

    private static Task<ReplicaStatus> UntilAsync(ActorRef<ReplicaMessage> replica, ReplicaState state) => UntilAsync(replica, s => s.State == state);

    private static Task<ReplicaStatus> UntilAsync(ActorRef<ReplicaMessage> replica, Func<ReplicaStatus, bool> condition) =>
        Eventually.UntilAsync(() => replica.AskAsync<ReplicaStatus>(r => new GetReplicaStatus(r), Eventually.Patience), condition);

    private IEnumerable<string> Transitions() => _store.RecentJournal(100).Reverse().Select(e => $"{e.From}->{e.To}");

    [Fact]
    public async Task Data_already_on_the_volume_is_adopted_by_verifying_it_and_every_step_is_journaled()
    {
        var (torrent, save) = await TorrentAsync();
        var replica = Spawn(torrent, save);

        var status = await UntilAsync(replica, ReplicaState.Healthy);

        Assert.Equal(torrent.TotalLength, status.BytesVerified);
        Assert.Equal(_clock.GetUtcNow(), status.LastVerified);
        Assert.All(torrent.Files, f => Assert.True(status.CanServe(f.Index)));
        Assert.Equal(["Absent->Verifying", "Verifying->Healthy"], Transitions());
        Assert.Equal(torrent.TotalLength, _store.RecentJournal(1)[0].Bytes);
        Assert.Equal(ReplicaState.Healthy, _store.LoadReplicas().Single().State);
    }

    [Fact]
    public async Task A_copy_that_never_was_whole_and_checks_clean_is_partial_and_serves_only_what_verified()
    {
        var (torrent, save) = await TorrentAsync();
        File.Delete(Path.Join(save, "1000", "c.djvu"));
        int Index(string name) => torrent.Files.Single(f => f.PathComponents[^1] == name).Index;

        // a.pdf is whole with its pieces; b.epub's last piece reaches into the missing c.djvu, so it cannot be checked.
        var status = await UntilAsync(Spawn(torrent, save), ReplicaState.Partial);

        Assert.True(status.CanServe(Index("a.pdf")));
        Assert.False(status.CanServe(Index("b.epub")));
        Assert.False(status.CanServe(Index("c.djvu")));
        Assert.False(status.IsHeld);
        Assert.Equal(["Absent->Verifying", "Verifying->Partial"], Transitions());
    }

    [Fact]
    public async Task A_torrent_with_no_data_on_the_volume_is_absent_and_serves_nothing()
    {
        var (torrent, save) = await TorrentAsync();
        Directory.Delete(Path.Join(save, "1000"), recursive: true);

        // Registered Absent, then checked, and still Absent: nothing to adopt.
        var status = await UntilAsync(Spawn(torrent, save), s => s.State == ReplicaState.Absent && s.Reason.Contains("no data", StringComparison.Ordinal));

        Assert.Equal("Verifying->Absent", Transitions().Last());
        Assert.All(torrent.Files, f => Assert.False(status.CanServe(f.Index)));
    }

    [Fact]
    public async Task A_retirement_meant_for_a_copy_without_data_leaves_one_that_has_data_and_lets_an_absent_one_go()
    {
        var (torrent, save) = await TorrentAsync();
        var held = Spawn(torrent, save);
        await UntilAsync(held, ReplicaState.Healthy);

        // The cluster saw this copy without data before it verified: the word comes too late, and the data stays.
        held.Tell(new RetireReplica("not wanted by the holdings policy, and holds no data", OnlyWithoutData: true));
        var after = await held.AskAsync<ReplicaStatus>(r => new GetReplicaStatus(r), Eventually.Patience);
        Assert.Equal(ReplicaState.Healthy, after.State);
        Assert.True(File.Exists(Path.Join(save, "1000", "a.pdf")));

        var emptySave = _temp.Join("empty", "r_2000");
        var empty = _system.Spawn("empty", () => new ReplicaActor(new ReplicaSetup("r_2000", torrent, "a", emptySave, _store, Scrub, _ => { })));
        await UntilAsync(empty, s => s.State == ReplicaState.Absent && s.Reason.Contains("no data", StringComparison.Ordinal));
        empty.Tell(new RetireReplica("not wanted by the holdings policy, and holds no data", OnlyWithoutData: true));
        await Eventually.UntilAsync(() => !_store.LoadReplicas().Any(r => r.Torrent == "r_2000"));
    }

    [Fact]
    public async Task A_scrub_waits_for_the_nodes_turn_and_a_check_that_cancels_it_is_not_mistaken_for_it()
    {
        // Big enough that the check takes a while: the cancelled scrub's answer then arrives while the check runs.
        var (torrent, _, save) = await TestData.MultiFileTorrentAsync(_temp, "1000", 256 * 1024, ("a.pdf", 24_000_000), ("b.epub", 8_000_000));
        var turns = new SemaphoreSlim(0, 1);
        var replica = Spawn(torrent, save, scrub: Scrub with { Turns = turns });
        await UntilAsync(replica, ReplicaState.Healthy);

        // Another scrub of the node has the turn: this one waits, with nothing read yet.
        replica.Tell(new ScrubReplica());
        var waiting = await UntilAsync(replica, ReplicaState.Scrubbing);
        Assert.Equal(0, waiting.Progress);

        // A check asked for meanwhile cancels the waiting scrub; the scrub's late "cancelled" is not the check's result.
        replica.Tell(new VerifyReplica("asked by a test"));
        await UntilAsync(replica, s => s.State == ReplicaState.Healthy && s.Reason.StartsWith("verification passed", StringComparison.Ordinal));

        Assert.DoesNotContain("->Damaged", string.Join(",", Transitions()), StringComparison.Ordinal);
        Assert.Equal(0, turns.CurrentCount);
    }

    [Fact]
    public async Task A_scrub_on_schedule_finds_bit_rot_and_withholds_only_the_damaged_file()
    {
        var (torrent, save) = await TorrentAsync();
        var replica = Spawn(torrent, save);
        await UntilAsync(replica, ReplicaState.Healthy);

        // Flip one byte in the middle of b.epub, then let the scrub interval pass on the manual clock.
        var damaged = Path.Join(save, "1000", "b.epub");
        var bytes = await File.ReadAllBytesAsync(damaged);
        bytes[15_000] ^= 0xFF;
        await File.WriteAllBytesAsync(damaged, bytes);
        _clock.Advance(Scrub.Interval);

        var status = await UntilAsync(replica, ReplicaState.Damaged);

        var b = torrent.Files.Single(f => f.PathComponents[^1] == "b.epub").Index;
        Assert.False(status.CanServe(b));
        Assert.True(status.CanServe(torrent.Files.Single(f => f.PathComponents[^1] == "c.djvu").Index));
        Assert.Contains("Healthy->Scrubbing", Transitions());
        Assert.Equal("Scrubbing->Damaged", Transitions().Last());
        Assert.Contains("scrub found", _store.RecentJournal(1)[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_scrub_runs_before_the_interval_has_passed()
    {
        var (torrent, save) = await TorrentAsync();
        var replica = Spawn(torrent, save);
        await UntilAsync(replica, ReplicaState.Healthy);

        _clock.Advance(Scrub.Interval - TimeSpan.FromMinutes(1));
        await replica.AskAsync<ReplicaStatus>(r => new GetReplicaStatus(r), Eventually.Patience);

        Assert.DoesNotContain("Healthy->Scrubbing", Transitions());
    }

    [Fact]
    public async Task A_lost_volume_makes_the_replica_lost_and_unservable()
    {
        var (torrent, save) = await TorrentAsync();
        var replica = Spawn(torrent, save);
        await UntilAsync(replica, ReplicaState.Healthy);

        replica.Tell(new VolumeLost("path vanished"));
        var status = await UntilAsync(replica, ReplicaState.Lost);

        Assert.Contains("path vanished", status.Reason, StringComparison.Ordinal);
        Assert.All(torrent.Files, f => Assert.False(status.CanServe(f.Index)));
        Assert.Equal("Healthy->Lost", Transitions().Last());
    }

    [Fact]
    public async Task After_a_restart_a_healthy_copy_is_trusted_when_its_sizes_match_and_checked_again_when_they_do_not()
    {
        var (torrent, save) = await TorrentAsync();
        var first = Spawn(torrent, save);
        await UntilAsync(first, ReplicaState.Healthy);
        await first.StopAsync();
        var saved = _store.LoadReplicas().Single();

        var restarted = Spawn(torrent, save, saved, "restarted");
        Assert.Equal(ReplicaState.Healthy, (await UntilAsync(restarted, ReplicaState.Healthy)).State);
        Assert.Equal(2, _store.RecentJournal(100).Count);
        await restarted.StopAsync();

        // A file that shrank while the node was down sends the copy back through verification.
        var c = Path.Join(save, "1000", "c.djvu");
        await File.WriteAllBytesAsync(c, (await File.ReadAllBytesAsync(c))[..1000]);
        var again = Spawn(torrent, save, saved, "again");
        await UntilAsync(again, ReplicaState.Damaged);
        Assert.Equal(["Absent->Verifying", "Verifying->Healthy", "Healthy->Verifying", "Verifying->Damaged"], Transitions());
    }

    [Fact]
    public async Task A_read_error_while_serving_withholds_the_data_until_it_verifies_again()
    {
        var (torrent, save) = await TorrentAsync();
        var replica = Spawn(torrent, save);
        await UntilAsync(replica, ReplicaState.Healthy);
        File.Delete(Path.Join(save, "1000", "a.pdf"));

        replica.Tell(new ReplicaReadError("a.pdf is gone"));

        var status = await UntilAsync(replica, ReplicaState.Damaged);
        Assert.Contains("Healthy->Verifying", Transitions());
        Assert.False(status.CanServe(torrent.Files.Single(f => f.PathComponents[^1] == "a.pdf").Index));
    }
}
