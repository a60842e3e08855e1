using System.Net.Sockets;
using LibraryCluster.Catalog.Records;
using Npgsql;
using NpgsqlTypes;

namespace LibraryCluster.Catalog.Store.Postgres;

/// <summary>
/// The catalogue in a PostgreSQL database shared by a cluster: the same records, keys and change
/// detection as the SQLite <see cref="CatalogStore"/>, in the schema <c>catalog</c>. The schema is created
/// or migrated at open (safe when many processes open at once); writes go in transactions through
/// <see cref="PostgresCatalogWriter"/> with <c>INSERT … ON CONFLICT</c> upserts, so a killed import
/// loses only its open transaction and running it again completes it. No full-text search here.
/// </summary>
public sealed class PostgresCatalogStore : ICatalogStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnection _connection;
    private readonly Dictionary<string, NpgsqlCommand> _prepared = [];

    private PostgresCatalogStore(string location, NpgsqlDataSource dataSource, NpgsqlConnection connection)
    {
        Location = location;
        _dataSource = dataSource;
        _connection = connection;
    }

    /// <inheritdoc/>
    public string Location { get; }

    /// <summary>The schema version this build writes (the <c>catalog.meta</c> row <c>schema</c>).</summary>
    public static int SchemaVersion => PostgresCatalogSchema.Version;

    /// <summary>The open connection, for tests and tools that look beneath the interface.</summary>
    public NpgsqlConnection Connection => _connection;

    /// <summary>
    /// Connects and creates or migrates the schema. A connection string that is malformed or a server
    /// that cannot be reached gives a <see cref="CatalogException"/> naming the host, port and database
    /// and PostgreSQL's own reason (never the password).
    /// </summary>
    public static PostgresCatalogStore Open(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new CatalogException($"not a PostgreSQL connection string ({e.Message}); expected e.g. \"Host=127.0.0.1;Port=5432;Username=libcluster;Database=libcluster\"", e);
        }

        var location = Describe(builder);

        // Lets Npgsql prepare the import's pipelined upserts after a few uses, as it cannot for a batch by hand.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 16;
        }

        NpgsqlDataSource? dataSource = null;
        NpgsqlConnection? connection = null;
        try
        {
            dataSource = NpgsqlDataSource.Create(builder);
            connection = dataSource.OpenConnection();
            PostgresCatalogSchema.Migrate(connection);
            return new PostgresCatalogStore(location, dataSource, connection);
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException or TimeoutException or CatalogException)
        {
            connection?.Dispose();
            dataSource?.Dispose();
            throw e is CatalogException
                ? new CatalogException($"{location}: {e.Message}", e)
                : new CatalogException($"cannot open the catalogue at {location}: {Reason(e)}", e);
        }
    }

    /// <summary><c>postgresql://host:port/database</c>, with no user or password, for messages.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"postgresql://{(string.IsNullOrEmpty(builder.Host) ? "(no host)" : builder.Host)}:{builder.Port}/{builder.Database ?? builder.Username ?? "(default database)"}";

    /// <summary>PostgreSQL's reason for a failure, with the SQLSTATE or the network error beneath Npgsql's message.</summary>
    public static string Reason(Exception e) => e switch
    {
        PostgresException p => $"{p.MessageText} (SQLSTATE {p.SqlState})",
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } n => WithCause(n.Message, n.InnerException!.Message),
        _ => e.Message,
    };

    private static string WithCause(string message, string cause) => message.Contains(cause, StringComparison.Ordinal) ? message : $"{message}: {cause}";

    /// <inheritdoc/>
    public ICatalogWriter BeginWrite() => new PostgresCatalogWriter(this);

    /// <summary>After an import, refreshes the planner's statistics (cheap: a sample of each table), so lookups use the indexes at once.</summary>
    public IDisposable BeginImport() => new Analyzer(_connection);

    private sealed class Analyzer(NpgsqlConnection connection) : IDisposable
    {
        public void Dispose()
        {
            using var command = new NpgsqlCommand("ANALYZE catalog.records, catalog.isbns, catalog.descriptions, catalog.hashes, catalog.topics", connection);
            command.ExecuteNonQuery();
        }
    }

    public long CountRecords() => Count("records");

    /// <inheritdoc/>
    public CatalogCounts Counts() => new(Count("records"), Count("isbns"), Count("descriptions"), Count("hashes"), Count("topics"));

    private long Count(string table)
    {
        using var command = new NpgsqlCommand($"SELECT count(*) FROM catalog.{table}", _connection);
        return (long)command.ExecuteScalar()!;
    }

    public IReadOnlyList<CatalogRecord> FindByMd5OrDoi(string md5OrDoi) => FindBy("md5 = $1 OR doi = $1", md5OrDoi, "key");

    public IReadOnlyList<CatalogRecord> FindByMd5(string md5) => FindBy("md5 = $1", md5, VisibleFirst);

    public IReadOnlyList<CatalogRecord> FindByDoi(string doi) => FindBy("doi = $1", doi, VisibleFirst);

    private const string VisibleFirst = "visible <> '', key";

    private List<CatalogRecord> FindBy(string condition, string value, string order)
    {
        var command = Prepared($"SELECT {CatalogStore.RecordColumns} FROM catalog.records WHERE {condition} ORDER BY {order}", NpgsqlDbType.Text);
        command.Parameters[0].Value = value.Trim().ToLowerInvariant();
        return RecordReader.ReadAll(command);
    }

    public CatalogRecord? Get(Collection collection, long id)
    {
        var command = Prepared($"SELECT {CatalogStore.RecordColumns} FROM catalog.records WHERE key = $1", NpgsqlDbType.Bigint);
        command.Parameters[0].Value = CatalogSchema.Key(collection, id);
        return RecordReader.ReadAll(command).SingleOrDefault();
    }

    public (string Description, string Toc)? GetDescription(Collection collection, string md5)
    {
        var command = Prepared("SELECT description, toc FROM catalog.descriptions WHERE collection = $1 AND md5 = $2", NpgsqlDbType.Integer, NpgsqlDbType.Text);
        command.Parameters[0].Value = (int)collection;
        command.Parameters[1].Value = md5;
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    public string? GetTopic(string? topicId)
    {
        if (!long.TryParse(topicId, out var id))
        {
            return null;
        }

        var command = Prepared("SELECT description FROM catalog.topics WHERE topic_id = $1 ORDER BY lang <> 'en', lang LIMIT 1", NpgsqlDbType.Bigint);
        command.Parameters[0].Value = id;
        return command.ExecuteScalar() as string;
    }

    /// <summary>A statement prepared once on this store's connection and kept: lookups run on every download.</summary>
    internal NpgsqlCommand Prepared(string sql, params ReadOnlySpan<NpgsqlDbType> parameters)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = new NpgsqlCommand(sql, _connection);
            foreach (var type in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
            }

            command.Prepare();
            _prepared[sql] = command;
        }

        return command;
    }

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        _connection.Dispose();
        _dataSource.Dispose();
    }
}
