using System.Collections.Concurrent;
using LibraryCluster.Actors.Volumes;
using LibraryCluster.Testing;

namespace LibraryCluster.Actors.Tests;

public sealed class VolumeActorTests : IAsyncDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly ActorSystem _system;
    private readonly ConcurrentQueue<VolumeTransition> _transitions = new();

    public VolumeActorTests() => _system = new ActorSystem(time: _clock);

    public async ValueTask DisposeAsync()
    {
        await _system.DisposeAsync();
        _temp.Dispose();
    }

    private ActorRef<VolumeMessage> Spawn(string path, VolumeOptions? options = null) =>
        _system.Spawn("volume-a", () => new VolumeActor("a", path, options ?? new VolumeOptions { ProbeInterval = TimeSpan.FromSeconds(30) }, _transitions.Enqueue));

    private static Task<VolumeStatus> StatusAsync(ActorRef<VolumeMessage> volume) => volume.AskAsync<VolumeStatus>(r => new GetVolumeStatus(r), Eventually.Patience);

    private static Task<VolumeStatus> UntilAsync(ActorRef<VolumeMessage> volume, Func<VolumeStatus, bool> condition) =>
        Eventually.UntilAsync(() => StatusAsync(volume), condition);

    [Fact]
    public async Task The_Probe_Writes_Reads_Back_And_Removes_A_Canary()
    {
        var result = await VolumeProbe.RunAsync(_temp.Path);

        Assert.True(result.Healthy);
        Assert.True(result.TotalBytes > 0 && result.FreeBytes > 0);
        Assert.False(File.Exists(Path.Join(_temp.Path, VolumeProbe.CanaryName)));
        Assert.Equal(ProbeProblem.Missing, (await VolumeProbe.RunAsync(_temp.Join("gone"))).Problem);
    }

    [Fact]
    public async Task A_Healthy_Volume_Is_In_With_Its_Capacity_Capped()
    {
        var volume = Spawn(_temp.Path, new VolumeOptions { CapacityCap = 1_000 });

        var status = await UntilAsync(volume, s => s.LastProbe is not null);

        Assert.Equal(VolumeState.In, status.State);
        Assert.Equal(1_000, status.TotalBytes);
        Assert.Empty(_transitions);
    }

    [Fact]
    public async Task A_Volume_Whose_Path_Vanishes_Fails_At_The_Next_Probe()
    {
        var path = _temp.Join("disk");
        Directory.CreateDirectory(path);
        var volume = Spawn(path);
        await UntilAsync(volume, s => s.LastProbe is not null);

        Directory.Delete(path);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var status = await UntilAsync(volume, s => s.State == VolumeState.Failed);

        Assert.StartsWith("path vanished", status.Reason, StringComparison.Ordinal);
        var transition = Assert.Single(_transitions);
        Assert.Equal((VolumeState.In, VolumeState.Failed, "a"), (transition.From, transition.To, transition.Id));
    }

    [Fact]
    public async Task Reported_Io_Errors_Fail_The_Volume_Only_When_They_Keep_Coming()
    {
        var volume = Spawn(_temp.Path, new VolumeOptions { MaxConsecutiveFailures = 3, ProbeInterval = TimeSpan.FromSeconds(30) });
        await UntilAsync(volume, s => s.LastProbe is not null);

        await volume.TellAsync(new ReportIoError("r_000", "EIO reading piece 12"));
        await volume.TellAsync(new ReportIoError("r_000", "EIO reading piece 13"));
        Assert.Equal((VolumeState.In, 2), ((await StatusAsync(volume)).State, (await StatusAsync(volume)).ConsecutiveFailures));

        _clock.Advance(TimeSpan.FromSeconds(30));
        await UntilAsync(volume, s => s.ConsecutiveFailures == 0);
        for (var i = 0; i < 3; i++)
        {
            await volume.TellAsync(new ReportIoError("f_0", $"EIO {i}"));
        }

        var status = await UntilAsync(volume, s => s.State == VolumeState.Failed);
        Assert.Equal("3 failures in a row, last: f_0: EIO 2", status.Reason);
        Assert.Single(_transitions);
    }
}
