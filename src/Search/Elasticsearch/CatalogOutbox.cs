using LibraryCluster.Catalog.Store;
using Microsoft.Data.Sqlite;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>
/// What changed in a SQLite catalogue since it was last sent to Elasticsearch, kept in the catalogue itself:
/// triggers note the key of every record inserted, updated or deleted (<c>elastic_outbox</c>) and every torrent
/// whose "held" flag flipped (<c>elastic_held_outbox</c>), whoever wrote them (an import from the CLI, the node
/// registering a torrent or marking it held). Each row carries a sequence number bumped on every further change,
/// so a row is removed only if nothing changed it again after it was read. Durable: changes made while
/// Elasticsearch is away wait here.
/// </summary>
public static class CatalogOutbox
{
    /// <summary>Creates the outbox tables and triggers if missing (idempotent).</summary>
    public static void Install(CatalogStore store) => Execute(store.Connection, """
        CREATE TABLE IF NOT EXISTS elastic_outbox(key INTEGER PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS elastic_held_outbox(collection INTEGER NOT NULL, name TEXT NOT NULL, seq INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY(collection, name)) WITHOUT ROWID;
        CREATE TRIGGER IF NOT EXISTS records_elastic_insert AFTER INSERT ON records BEGIN
            INSERT INTO elastic_outbox(key) VALUES (new.key) ON CONFLICT(key) DO UPDATE SET seq = seq + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS records_elastic_update AFTER UPDATE ON records BEGIN
            INSERT INTO elastic_outbox(key) VALUES (new.key) ON CONFLICT(key) DO UPDATE SET seq = seq + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS records_elastic_delete AFTER DELETE ON records BEGIN
            INSERT INTO elastic_outbox(key) VALUES (old.key) ON CONFLICT(key) DO UPDATE SET seq = seq + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS torrents_elastic_held AFTER UPDATE OF held ON torrents WHEN old.held IS NOT new.held BEGIN
            INSERT INTO elastic_held_outbox(collection, name) VALUES (new.collection, new.name)
                ON CONFLICT(collection, name) DO UPDATE SET seq = seq + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS torrents_elastic_held_insert AFTER INSERT ON torrents WHEN new.held = 1 BEGIN
            INSERT INTO elastic_held_outbox(collection, name) VALUES (new.collection, new.name)
                ON CONFLICT(collection, name) DO UPDATE SET seq = seq + 1;
        END;
        """);

    /// <summary>Whether the outbox is installed in this catalogue.</summary>
    public static bool IsInstalled(CatalogStore store)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'elastic_outbox'";
        return (long)command.ExecuteScalar()! > 0;
    }

    /// <summary>Forgets every pending change: a full index about to read the whole catalogue covers them.</summary>
    public static void Clear(CatalogStore store) => Execute(store.Connection, "DELETE FROM elastic_outbox; DELETE FROM elastic_held_outbox;");

    /// <summary>Changes waiting: records and torrents.</summary>
    public static (long Records, long Torrents) Pending(CatalogStore store)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM elastic_outbox), (SELECT count(*) FROM elastic_held_outbox)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Up to <paramref name="limit"/> changed record keys with their sequence numbers, lowest key first.</summary>
    internal static List<(long Key, long Seq)> ChangedRecords(CatalogStore store, int limit)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT key, seq FROM elastic_outbox ORDER BY key LIMIT $n";
        command.Parameters.AddWithValue("$n", limit);
        using var reader = command.ExecuteReader();
        var keys = new List<(long, long)>();
        while (reader.Read())
        {
            keys.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }

        return keys;
    }

    /// <summary>Torrents whose held flag changed, with their flag now and their sequence numbers.</summary>
    internal static List<(int Collection, string Name, bool Held, long Seq)> ChangedTorrents(CatalogStore store, int limit)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = """
            SELECT o.collection, o.name, coalesce(max(t.held), 0), o.seq FROM elastic_held_outbox o
            LEFT JOIN torrents t ON t.collection = o.collection AND t.name = o.name
            GROUP BY o.collection, o.name ORDER BY o.collection, o.name LIMIT $n
            """;
        command.Parameters.AddWithValue("$n", limit);
        using var reader = command.ExecuteReader();
        var torrents = new List<(int, string, bool, long)>();
        while (reader.Read())
        {
            torrents.Add((reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2) == 1, reader.GetInt64(3)));
        }

        return torrents;
    }

    /// <summary>Removes the rows that were sent, unless they changed again meanwhile.</summary>
    internal static void Done(CatalogStore store, IEnumerable<(long Key, long Seq)> records)
    {
        using var transaction = store.Connection.BeginTransaction();
        using var command = store.Connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM elastic_outbox WHERE key = $k AND seq = $s";
        var key = command.Parameters.Add("$k", SqliteType.Integer);
        var seq = command.Parameters.Add("$s", SqliteType.Integer);
        foreach (var (k, s) in records)
        {
            key.Value = k;
            seq.Value = s;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    internal static void Done(CatalogStore store, IEnumerable<(int Collection, string Name, long Seq)> torrents)
    {
        using var transaction = store.Connection.BeginTransaction();
        using var command = store.Connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM elastic_held_outbox WHERE collection = $c AND name = $n AND seq = $s";
        var collection = command.Parameters.Add("$c", SqliteType.Integer);
        var name = command.Parameters.Add("$n", SqliteType.Text);
        var seq = command.Parameters.Add("$s", SqliteType.Integer);
        foreach (var (c, n, s) in torrents)
        {
            collection.Value = c;
            name.Value = n;
            seq.Value = s;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
