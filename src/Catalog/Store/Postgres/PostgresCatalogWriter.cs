using LibraryCluster.Catalog.Records;
using Npgsql;
using NpgsqlTypes;

namespace LibraryCluster.Catalog.Store.Postgres;

/// <summary>
/// One transaction of catalogue writes on PostgreSQL. Each write is one prepared <c>INSERT … ON CONFLICT</c>
/// whose <c>DO UPDATE … WHERE</c> carries the same change detection as SQLite's: a record is replaced only
/// when its modification time is newer, a side row only when it differs, and a row that did not change
/// is not rewritten (no new row version, nothing for vacuum).
/// </summary>
public sealed class PostgresCatalogWriter : ICatalogWriter
{
    private static readonly string[] RecordColumns =
    [
        "key", "collection", "id", "source", "md5", "title", "author", "series", "publisher", "edition", "year", "year_num", "language", "extension",
        "filesize", "isbns", "identifiers", "doi", "journal", "visible", "generic", "topic", "locator", "time_added", "time_modified", "torrent", "path", "zip_entry",
    ];

    private static readonly NpgsqlDbType[] DescriptionTypes = [NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint];

    private static readonly NpgsqlDbType[] HashesTypes = [NpgsqlDbType.Integer, .. Enumerable.Repeat(NpgsqlDbType.Text, 9)];

    private static readonly NpgsqlDbType[] TopicTypes = [NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint];

    private static readonly NpgsqlDbType[] RecordTypes =
    [
        NpgsqlDbType.Bigint, NpgsqlDbType.Integer, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
        NpgsqlDbType.Array | NpgsqlDbType.Text,
    ];

    /// <summary>
    /// The record, then its ISBN rows in the same statement, only when the record was written: an update
    /// drops the ISBNs the record no longer has. <c>xmax = 0</c> tells a fresh insert from an update.
    /// </summary>
    private static readonly string UpsertRecordSql = $"""
        WITH up AS (
            INSERT INTO catalog.records AS r ({string.Join(", ", RecordColumns)}) VALUES ({string.Join(", ", RecordColumns.Select((_, i) => $"${i + 1}"))})
            ON CONFLICT (key) DO UPDATE SET {string.Join(", ", RecordColumns.Skip(1).Select(c => $"{c} = excluded.{c}"))}
            WHERE coalesce(excluded.time_modified, 0) > coalesce(r.time_modified, 0)
            RETURNING (xmax = 0) AS inserted),
        gone AS (
            DELETE FROM catalog.isbns WHERE key = $1 AND EXISTS (SELECT FROM up) AND NOT (isbn = ANY($29))),
        added AS (
            INSERT INTO catalog.isbns(isbn, key) SELECT i, $1 FROM unnest($29) AS i WHERE EXISTS (SELECT FROM up)
            ON CONFLICT DO NOTHING)
        SELECT inserted FROM up
        """;

    private const string UpsertDescriptionSql = """
        INSERT INTO catalog.descriptions AS d (collection, md5, description, toc, time_modified) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (collection, md5) DO UPDATE SET description = excluded.description, toc = excluded.toc, time_modified = excluded.time_modified
        WHERE coalesce(excluded.time_modified, 0) > coalesce(d.time_modified, 0)
        RETURNING true
        """;

    private const string UpsertHashesSql = """
        INSERT INTO catalog.hashes AS h (collection, md5, crc32, edonkey, aich, sha1, tth, btih, sha256, ipfs_cid) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (collection, md5) DO UPDATE SET crc32 = excluded.crc32, edonkey = excluded.edonkey, aich = excluded.aich, sha1 = excluded.sha1,
            tth = excluded.tth, btih = excluded.btih, sha256 = excluded.sha256, ipfs_cid = excluded.ipfs_cid
        WHERE (h.crc32, h.edonkey, h.aich, h.sha1, h.tth, h.btih, h.sha256, h.ipfs_cid) IS DISTINCT FROM
              (excluded.crc32, excluded.edonkey, excluded.aich, excluded.sha1, excluded.tth, excluded.btih, excluded.sha256, excluded.ipfs_cid)
        RETURNING true
        """;

    private const string UpsertTopicSql = """
        INSERT INTO catalog.topics AS t (topic_id, lang, description, parent) VALUES ($1, $2, $3, $4)
        ON CONFLICT (topic_id, lang) DO UPDATE SET description = excluded.description, parent = excluded.parent
        WHERE (t.description, t.parent) IS DISTINCT FROM (excluded.description, excluded.parent)
        RETURNING true
        """;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly NpgsqlCommand _upsertRecord;
    private readonly NpgsqlCommand _upsertDescription;
    private readonly NpgsqlCommand _upsertHashes;
    private readonly NpgsqlCommand _upsertTopic;

    internal PostgresCatalogWriter(PostgresCatalogStore store)
    {
        _connection = store.Connection;
        _transaction = _connection.BeginTransaction();

        // Prepared once per store and kept; they run inside whichever transaction the connection has open.
        _upsertRecord = store.Prepared(UpsertRecordSql, RecordTypes);
        _upsertDescription = store.Prepared(UpsertDescriptionSql, DescriptionTypes);
        _upsertHashes = store.Prepared(UpsertHashesSql, HashesTypes);
        _upsertTopic = store.Prepared(UpsertTopicSql, TopicTypes);
    }

