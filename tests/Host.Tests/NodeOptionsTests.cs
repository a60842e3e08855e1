using LibraryCluster.Host.Configuration;
using LibraryCluster.Testing;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Tests;

public sealed class NodeOptionsTests
{
    private static IEnumerable<string> Problems(NodeOptions options) =>
        new NodeOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void No_configuration_at_all_is_valid_and_gives_one_volume_under_the_data_directory()
    {
        var options = new NodeOptions();

        Assert.Empty(Problems(options));
        var volume = Assert.Single(options.EffectiveVolumes);
        Assert.Equal(Path.Join("data", "volumes", "default"), volume.Path);
        Assert.Equal(2, new NodeOptions { Demo = true }.EffectiveVolumes.Count);
    }

    [Fact]
    public void Each_bad_setting_is_named()
    {
        var options = new NodeOptions
        {
            AdminToken = "short",
            ScrubInterval = TimeSpan.FromSeconds(5),
            ScrubMegabytesPerSecond = -1,
            DownloadsAtOnce = -3,
            Collections = ["x_"],
            Volumes =
            [
                new VolumeSettings { Id = "a", Path = "/srv/a" },
                new VolumeSettings { Id = "a", Path = "/srv/b", CapacityGigabytes = 0 },
                new VolumeSettings { Id = "../c", Path = "" },
            ],
        };

        var problems = string.Join("\n", Problems(options));

        Assert.Contains("Node:AdminToken (--admin-token)", problems, StringComparison.Ordinal);
        Assert.Contains("Node:ScrubInterval", problems, StringComparison.Ordinal);
        Assert.Contains("Node:ScrubMegabytesPerSecond", problems, StringComparison.Ordinal);
        Assert.Contains("Node:DownloadsAtOnce -3", problems, StringComparison.Ordinal);
        Assert.Contains("Node:Collections \"x_\"", problems, StringComparison.Ordinal);
        Assert.Contains("Node:Volumes:1:Id \"a\" is used by another volume", problems, StringComparison.Ordinal);
        Assert.Contains("Node:Volumes:1:CapacityGigabytes", problems, StringComparison.Ordinal);
        Assert.Contains("Node:Volumes:2:Id", problems, StringComparison.Ordinal);
        Assert.Contains("Node:Volumes:2:Path is empty", problems, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_with_a_bad_setting_does_not_start()
    {
        using var temp = new TempDirectory();
        await using var app = NodeApplication.Create(["--urls", "http://127.0.0.1:0", "--data-dir", temp.Path, "--Node:Volumes:0:Id=a", "--Node:Volumes:0:Path=", "--Logging:LogLevel:Default=None"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Node:Volumes:0:Path is empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Category", "Integration")]
    [InlineData("--Node:ScrubMegabytesPerSecond=-1", "Node:ScrubMegabytesPerSecond -1 must be 0 (unlimited) or more")]
    [InlineData("--Node:ScrubInterval=abc", "'abc' at 'Node:ScrubInterval'")]
    public async Task The_node_process_names_a_bad_setting_and_exits_with_code_2(string setting, string expected)
    {
        using var temp = new TempDirectory();
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { typeof(NodeApplication).Assembly.Location, "--urls", "http://127.0.0.1:0", "--data-dir", temp.Path, setting })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync().WaitAsync(Eventually.Patience);
        await process.WaitForExitAsync().WaitAsync(Eventually.Patience);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error + await output, StringComparison.Ordinal);
    }

    [Fact]
    public void Collections_and_torrents_limit_what_a_node_accepts()
    {
        var options = new NodeOptions { Collections = ["r_", "sm_"], Torrents = [] };
        Assert.True(options.Accepts("r_1000"));
        Assert.False(options.Accepts("f_1000"));
        Assert.False(new NodeOptions { Torrents = ["r_1000"] }.Accepts("r_2000"));
    }
}
