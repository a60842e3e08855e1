using LibraryCluster.Host.Configuration;

namespace LibraryCluster.Host.Tests;

public sealed class SwarmOptionsTests
{
    private static IEnumerable<string> Problems(SwarmOptions options) =>
        new SwarmOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void No_daemon_is_valid_and_means_not_seeding()
    {
        var options = new SwarmOptions();

        Assert.Empty(Problems(options));
        Assert.False(options.Enabled);
        Assert.Equal(Path.Join("d", "qbittorrent"), options.EffectiveProfileDirectory(new NodeOptions { DataDirectory = "d" }));
    }

    [Fact]
    public void A_daemon_found_on_the_path_is_valid()
    {
        var options = new SwarmOptions { DaemonPath = "sh" };

        Assert.Empty(Problems(options));
        var found = SwarmOptionsValidator.FindExecutable("sh");
        Assert.True(found is not null && Path.IsPathRooted(found) && File.Exists(found), found);
        Assert.Null(SwarmOptionsValidator.FindExecutable("no-such-program-here"));
    }

    [Fact]
    public void Each_bad_setting_is_named()
    {
        var options = new SwarmOptions
        {
            DaemonPath = "/no/such/qbittorrent-nox",
            WebUiUrl = "ftp://x",
            Username = "admin",
            WebUiPort = 70000,
            ListenPort = 0,
            ListenInterface = "eth0, lo",
            ListenAddress = "not-an-ip",
            CheckingSlots = 0,
            PeerProtocol = (LibraryCluster.Torrents.Engines.QBittorrent.PeerProtocol)7,
            RefreshInterval = TimeSpan.FromMilliseconds(1),
            StartTimeout = TimeSpan.Zero,
            StopTimeout = TimeSpan.Zero,
        };

        var problems = string.Join("\n", Problems(options));

        Assert.Contains("Swarm:DaemonPath and Swarm:WebUiUrl are both set", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:DaemonPath \"/no/such/qbittorrent-nox\" is not a program here (apt-get install qbittorrent-nox", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:WebUiUrl \"ftp://x\" is not an http(s) address", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:Username and Swarm:Password go together", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:WebUiPort 70000 is not a port", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:ListenPort 0 is not a port", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:ListenInterface \"eth0, lo\"", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:ListenAddress \"not-an-ip\" is not an IP address", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:CheckingSlots 0", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:PeerProtocol 7 is not one of Both, Tcp, Utp", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:RefreshInterval", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:StartTimeout", problems, StringComparison.Ordinal);
        Assert.Contains("Swarm:StopTimeout", problems, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_port_for_peers_and_the_web_ui_is_refused()
    {
        var problems = Problems(new SwarmOptions { DaemonPath = "sh", WebUiPort = 7000, ListenPort = 7000 });

        Assert.Equal(["Swarm:ListenPort and Swarm:WebUiPort are both 7000"], problems);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:00:00.500")]
    public void A_scrape_interval_that_is_negative_or_under_a_second_is_refused_by_name(string interval)
    {
        var result = new SwarmOptionsValidator().Validate(null, new SwarmOptions { ScrapeInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains("Swarm:ScrapeInterval", result.FailureMessage, StringComparison.Ordinal);
    }
}
