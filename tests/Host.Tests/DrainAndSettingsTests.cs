using System.Net;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Host.Node;
using LibraryCluster.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Tests;

/// <summary>
/// What a Kubernetes deployment relies on (docs/kubernetes.md): settings read from a folder of files (the zone
/// an init container learns), the preStop drain, and the demo collection placed on volumes that are other file
/// systems than the data directory.
/// </summary>
public sealed class DrainAndSettingsTests
{
    [Fact]
    public async Task Settings_in_a_folder_of_files_override_appsettings_and_lose_to_the_command_line()
    {
        using var temp = new TempDirectory();
        temp.Write("settings/Cluster__Zone", "zone-b\n"u8);
        temp.Write("settings/Node__ScrubMegabytesPerSecond", "20"u8);
        temp.Write("settings/Swarm__ListenPort", "7000"u8);
        // appsettings.json says 50; the file wins over it (and over the environment, added before it).
        await using var app = NodeApplication.Create(["--data-dir", temp.Path, "--settings-dir", temp.Join("settings"), "--Swarm:ListenPort=7001"]);

        Assert.Equal("zone-b", app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.Zone);
        Assert.Equal(20, app.Services.GetRequiredService<IOptions<NodeOptions>>().Value.ScrubMegabytesPerSecond);
        Assert.Equal(7001, app.Services.GetRequiredService<IOptions<SwarmOptions>>().Value.ListenPort);
    }

    [Fact]
    public async Task A_settings_folder_that_does_not_exist_leaves_the_defaults()
    {
        using var temp = new TempDirectory();

        await using var app = NodeApplication.Create(["--data-dir", temp.Path, "--Node:SettingsDirectory=" + temp.Join("none")]);

        Assert.Equal("default", app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.Zone);
    }

    [Fact]
    public async Task Drain_turns_readiness_off_at_once_and_answers_when_the_requests_in_flight_are_done()
    {
        using var temp = new TempDirectory();
        await using var app = NodeApplication.Create(["--urls", "http://127.0.0.1:0", "--data-dir", temp.Path, "--Logging:LogLevel:Default=Warning"]);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.MapGet("/test/slow", async () =>
        {
            entered.SetResult();
            await release.Task;
            return "done";
        });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        await Eventually.UntilAsync(() => client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK);

        var slow = client.GetStringAsync("/test/slow");
        await entered.Task.WaitAsync(Eventually.Patience);
        var drain = client.PostAsync("/drain?delay=0&timeout=60", null);

        await Eventually.UntilAsync(() => client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        var ready = await (await client.GetAsync("/readyz")).Content.ReadAsStringAsync();
        Assert.StartsWith("draining: 1 requests in flight", ready, StringComparison.Ordinal);
        await Task.Delay(300);
        Assert.False(drain.IsCompleted, "the drain answered while a request was still in flight");

        release.SetResult();
        Assert.Equal("done", await slow);
        using var drained = await drain.WaitAsync(Eventually.Patience);
        Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        Assert.Equal("drained: no request in flight\n", await drained.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task The_drain_command_reports_a_timeout_with_exit_code_1_and_bad_arguments_with_2()
    {
        using var temp = new TempDirectory();
        await using var app = NodeApplication.Create(["--urls", "http://127.0.0.1:0", "--data-dir", temp.Path, "--Logging:LogLevel:Default=Warning"]);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.MapGet("/test/slow", () => release.Task);
        await app.StartAsync();
        var url = app.Urls.First();
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        var slow = client.GetAsync("/test/slow");
        await Eventually.UntilAsync(() => Task.FromResult(app.Services.GetRequiredService<NodeDrain>().InFlight), n => n == 1);

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await NodeDrain.RunClientAsync([url, "--delay", "0", "--timeout", "1"], output, error);

        Assert.Equal(1, code);
        Assert.Equal("drain timed out: 1 requests still in flight\n", output.ToString());
        Assert.Equal(2, await NodeDrain.RunClientAsync(["--delay", "-1"], output, error));
        Assert.Equal(2, await NodeDrain.RunClientAsync(["ftp://x/"], output, error));
        Assert.Equal(3, await NodeDrain.RunClientAsync([$"http://127.0.0.1:{LoopbackPorts.Free()}/", "--delay", "0"], output, error));
        release.SetResult();
        (await slow).Dispose();
        Assert.Equal(0, await NodeDrain.RunClientAsync([url, "--delay", "0", "--timeout", "5"], output, error));
        await app.StopAsync();
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.1.2.3", false)]
    [InlineData("fe80::1", false)]
    public void Only_a_caller_on_this_host_may_drain(string address, bool allowed)
    {
        Assert.Equal(allowed, NodeDrain.MayDrain(IPAddress.Parse(address)));
        Assert.False(NodeDrain.MayDrain(null));
    }

    [Fact]
    public void The_demo_moves_its_data_onto_a_volume_on_another_file_system()
    {
        using var temp = new TempDirectory();
        temp.Write("src/r_0/0/a", "abc"u8);
        temp.Write("src/r_0/0/sub/b", "de"u8);
        // /dev/shm is a tmpfs, another file system than the temporary folder's, where it exists (Linux).
        var other = Directory.Exists("/dev/shm") ? Path.Join("/dev/shm", "lc-move-" + Guid.NewGuid().ToString("N")) : temp.Join("other");
        try
        {
            Directory.CreateDirectory(other);
            DemoCollection.MoveDirectory(temp.Join("src", "r_0"), Path.Join(other, "r_0"));

            Assert.False(Directory.Exists(temp.Join("src", "r_0")));
            Assert.Equal("abc", File.ReadAllText(Path.Join(other, "r_0", "0", "a")));
            Assert.Equal("de", File.ReadAllText(Path.Join(other, "r_0", "0", "sub", "b")));
            Assert.False(Directory.Exists(Path.Join(other, "r_0.partial")));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }
}
