using LibraryCluster.Catalog.Records;
using Microsoft.Data.Sqlite;

namespace LibraryCluster.Catalog.Store;

/// <summary>
/// The catalogue on SQLite: one file, WAL journal (readers never wait for the importer), writes in
/// large transactions through <see cref="CatalogWriter"/>. An import killed half-way leaves the last
/// committed transaction; running it again completes it, because every write is an idempotent upsert.
/// </summary>
public sealed partial class CatalogStore : ICatalogStore
{
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _prepared = [];

    private CatalogStore(string path, SqliteConnection connection)
    {
        DatabasePath = path;
        _connection = connection;
    }

    public string DatabasePath { get; }

    /// <inheritdoc/>
    public string Location => DatabasePath;

    /// <summary>The open connection, for the search backend that shares the file.</summary>
    public SqliteConnection Connection => _connection;

    /// <summary>Opens (or creates) the catalogue at <paramref name="path"/> and applies the schema.</summary>
    public static CatalogStore Open(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new CatalogException($"{path}: the folder {directory} does not exist");
        }

        var connection = OpenConnection(full, readOnly: false);
        try
        {
            Execute(connection, CatalogSchema.Create);

            // Also repairs a catalogue whose first import was killed while its indexes were deferred.
            Execute(connection, CatalogSchema.CreateIndexes);
            Execute(connection, $"INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '{CatalogSchema.Version}')");
            return new CatalogStore(full, connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw NotACatalogue(path, e);
        }
    }

    /// <summary>Opens an existing catalogue for reading only (request handlers beside the one writer).</summary>
    public static CatalogStore OpenReadOnly(string path)
    {
        var full = Path.GetFullPath(path);
        return File.Exists(full)
            ? new CatalogStore(full, OpenConnection(full, readOnly: true))
            : throw new CatalogException($"{path}: no catalogue here");
    }

    private static CatalogException NotACatalogue(string path, SqliteException e) =>
        new($"{path} is not a catalogue database (SQLite: {e.Message})", e);

    /// <summary>A connection with the pragmas every catalogue connection uses.</summary>
    public static SqliteConnection OpenConnection(string path, bool readOnly)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, readOnly
                ? "PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824; SELECT count(*) FROM sqlite_master;"
                : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=1073741824;");
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw NotACatalogue(path, e);
        }
    }

    /// <summary>
    /// Work that must land in the same transaction as every batch of record writes (the search
    /// index catching up with the records it indexes). Runs just before each commit.
    /// </summary>
    public IList<Action<SqliteTransaction>> BeforeCommit { get; } = [];

    /// <summary>
    /// For a first import into an empty catalogue: drops the secondary indexes so that rows go in
    /// without random index updates. Dispose the result to build them again in one sorted pass.
    /// </summary>
    public IDisposable DeferIndexes()
    {
        Execute(_connection, CatalogSchema.DropIndexes);
        return new IndexRestorer(_connection);
    }

    private sealed class IndexRestorer(SqliteConnection connection) : IDisposable
    {
        public void Dispose() => Execute(connection, CatalogSchema.CreateIndexes);
    }

    /// <summary>Starts a transaction for a batch of writes.</summary>
    public CatalogWriter BeginWrite() => new(_connection, BeforeCommit);

    ICatalogWriter ICatalogStore.BeginWrite() => BeginWrite();

    /// <summary>Into an empty catalogue, defers the secondary indexes (<see cref="DeferIndexes"/>); otherwise does nothing.</summary>
    public IDisposable BeginImport() => HasRecords() ? NoImportWork.Instance : DeferIndexes();

    private sealed class NoImportWork : IDisposable
    {
        public static readonly NoImportWork Instance = new();

        public void Dispose()
        {
        }
    }

    public long CountRecords() => Scalar<long>("SELECT count(*) FROM records");

    /// <summary>Whether any record is there: one row read, where counting reads them all.</summary>
    public bool HasRecords() => Scalar<long>("SELECT EXISTS (SELECT 1 FROM records)") != 0;

    /// <inheritdoc/>
    public CatalogCounts Counts() => new(
        CountRecords(),
        Scalar<long>("SELECT count(*) FROM isbns"),
        Scalar<long>("SELECT count(*) FROM descriptions"),
        Scalar<long>("SELECT count(*) FROM hashes"),
        Scalar<long>("SELECT count(*) FROM topics"));

    /// <summary>Records with this MD5 (any collection), or with this DOI.</summary>
    public IReadOnlyList<CatalogRecord> FindByMd5OrDoi(string md5OrDoi) => FindBy("md5 = $v OR doi = $v", md5OrDoi, "key");

    /// <summary>Records with this MD5 (a file can be in more than one collection), visible ones first.</summary>
    public IReadOnlyList<CatalogRecord> FindByMd5(string md5) => FindBy("md5 = $v", md5, VisibleFirst);

    /// <summary>Records with this DOI, visible ones first.</summary>
    public IReadOnlyList<CatalogRecord> FindByDoi(string doi) => FindBy("doi = $v", doi, VisibleFirst);

    private const string VisibleFirst = "visible <> '', key";

    private IReadOnlyList<CatalogRecord> FindBy(string condition, string value, string order)
    {
        // Kept prepared: these run on every download, and preparing the statement cost more than running it.
        var sql = $"SELECT {RecordColumns} FROM records WHERE {condition} ORDER BY {order}";
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add("$v", SqliteType.Text);
            command.Prepare();
            _prepared[sql] = command;
        }

        command.Parameters[0].Value = value.Trim().ToLowerInvariant();
        return ReadRecords(command);
    }

    public CatalogRecord? Get(Collection collection, long id)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {RecordColumns} FROM records WHERE key = $k";
        command.Parameters.AddWithValue("$k", CatalogSchema.Key(collection, id));
        return ReadRecords(command).SingleOrDefault();
    }

    /// <summary>The description and table of contents for a record's MD5, when the dump had one.</summary>
    public (string Description, string Toc)? GetDescription(Collection collection, string md5)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT description, toc FROM descriptions WHERE collection = $c AND md5 = $m";
        command.Parameters.AddWithValue("$c", (int)collection);
        command.Parameters.AddWithValue("$m", md5);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>The English topic name for a LibGen topic id.</summary>
    public string? GetTopic(string? topicId)
    {
        if (!long.TryParse(topicId, out var id))
        {
            return null;
        }

        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT description FROM topics WHERE topic_id = $t ORDER BY lang <> 'en', lang LIMIT 1";
        command.Parameters.AddWithValue("$t", id);
        return command.ExecuteScalar() as string;
    }

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
        {
            command.Dispose();
        }

        _connection.Dispose();
    }

    /// <summary>The record columns, in the order <see cref="ReadRecord"/> reads them.</summary>
    public const string RecordColumns =
        "collection, id, source, md5, title, author, series, publisher, edition, year, language, extension, filesize, isbns, identifiers, doi, journal, visible, generic, topic, locator, time_added, time_modified, torrent, path, zip_entry";

    /// <summary>Reads rows selected with <see cref="RecordColumns"/> (optionally followed by more columns).</summary>
    public static CatalogRecord ReadRecord(SqliteDataReader r) => RecordReader.Read(r);

    private static List<CatalogRecord> ReadRecords(SqliteCommand command) => RecordReader.ReadAll(command);

    private T Scalar<T>(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
