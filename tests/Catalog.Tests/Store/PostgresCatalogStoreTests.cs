using System.Net;
using System.Net.Sockets;
using LibraryCluster.Catalog.Import;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Catalog.Store.Postgres;
using Npgsql;

namespace LibraryCluster.Catalog.Tests.Store;

/// <summary>The store contract on PostgreSQL (a real server, a fresh database per test), and what only PostgreSQL has.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresCatalogStoreTests(PostgresServerFixture postgres) : CatalogStoreContract, IClassFixture<PostgresServerFixture>
{
    private string _connectionString = string.Empty;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _connectionString = await postgres.Server.CreateDatabaseAsync();
    }

    protected override ICatalogStore Open() => PostgresCatalogStore.Open(_connectionString);

    /// <summary>PostgreSQL text cannot hold U+0000 (the sample has a title with <c>\0</c> in it): this store drops it.</summary>
    protected override string AsStoredHere(string sqliteSnapshot) => sqliteSnapshot.Replace("\\u0000", string.Empty, StringComparison.Ordinal);

    [Fact]
    public async Task Reimporting_Rewrites_No_Row()
    {
        await SampleAsync();
        using var store = (PostgresCatalogStore)Open();
        await ImportSampleAsync(store);
        var before = RowVersions(store);

        await ImportSampleAsync(store);

        Assert.Equal(before, RowVersions(store));
    }

    [Fact]
    public void The_Schema_Version_Is_Recorded_And_A_Newer_Schema_Is_Refused()
    {
        using (var store = (PostgresCatalogStore)Open())
        {
            Assert.Equal(PostgresCatalogStore.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(store, "SELECT value FROM catalog.meta WHERE key = 'schema'"));
            Scalar(store, "UPDATE catalog.meta SET value = '99' WHERE key = 'schema'");
        }

        var error = Assert.Throws<CatalogException>(Open);

        Assert.Contains("version 99, newer than this libcluster's", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("postgresql://127.0.0.1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Server_That_Cannot_Be_Reached_Is_Named_With_Postgres_Reason()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var refused = Assert.Throws<CatalogException>(() => PostgresCatalogStore.Open($"Host=127.0.0.1;Port={closedPort};Username=u;Password=secret;Database=library;Timeout=5"));
        Assert.Contains($"postgresql://127.0.0.1:{closedPort}/library", refused.Message, StringComparison.Ordinal);
        Assert.Contains("refused", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret", refused.Message, StringComparison.Ordinal);

        var builder = new NpgsqlConnectionStringBuilder(_connectionString) { Database = "no_such_catalogue" };
        var missing = Assert.Throws<CatalogException>(() => PostgresCatalogStore.Open(builder.ConnectionString));
        Assert.Contains("database \"no_such_catalogue\" does not exist (SQLSTATE 3D000)", missing.Message, StringComparison.Ordinal);

        var malformed = Assert.Throws<CatalogException>(() => PostgresCatalogStore.Open("Hots=127.0.0.1"));
        Assert.StartsWith("not a PostgreSQL connection string", malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_With_A_Nul_Character_Is_Stored_Without_It()
    {
        var dump = Temp.Write("nul.sql", "INSERT INTO `updated` (`ID`,`Title`,`MD5`) VALUES (1,'Before\\0after','eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee');\n"u8);
        using var store = Open();

        await CatalogImporter.ImportAsync(store, dump);

        Assert.Equal("Beforeafter", store.Get(Collection.Scitech, 1)!.Title);
    }

    /// <summary>Each row's (ctid, xmin): a rewritten row gets a new version, an untouched one keeps both.</summary>
    private static string RowVersions(PostgresCatalogStore store) => (string)Scalar(store, """
        SELECT string_agg(v, ',' ORDER BY v) FROM (
            SELECT 'r' || ctid::text || xmin::text AS v FROM catalog.records UNION ALL
            SELECT 'i' || ctid::text || xmin::text FROM catalog.isbns UNION ALL
            SELECT 'd' || ctid::text || xmin::text FROM catalog.descriptions UNION ALL
            SELECT 'h' || ctid::text || xmin::text FROM catalog.hashes UNION ALL
            SELECT 't' || ctid::text || xmin::text FROM catalog.topics) rows
        """)!;

    private static object? Scalar(PostgresCatalogStore store, string sql)
    {
        using var command = new NpgsqlCommand(sql, store.Connection);
        return command.ExecuteScalar();
    }
}
