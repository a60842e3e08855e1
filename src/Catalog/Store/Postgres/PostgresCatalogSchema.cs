using Npgsql;

namespace LibraryCluster.Catalog.Store.Postgres;

/// <summary>
/// The catalogue's PostgreSQL schema, in its own schema <c>catalog</c> so that it sits beside the cluster's
/// tables in one database. Migrated at open under a transaction-scoped advisory lock, so any number of
/// processes can open a new database at once: one creates the tables, the others wait and find them.
/// </summary>
internal static class PostgresCatalogSchema
{
    /// <summary>The advisory lock every catalogue migration takes ("LCCATALG"); other subsystems must use other keys.</summary>
    public const long MigrationLock = 0x4C43_4341_5441_4C47;

    /// <summary>Migrations by the version they produce: <c>Migrations[n - 1]</c> takes the schema from n - 1 to n.</summary>
    private static readonly string[] Migrations =
    [
        // 1: the SQLite catalogue's tables and columns (times as Unix seconds, the record key as collection << 40 | id),
        // without its full-text index (search is SQLite FTS5 on a node, Elasticsearch in a cluster) and without torrents.
        """
        CREATE TABLE catalog.records(
            key bigint PRIMARY KEY,
            collection integer NOT NULL,
            id bigint NOT NULL,
            source text NOT NULL,
            md5 text,
            title text NOT NULL,
            author text NOT NULL,
            series text NOT NULL,
            publisher text NOT NULL,
            edition text NOT NULL,
            year text NOT NULL,
            year_num integer,
            language text NOT NULL,
            extension text NOT NULL,
            filesize bigint NOT NULL,
            isbns text NOT NULL,
            identifiers text NOT NULL,
            doi text,
            journal text NOT NULL,
            visible text NOT NULL,
            generic text,
            topic text,
            locator text,
            time_added bigint,
            time_modified bigint,
            torrent text,
            path text,
            zip_entry text);
        CREATE INDEX records_md5 ON catalog.records(md5);
        CREATE INDEX records_doi ON catalog.records(doi) WHERE doi IS NOT NULL;
        CREATE INDEX records_torrent ON catalog.records(collection, torrent);

        CREATE TABLE catalog.isbns(
            isbn text NOT NULL,
            key bigint NOT NULL,
            PRIMARY KEY(isbn, key));
        CREATE INDEX isbns_key ON catalog.isbns(key);

        CREATE TABLE catalog.descriptions(
            collection integer NOT NULL,
            md5 text NOT NULL,
            description text NOT NULL,
            toc text NOT NULL,
            time_modified bigint,
            PRIMARY KEY(collection, md5));

        CREATE TABLE catalog.hashes(
            collection integer NOT NULL,
            md5 text NOT NULL,
            crc32 text NOT NULL,
            edonkey text NOT NULL,
            aich text NOT NULL,
            sha1 text NOT NULL,
            tth text NOT NULL,
            btih text NOT NULL,
            sha256 text NOT NULL,
            ipfs_cid text NOT NULL,
            PRIMARY KEY(collection, md5));

        CREATE TABLE catalog.topics(
            topic_id bigint NOT NULL,
            lang text NOT NULL,
            description text NOT NULL,
            parent bigint,
            PRIMARY KEY(topic_id, lang));
        """,
    ];

    /// <summary>The schema version this build writes and reads.</summary>
    public static int Version => Migrations.Length;

    /// <summary>Brings the database to <see cref="Version"/>, or refuses one a newer libcluster made.</summary>
    /// <returns>The version the database had before (0 for a new one).</returns>
    public static int Migrate(NpgsqlConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        Execute(connection, $"SELECT pg_advisory_xact_lock({MigrationLock})");

        // Only DDL when something is missing: a role that may read and write rows but not create tables can open a migrated catalogue.
        var found = 0;
        if (Scalar(connection, "SELECT to_regclass('catalog.meta') IS NOT NULL") is true)
        {
            found = Scalar(connection, "SELECT value FROM catalog.meta WHERE key = 'schema'") is string text && int.TryParse(text, out var v) ? v : 0;
        }
        else
        {
            Execute(connection, "CREATE SCHEMA IF NOT EXISTS catalog; CREATE TABLE catalog.meta(key text PRIMARY KEY, value text NOT NULL);");
        }

        if (found > Version)
        {
            throw new CatalogException($"the catalogue's schema is version {found}, newer than this libcluster's ({Version}): upgrade libcluster");
        }

        for (var version = found + 1; version <= Version; version++)
        {
            Execute(connection, Migrations[version - 1]);
        }

        if (found < Version)
        {
            Execute(connection, $"INSERT INTO catalog.meta(key, value) VALUES ('schema', '{Version}') ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        }

        transaction.Commit();
        return found;
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }
}
