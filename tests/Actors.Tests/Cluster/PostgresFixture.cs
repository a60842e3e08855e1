using LibraryCluster.Testing;

namespace LibraryCluster.Actors.Tests.Cluster;

/// <summary>One private PostgreSQL server for a test class; each test takes a fresh database from it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
