namespace LibraryCluster.Catalog.Store;

/// <summary>The catalogue's SQLite schema. Applied at open; every statement is idempotent.</summary>
internal static class CatalogSchema
{
    public const int Version = 1;

    /// <summary>A record's key: the collection in the high bits, the LibGen ID below (IDs stay far under 2^40).</summary>
    public static long Key(Collection collection, long id) => ((long)collection << 40) | id;

    /// <summary>Secondary indexes: built after a first bulk import rather than row by row (measured 20% faster).</summary>
    public const string CreateIndexes = """
        CREATE INDEX IF NOT EXISTS records_md5 ON records(md5);
        CREATE INDEX IF NOT EXISTS records_doi ON records(doi) WHERE doi IS NOT NULL;
        CREATE INDEX IF NOT EXISTS records_torrent ON records(collection, torrent);
        CREATE INDEX IF NOT EXISTS isbns_key ON isbns(key);
        """;

    public const string DropIndexes = """
        DROP INDEX IF EXISTS records_md5;
        DROP INDEX IF EXISTS records_doi;
        DROP INDEX IF EXISTS records_torrent;
        DROP INDEX IF EXISTS isbns_key;
        """;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS meta(
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL);

        CREATE TABLE IF NOT EXISTS records(
            key INTEGER PRIMARY KEY,
            collection INTEGER NOT NULL,
            id INTEGER NOT NULL,
            source TEXT NOT NULL,
            md5 TEXT,
            title TEXT NOT NULL,
            author TEXT NOT NULL,
            series TEXT NOT NULL,
            publisher TEXT NOT NULL,
            edition TEXT NOT NULL,
            year TEXT NOT NULL,
            year_num INTEGER,
            language TEXT NOT NULL,
            extension TEXT NOT NULL,
            filesize INTEGER NOT NULL,
            isbns TEXT NOT NULL,
            identifiers TEXT NOT NULL,
            doi TEXT,
            journal TEXT NOT NULL,
            visible TEXT NOT NULL,
            generic TEXT,
            topic TEXT,
            locator TEXT,
            time_added INTEGER,
            time_modified INTEGER,
            torrent TEXT,
            path TEXT,
            zip_entry TEXT);

        CREATE TABLE IF NOT EXISTS isbns(
            isbn TEXT NOT NULL,
            key INTEGER NOT NULL,
            PRIMARY KEY(isbn, key)) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS descriptions(
            collection INTEGER NOT NULL,
            md5 TEXT NOT NULL,
            description TEXT NOT NULL,
            toc TEXT NOT NULL,
            time_modified INTEGER,
            PRIMARY KEY(collection, md5)) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS hashes(
            collection INTEGER NOT NULL,
            md5 TEXT NOT NULL,
            crc32 TEXT NOT NULL,
            edonkey TEXT NOT NULL,
            aich TEXT NOT NULL,
            sha1 TEXT NOT NULL,
            tth TEXT NOT NULL,
            btih TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            ipfs_cid TEXT NOT NULL,
            PRIMARY KEY(collection, md5)) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS topics(
            topic_id INTEGER NOT NULL,
            lang TEXT NOT NULL,
            description TEXT NOT NULL,
            parent INTEGER,
            PRIMARY KEY(topic_id, lang)) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS torrents(
            collection INTEGER NOT NULL,
            source TEXT NOT NULL,
            name TEXT NOT NULL,
            info_hash TEXT UNIQUE,
            piece_length INTEGER,
            total_length INTEGER,
            file_count INTEGER,
            registered INTEGER,
            held INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY(collection, source, name)) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS torrent_files(
            info_hash TEXT NOT NULL,
            file_index INTEGER NOT NULL,
            path TEXT NOT NULL,
            length INTEGER NOT NULL,
            offset INTEGER NOT NULL,
            PRIMARY KEY(info_hash, file_index)) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS imports(
            file TEXT NOT NULL,
            started INTEGER NOT NULL,
            finished INTEGER,
            bytes INTEGER NOT NULL,
            inserted INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0);
        """;
}
