using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Engines.QBittorrent;

namespace LibraryCluster.Torrents.Tests.Engines;

/// <summary>A daemon that asks for a login (as one the node attaches to might): 403, "Fails." and the ban become clear errors.</summary>
[Trait("Category", "Swarm")]
public sealed class QBittorrentLoginTests : IAsyncLifetime
{
    private QBittorrentServer _server = null!;

    public async Task InitializeAsync() =>
        // 4.5.2 with no password set accepts admin / adminadmin.
        _server = await QBittorrentServer.StartAsync(o => o with { AdditionalSettings = [("Preferences", "WebUI\\LocalHostAuth", "true")] });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private QBittorrentEngine Engine(string? user, string? password) =>
        new(new QBittorrentConnection { WebUiUrl = _server.Daemon.Options.WebUiUrl, Username = user, Password = password });

    [Fact]
    public async Task Logins_Are_Made_When_Asked_And_Refusals_And_Bans_Say_What_To_Do()
    {
        using var anonymous = Engine(null, null);
        using var admin = Engine("admin", "adminadmin");
        using var wrong = Engine("admin", "wrong");

        var notConfigured = await Assert.ThrowsAsync<TorrentEngineException>(() => anonymous.PollAsync());
        Assert.Equal(EngineErrorKind.NotAuthorized, notConfigured.Kind);
        Assert.Contains("asks for a login (HTTP 403) and none is configured: set Swarm:Username and Swarm:Password", notConfigured.Message, StringComparison.Ordinal);
        var health = await anonymous.CheckHealthAsync();
        Assert.Equal((false, true, EngineErrorKind.NotAuthorized), (health.Answering, health.IsUp, health.Error));

        // The first call is refused (403); the engine logs in and sends it again.
        Assert.True((await admin.PollAsync()).FullUpdate);
        Assert.False((await admin.PollAsync()).FullUpdate);

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var refused = await Assert.ThrowsAsync<TorrentEngineException>(() => wrong.PollAsync());
            Assert.Equal(EngineErrorKind.NotAuthorized, refused.Kind);
            Assert.Contains("refused the login for user \"admin\" (\"Fails.\"): check Swarm:Username and Swarm:Password", refused.Message, StringComparison.Ordinal);
        }

        var banned = await Assert.ThrowsAsync<TorrentEngineException>(() => wrong.PollAsync());
        Assert.Equal(EngineErrorKind.Banned, banned.Kind);
        Assert.Contains("has banned this address after too many failed logins", banned.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", banned.Message, StringComparison.Ordinal);
    }
}
