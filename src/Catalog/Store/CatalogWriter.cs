using LibraryCluster.Catalog.Records;
using Microsoft.Data.Sqlite;

namespace LibraryCluster.Catalog.Store;

/// <summary>What an upsert did.</summary>
public enum RecordChange
{
    Inserted,
    Updated,
    Unchanged,
}

/// <summary>
/// One transaction of catalogue writes through prepared statements. A record replaces the stored one
/// only when its modification time is newer, so importing the same dump twice changes nothing.
/// </summary>
public sealed class CatalogWriter : ICatalogWriter
{
    private static readonly string[] RecordColumns =
    [
        "key", "collection", "id", "source", "md5", "title", "author", "series", "publisher", "edition", "year", "year_num", "language", "extension",
        "filesize", "isbns", "identifiers", "doi", "journal", "visible", "generic", "topic", "locator", "time_added", "time_modified", "torrent", "path", "zip_entry",
    ];

    private readonly SqliteTransaction _transaction;
    private readonly IList<Action<SqliteTransaction>> _beforeCommit;
    private readonly RawStatement _findRecord;
    private readonly RawStatement _insertRecord;
    private readonly RawStatement _updateRecord;
    private readonly RawStatement _deleteIsbns;
    private readonly RawStatement _insertIsbn;
    private readonly RawStatement _upsertDescription;
    private readonly RawStatement _upsertHashes;
    private readonly RawStatement _upsertTopic;
    private readonly object?[] _values = new object?[RecordColumns.Length];

    internal CatalogWriter(SqliteConnection connection, IList<Action<SqliteTransaction>> beforeCommit)
    {
        _transaction = connection.BeginTransaction();
        _beforeCommit = beforeCommit;
        var numbered = RecordColumns.Select((_, i) => $"?{i + 1}").ToArray();
        _findRecord = new RawStatement(connection, "SELECT coalesce(time_modified, 0) FROM records WHERE key = ?1");

        // Plain INSERT and UPDATE, never REPLACE: REPLACE skips delete triggers, which would leave the search index stale.
        _insertRecord = new RawStatement(connection, $"INSERT INTO records({string.Join(", ", RecordColumns)}) VALUES ({string.Join(", ", numbered)})");
        _updateRecord = new RawStatement(connection, $"UPDATE records SET {string.Join(", ", RecordColumns.Skip(1).Select((c, i) => $"{c} = ?{i + 2}"))} WHERE key = ?1");
        _deleteIsbns = new RawStatement(connection, "DELETE FROM isbns WHERE key = ?1");
        _insertIsbn = new RawStatement(connection, "INSERT OR IGNORE INTO isbns(isbn, key) VALUES (?1, ?2)");
        _upsertDescription = new RawStatement(
            connection,
            """
            INSERT INTO descriptions(collection, md5, description, toc, time_modified) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT(collection, md5) DO UPDATE SET description = excluded.description, toc = excluded.toc, time_modified = excluded.time_modified
            WHERE coalesce(excluded.time_modified, 0) > coalesce(descriptions.time_modified, 0)
            """);
        _upsertHashes = new RawStatement(
            connection,
            """
            INSERT INTO hashes(collection, md5, crc32, edonkey, aich, sha1, tth, btih, sha256, ipfs_cid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            ON CONFLICT(collection, md5) DO UPDATE SET crc32 = excluded.crc32, edonkey = excluded.edonkey, aich = excluded.aich, sha1 = excluded.sha1,
                tth = excluded.tth, btih = excluded.btih, sha256 = excluded.sha256, ipfs_cid = excluded.ipfs_cid
            WHERE (crc32, edonkey, aich, sha1, tth, btih, sha256, ipfs_cid) IS NOT
                  (excluded.crc32, excluded.edonkey, excluded.aich, excluded.sha1, excluded.tth, excluded.btih, excluded.sha256, excluded.ipfs_cid)
            """);
        _upsertTopic = new RawStatement(
            connection,
            """
            INSERT INTO topics(topic_id, lang, description, parent) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT(topic_id, lang) DO UPDATE SET description = excluded.description, parent = excluded.parent
            WHERE (description, parent) IS NOT (excluded.description, excluded.parent)
            """);
    }

    /// <summary>Inserts a record, or replaces the stored one when this one's modification time is newer.</summary>
    public RecordChange Upsert(CatalogRecord record)
    {
        var key = CatalogSchema.Key(record.Collection, record.Id);
        var modified = Seconds(record.Modified);
        var stored = _findRecord.Run(key) ? _findRecord.Int64(0) ?? 0 : (long?)null;
        _findRecord.Reset();
        var change = stored is null ? RecordChange.Inserted
            : (modified ?? 0) > stored ? RecordChange.Updated
            : RecordChange.Unchanged;
        if (change == RecordChange.Unchanged)
        {
            return change;
        }

        var v = _values;
        v[0] = key;
        v[1] = (int)record.Collection;
        v[2] = record.Id;
        v[3] = record.Source;
        v[4] = record.Md5;
        v[5] = record.Title;
        v[6] = record.Author;
        v[7] = record.Series;
        v[8] = record.Publisher;
        v[9] = record.Edition;
        v[10] = record.Year;
        v[11] = record.YearNumber;
        v[12] = record.Language;
        v[13] = record.Extension;
        v[14] = record.Filesize;
        v[15] = string.Join(' ', record.Isbns);
        v[16] = record.Identifiers;
        v[17] = record.Doi;
        v[18] = record.Journal;
        v[19] = record.Visible;
        v[20] = record.Generic;
        v[21] = record.Topic;
        v[22] = record.Locator;
        v[23] = Seconds(record.TimeAdded);
        v[24] = modified;
        v[25] = record.Torrent;
        v[26] = record.PathInTorrent;
        v[27] = record.ZipEntry;
        (change == RecordChange.Inserted ? _insertRecord : _updateRecord).Run(v);

        if (change == RecordChange.Updated)
        {
            _deleteIsbns.Run(key);
        }

        foreach (var isbn in record.Isbns)
        {
            _insertIsbn.Run(isbn, key);
        }

        return change;
    }

    /// <returns>Whether the row was inserted or changed.</returns>
    public bool UpsertDescription(Collection collection, string md5, string description, string toc, DateTime? modified) =>
        Changed(_upsertDescription, (int)collection, md5, description, toc, Seconds(modified));

    public bool UpsertHashes(Collection collection, string md5, string crc32, string edonkey, string aich, string sha1, string tth, string btih, string sha256, string ipfsCid) =>
        Changed(_upsertHashes, (int)collection, md5, crc32, edonkey, aich, sha1, tth, btih, sha256, ipfsCid);

    public bool UpsertTopic(long topicId, string lang, string description, long? parent) =>
        Changed(_upsertTopic, topicId, lang, description, parent);

    public void Commit()
    {
        foreach (var action in _beforeCommit)
        {
            action(_transaction);
        }

        _transaction.Commit();
    }

    public void Dispose()
    {
        foreach (var statement in new[] { _findRecord, _insertRecord, _updateRecord, _deleteIsbns, _insertIsbn, _upsertDescription, _upsertHashes, _upsertTopic })
        {
            statement.Dispose();
        }

        _transaction.Dispose();
    }

    private static bool Changed(RawStatement statement, params ReadOnlySpan<object?> values)
    {
        statement.Run(values);
        return statement.Changes > 0;
    }

    private static long? Seconds(DateTime? time) => time is { } t ? (long)(t - DateTime.UnixEpoch).TotalSeconds : null;
}
