using LibraryCluster.Testing;

namespace LibraryCluster.Catalog.Tests.Store;

/// <summary>One private PostgreSQL server per test class (each test then takes a fresh database from it).</summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("the server has not started");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
