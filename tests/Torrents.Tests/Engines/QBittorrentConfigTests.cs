using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines.QBittorrent;

namespace LibraryCluster.Torrents.Tests.Engines;

public sealed class QBittorrentConfigTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private QBittorrentDaemonOptions Options(int webUiPort = 8081) => new()
    {
        ProfileDirectory = _temp.Join("profile"),
        WebUiPort = webUiPort,
        ListenPort = 51413,
        ListenInterface = "lo",
        ListenAddress = "127.0.0.1",
        CheckingSlots = 50,
        RefreshInterval = TimeSpan.FromMilliseconds(100),
    };

    [Fact]
    public void A_New_Profile_Gets_A_Config_With_Our_Settings_In_Their_Sections()
    {
        QBittorrentConfig.Write(Options());

        var text = File.ReadAllText(_temp.Join("profile", "qBittorrent", "config", "qBittorrent.conf"));
        Assert.Equal(
            """
            [LegalNotice]
            Accepted=true

            [BitTorrent]
            Session\Port=51413
            Session\Interface=lo
            Session\InterfaceName=lo
            Session\InterfaceAddress=127.0.0.1
            Session\BTProtocol=Both
            Session\DHTEnabled=false
            Session\PeXEnabled=false
            Session\LSDEnabled=false
            Session\QueueingSystemEnabled=false
            Session\MultiConnectionsPerIp=true
            Session\MaxActiveCheckingTorrents=50
            Session\DiskIOType=Posix
            Session\RefreshInterval=100
            Session\GlobalMaxRatio=-1
            Session\GlobalMaxSeedingMinutes=-1
            Session\TempPathEnabled=false

            [Network]
            PortForwardingEnabled=false

            [Preferences]
            Connection\UPnP=false
            Connection\ResolvePeerCountries=false
            WebUI\Enabled=true
            WebUI\Address=127.0.0.1
            WebUI\Port=8081
            WebUI\LocalHostAuth=false
            WebUI\UseUPnP=false


            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            text);
    }

    [Theory]
    [InlineData(PeerProtocol.Both, "Both")]
    [InlineData(PeerProtocol.Tcp, "TCP")]
    [InlineData(PeerProtocol.Utp, "UTP")]
    public void The_Peer_Protocol_Is_Written_In_QBittorrents_Words(PeerProtocol protocol, string written) =>
        Assert.Contains(("BitTorrent", "Session\\BTProtocol", written), QBittorrentConfig.Settings(Options() with { PeerProtocol = protocol }));

    [Fact]
    public void Rewriting_Keeps_The_Daemons_Own_Keys_And_Replaces_Ours()
    {
        var existing = """
            [BitTorrent]
            Session\DHTEnabled=true
            Session\Port=1
            Session\SomethingOfItsOwn=42

            [Meta]
            MigrationVersion=4

            [Preferences]
            WebUI\Port=9999
            WebUI\Password_PBKDF2="@ByteArray(abc==:def==)"
            """;

        var merged = QBittorrentConfig.Merge(existing, QBittorrentConfig.Settings(Options(webUiPort: 8082)));

        var lines = merged.Split('\n');
        Assert.Contains("Session\\DHTEnabled=false", lines);
        Assert.Contains("Session\\Port=51413", lines);
        Assert.Contains("Session\\SomethingOfItsOwn=42", lines);
        Assert.Contains("MigrationVersion=4", lines);
        Assert.Contains("WebUI\\Password_PBKDF2=\"@ByteArray(abc==:def==)\"", lines);
        Assert.Contains("WebUI\\Port=8082", lines);
        Assert.DoesNotContain("WebUI\\Port=9999", lines);
        Assert.DoesNotContain("Session\\Port=1", lines);
        Assert.Single(lines, l => l == "[BitTorrent]");
        Assert.Equal(merged, QBittorrentConfig.Merge(merged, QBittorrentConfig.Settings(Options(webUiPort: 8082))));
    }

    [Fact]
    public void Additional_Settings_Come_After_Ours_And_Win()
    {
        var options = Options() with { AdditionalSettings = [("Preferences", "WebUI\\LocalHostAuth", "true"), ("Custom", "Key", "v")] };

        var lines = QBittorrentConfig.Merge(null, QBittorrentConfig.Settings(options)).Split('\n');

        Assert.Contains("WebUI\\LocalHostAuth=true", lines);
        Assert.DoesNotContain("WebUI\\LocalHostAuth=false", lines);
        Assert.Contains("[Custom]", lines);
    }

    [Fact]
    public void An_Interface_Name_Qt_Would_Have_To_Quote_Is_Refused_With_The_Setting_Named()
    {
        var error = Assert.Throws<ArgumentException>(() => QBittorrentConfig.Settings(Options() with { ListenInterface = "eth0, lo" }));

        Assert.StartsWith("ListenInterface \"eth0, lo\" may hold only", error.Message, StringComparison.Ordinal);
    }
}
