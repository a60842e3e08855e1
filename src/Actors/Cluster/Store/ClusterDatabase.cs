using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LibraryCluster.Actors.Cluster.Store;

/// <summary>Which SQL engine a <see cref="ClusterDatabase"/> talks to.</summary>
public enum SqlEngine
{
    /// <summary>One file beside the node: the embedded single-node mirror (and a cluster of processes on one machine).</summary>
    Sqlite,

    /// <summary>The shared database of a cluster.</summary>
    Postgres,
}

/// <summary>
/// The database behind the node and cluster stores: SQLite or PostgreSQL through the same plain SQL (both accept
/// <c>@name</c> parameters, <c>INSERT … ON CONFLICT</c> and <c>RETURNING</c>); only the schema's few type names
/// and the migration lock differ. Connections are opened per operation (PostgreSQL's are pooled; SQLite's are cheap and not pooled, so no handle outlives its use).
/// </summary>
public sealed class ClusterDatabase
{
    private readonly string _connectionString;
    private readonly Lock _migrating = new();
    private bool _migrated;

    private ClusterDatabase(SqlEngine engine, string connectionString, string description)
    {
        Engine = engine;
        _connectionString = connectionString;
        Description = description;
    }

    public SqlEngine Engine { get; }

    /// <summary>Where the database is, for messages (no password).</summary>
    public string Description { get; }

    /// <summary>A SQLite file (created if missing).</summary>
    public static ClusterDatabase Sqlite(string path) =>
        new(SqlEngine.Sqlite, new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path), Pooling = false, DefaultTimeout = 30 }.ToString(), path);

    /// <summary>A PostgreSQL database, e.g. <c>Host=127.0.0.1;Port=5432;Username=…;Database=…</c>.</summary>
    public static ClusterDatabase Postgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ClusterStoreException($"the PostgreSQL connection string is not valid: {e.Message}", e);
        }

        return new(SqlEngine.Postgres, connectionString, $"PostgreSQL database {builder.Database} on {builder.Host}:{builder.Port}");
    }

    /// <summary>Opens a connection (SQLite: WAL, busy timeout), or says which database could not be reached and why.</summary>
    public DbConnection Open()
    {
        DbConnection connection = Engine == SqlEngine.Sqlite ? new SqliteConnection(_connectionString) : new NpgsqlConnection(_connectionString);
        try
        {
            connection.Open();
            if (Engine == SqlEngine.Sqlite)
            {
                Execute(connection, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;");
            }

            return connection;
        }
        catch (DbException e)
        {
            connection.Dispose();
            throw Unreachable(e);
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction, committed if it returns normally.</summary>
    public T InTransaction<T>(Func<DbConnection, DbTransaction, T> work)
    {
        using var connection = Open();
        try
        {
            using var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }
        catch (DbException e)
        {
            throw Unreachable(e);
        }
    }

    /// <summary>Runs <paramref name="work"/> on an open connection.</summary>
    public T With<T>(Func<DbConnection, T> work)
    {
        using var connection = Open();
        try
        {
            return work(connection);
        }
        catch (DbException e)
        {
            throw Unreachable(e);
        }
    }

    /// <summary>
    /// Creates or upgrades the schema, once per <see cref="ClusterDatabase"/> however many stores share it. Safe
    /// when several nodes start at once: PostgreSQL serializes the migration on an advisory lock held for its
    /// transaction, SQLite on its write lock.
    /// </summary>
    public void Migrate()
    {
        lock (_migrating)
        {
            if (!_migrated)
            {
                MigrateNow();
                _migrated = true;
            }
        }
    }

    private void MigrateNow() => InTransaction((connection, transaction) =>
    {
        if (Engine == SqlEngine.Postgres)
        {
            Execute(connection, transaction, "SELECT pg_advisory_xact_lock(7370616365)");
        }
        else
        {
            // Takes the write lock now, so a second node waits here rather than failing half-way.
            Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
        }

        Execute(connection, transaction, ClusterSchema.Create(Engine));
        Execute(connection, transaction, ScrapeSchema.Create);
        var version = Scalar<long?>(connection, transaction, "SELECT max(version) FROM schema_version") ?? 0;
        if (version > ClusterSchema.Version)
        {
            throw new ClusterStoreException($"{Description} has schema version {version}, newer than this build's {ClusterSchema.Version}: upgrade this node");
        }

        if (version < ClusterSchema.Version)
        {
            Execute(connection, transaction, "DELETE FROM schema_version");
            Execute(connection, transaction, "INSERT INTO schema_version(version) VALUES (@v)", ("v", ClusterSchema.Version));
        }

        return 0;
    });

    internal static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    internal static int Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    internal static T? Scalar<T>(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        var value = command.ExecuteScalar();
        if (value is null or DBNull)
        {
            return default;
        }

        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static List<T> Query<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private ClusterStoreException Unreachable(DbException e) => new($"{Description}: {e.Message}", e);
}