    /// <inheritdoc/>
    public RecordChange Upsert(CatalogRecord record)
    {
        Bind(_upsertRecord, RecordValues(record));
        return RecordOutcome(_upsertRecord.ExecuteScalar());
    }

    /// <summary>
    /// Sends every write as one pipelined batch (one round trip instead of one per row) and reads each
    /// statement's outcome in order. Npgsql prepares the statements itself after a few uses (auto-prepare,
    /// which <see cref="PostgresCatalogStore.Open"/> turns on).
    /// </summary>
    public void Write(ReadOnlySpan<CatalogWrite> writes, Span<RecordChange> changes)
    {
        if (writes.IsEmpty)
        {
            return;
        }

        using var batch = new NpgsqlBatch(_connection, _transaction);
        foreach (var write in writes)
        {
            var (sql, types, values) = write switch
            {
                RecordWrite w => (UpsertRecordSql, RecordTypes, RecordValues(w.Record)),
                DescriptionWrite w => (UpsertDescriptionSql, DescriptionTypes, [(int)w.Collection, w.Md5, w.Description, w.Toc, Seconds(w.Modified)]),
                HashesWrite w => (UpsertHashesSql, HashesTypes, [(int)w.Collection, w.Md5, w.Crc32, w.Edonkey, w.Aich, w.Sha1, w.Tth, w.Btih, w.Sha256, w.IpfsCid]),
                TopicWrite w => (UpsertTopicSql, TopicTypes, new object?[] { w.TopicId, w.Lang, w.Description, w.Parent }),
                _ => throw new ArgumentException($"unknown catalogue write {write.GetType().Name}", nameof(writes)),
            };
            var command = new NpgsqlBatchCommand(sql);
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = types[i], Value = Value(values[i]) });
            }

            batch.BatchCommands.Add(command);
        }

        using var reader = batch.ExecuteReader();
        for (var i = 0; i < writes.Length; i++)
        {
            if (i > 0 && !reader.NextResult())
            {
                throw new CatalogException($"PostgreSQL answered {i} of {writes.Length} catalogue writes");
            }

            var row = reader.Read() ? reader.GetValue(0) : null;
            changes[i] = writes[i] is RecordWrite ? RecordOutcome(row) : row is null ? RecordChange.Unchanged : RecordChange.Inserted;
        }
    }

    private static object?[] RecordValues(CatalogRecord record)
    {
        var isbns = record.Isbns.Select(Clean).ToArray();
        return
        [
            CatalogSchema.Key(record.Collection, record.Id), (int)record.Collection, record.Id, record.Source, record.Md5, record.Title, record.Author,
            record.Series, record.Publisher, record.Edition, record.Year, record.YearNumber, record.Language, record.Extension,
            record.Filesize, string.Join(' ', isbns), record.Identifiers, record.Doi, record.Journal, record.Visible, record.Generic,
            record.Topic, record.Locator, Seconds(record.TimeAdded), Seconds(record.Modified), record.Torrent, record.PathInTorrent, record.ZipEntry,
            isbns,
        ];
    }

    /// <summary>The record statement returns <c>inserted</c> (true for a new row, false for an update) or no row when nothing changed.</summary>
    private static RecordChange RecordOutcome(object? inserted) => inserted switch
    {
        true => RecordChange.Inserted,
        false => RecordChange.Updated,
        _ => RecordChange.Unchanged,
    };

    /// <inheritdoc/>
    public bool UpsertDescription(Collection collection, string md5, string description, string toc, DateTime? modified) =>
        Changed(_upsertDescription, (int)collection, md5, description, toc, Seconds(modified));

    /// <inheritdoc/>
    public bool UpsertHashes(Collection collection, string md5, string crc32, string edonkey, string aich, string sha1, string tth, string btih, string sha256, string ipfsCid) =>
        Changed(_upsertHashes, (int)collection, md5, crc32, edonkey, aich, sha1, tth, btih, sha256, ipfsCid);

    /// <inheritdoc/>
    public bool UpsertTopic(long topicId, string lang, string description, long? parent) =>
        Changed(_upsertTopic, topicId, lang, description, parent);

    public void Commit() => _transaction.Commit();

    /// <summary>Rolls back unless committed; the prepared statements stay with the store for the next batch.</summary>
    public void Dispose() => _transaction.Dispose();

    private static bool Changed(NpgsqlCommand command, params ReadOnlySpan<object?> values)
    {
        Bind(command, values);
        return command.ExecuteScalar() is not null;
    }

    private static void Bind(NpgsqlCommand command, params ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = Value(values[i]);
        }
    }

    private static object Value(object? value) => value switch
    {
        null => DBNull.Value,
        string text => Clean(text),
        _ => value,
    };

    /// <summary>PostgreSQL text cannot hold U+0000 (a dump's <c>\0</c>), which SQLite keeps: it is dropped here.</summary>
    private static string Clean(string text) => text.Contains('\0', StringComparison.Ordinal) ? text.Replace("\0", string.Empty, StringComparison.Ordinal) : text;

    // Times are stored as the SQLite catalogue stores them: whole Unix seconds.
    private static long? Seconds(DateTime? time) => time is { } t ? (long)(t - DateTime.UnixEpoch).TotalSeconds : null;
}
