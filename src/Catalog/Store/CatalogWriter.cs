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
/// One transaction of catalogue writes with prepared statements. A record replaces the stored one
/// only when its modification time is newer, so importing the same dump twice changes nothing.
/// </summary>
public sealed class CatalogWriter : IDisposable
{
    private readonly SqliteTransaction _transaction;
    private readonly SqliteCommand _findRecord;
    private readonly SqliteCommand _insertRecord;
    private readonly SqliteCommand _updateRecord;
    private readonly SqliteCommand _deleteIsbns;
    private readonly SqliteCommand _insertIsbn;
    private readonly SqliteCommand _upsertDescription;
    private readonly SqliteCommand _upsertHashes;
    private readonly SqliteCommand _upsertTopic;

    private readonly IList<Action<SqliteTransaction>> _beforeCommit;

    internal CatalogWriter(SqliteConnection connection, IList<Action<SqliteTransaction>> beforeCommit)
    {
        _beforeCommit = beforeCommit;
        _transaction = connection.BeginTransaction();
        // Plain INSERT and UPDATE, never REPLACE: REPLACE skips delete triggers, which would leave the search index stale.
        _findRecord = Prepare(connection, "SELECT coalesce(time_modified, 0) FROM records WHERE key = $key", "$key");
        _insertRecord = Prepare(connection, $"INSERT INTO records({string.Join(", ", RecordParameters.Select(p => p[1..]))}) VALUES ({string.Join(", ", RecordParameters)})", RecordParameters);
        _updateRecord = Prepare(connection, $"UPDATE records SET {string.Join(", ", RecordParameters.Skip(1).Select(p => $"{p[1..]} = {p}"))} WHERE key = $key", RecordParameters);
        _deleteIsbns = Prepare(connection, "DELETE FROM isbns WHERE key = $key", "$key");
        _insertIsbn = Prepare(connection, "INSERT OR IGNORE INTO isbns(isbn, key) VALUES ($isbn, $key)", "$isbn", "$key");
        _upsertDescription = Prepare(
            connection,
            """
            INSERT INTO descriptions(collection, md5, description, toc, time_modified) VALUES ($collection, $md5, $description, $toc, $time_modified)
            ON CONFLICT(collection, md5) DO UPDATE SET description = excluded.description, toc = excluded.toc, time_modified = excluded.time_modified
            WHERE coalesce(excluded.time_modified, 0) > coalesce(descriptions.time_modified, 0)
            """,
            "$collection", "$md5", "$description", "$toc", "$time_modified");
        _upsertHashes = Prepare(
            connection,
            """
            INSERT INTO hashes(collection, md5, crc32, edonkey, aich, sha1, tth, btih, sha256, ipfs_cid)
            VALUES ($collection, $md5, $crc32, $edonkey, $aich, $sha1, $tth, $btih, $sha256, $ipfs_cid)
            ON CONFLICT(collection, md5) DO UPDATE SET crc32 = excluded.crc32, edonkey = excluded.edonkey, aich = excluded.aich, sha1 = excluded.sha1,
                tth = excluded.tth, btih = excluded.btih, sha256 = excluded.sha256, ipfs_cid = excluded.ipfs_cid
            WHERE (crc32, edonkey, aich, sha1, tth, btih, sha256, ipfs_cid) IS NOT
                  (excluded.crc32, excluded.edonkey, excluded.aich, excluded.sha1, excluded.tth, excluded.btih, excluded.sha256, excluded.ipfs_cid)
            """,
            "$collection", "$md5", "$crc32", "$edonkey", "$aich", "$sha1", "$tth", "$btih", "$sha256", "$ipfs_cid");
        _upsertTopic = Prepare(
            connection,
            """
            INSERT INTO topics(topic_id, lang, description, parent) VALUES ($topic_id, $lang, $description, $parent)
            ON CONFLICT(topic_id, lang) DO UPDATE SET description = excluded.description, parent = excluded.parent
            WHERE (description, parent) IS NOT (excluded.description, excluded.parent)
            """,
            "$topic_id", "$lang", "$description", "$parent");
    }

    private static readonly string[] RecordParameters =
    [
        "$key", "$collection", "$id", "$source", "$md5", "$title", "$author", "$series", "$publisher", "$edition", "$year", "$year_num", "$language", "$extension",
        "$filesize", "$isbns", "$identifiers", "$doi", "$journal", "$visible", "$generic", "$topic", "$locator", "$time_added", "$time_modified", "$torrent", "$path", "$zip_entry",
    ];

    /// <summary>Inserts a record, or replaces the stored one when this one's modification time is newer.</summary>
    public RecordChange Upsert(CatalogRecord record)
    {
        var key = CatalogSchema.Key(record.Collection, record.Id);
        var modified = Seconds(record.Modified);
        _findRecord.Parameters[0].Value = key;
        var change = _findRecord.ExecuteScalar() switch
        {
            null => RecordChange.Inserted,
            long stored when (modified ?? 0) > stored => RecordChange.Updated,
            _ => RecordChange.Unchanged,
        };
        if (change == RecordChange.Unchanged)
        {
            return change;
        }

        var command = change == RecordChange.Inserted ? _insertRecord : _updateRecord;
        var p = command.Parameters;
        p[0].Value = key;
        p[1].Value = (int)record.Collection;
        p[2].Value = record.Id;
        p[3].Value = record.Source;
        p[4].Value = Db(record.Md5);
        p[5].Value = record.Title;
        p[6].Value = record.Author;
        p[7].Value = record.Series;
        p[8].Value = record.Publisher;
        p[9].Value = record.Edition;
        p[10].Value = record.Year;
        p[11].Value = record.YearNumber is { } year ? year : DBNull.Value;
        p[12].Value = record.Language;
        p[13].Value = record.Extension;
        p[14].Value = record.Filesize;
        p[15].Value = string.Join(' ', record.Isbns);
        p[16].Value = record.Identifiers;
        p[17].Value = Db(record.Doi);
        p[18].Value = record.Journal;
        p[19].Value = record.Visible;
        p[20].Value = Db(record.Generic);
        p[21].Value = Db(record.Topic);
        p[22].Value = Db(record.Locator);
        p[23].Value = Seconds(record.TimeAdded) is { } added ? added : DBNull.Value;
        p[24].Value = modified is { } m ? m : DBNull.Value;
        p[25].Value = Db(record.Torrent);
        p[26].Value = Db(record.PathInTorrent);
        p[27].Value = Db(record.ZipEntry);
        command.ExecuteNonQuery();
        if (change == RecordChange.Updated)
        {
            _deleteIsbns.Parameters[0].Value = key;
            _deleteIsbns.ExecuteNonQuery();
        }

        foreach (var isbn in record.Isbns)
        {
            _insertIsbn.Parameters[0].Value = isbn;
            _insertIsbn.Parameters[1].Value = key;
            _insertIsbn.ExecuteNonQuery();
        }

        return change;
    }

    /// <returns>Whether the row was inserted or changed.</returns>
    public bool UpsertDescription(Collection collection, string md5, string description, string toc, DateTime? modified) =>
        Run(_upsertDescription, (int)collection, md5, description, toc, Seconds(modified) is { } m ? m : DBNull.Value);

    public bool UpsertHashes(Collection collection, string md5, string crc32, string edonkey, string aich, string sha1, string tth, string btih, string sha256, string ipfsCid) =>
        Run(_upsertHashes, (int)collection, md5, crc32, edonkey, aich, sha1, tth, btih, sha256, ipfsCid);

    public bool UpsertTopic(long topicId, string lang, string description, long? parent) =>
        Run(_upsertTopic, topicId, lang, description, parent is { } p ? p : DBNull.Value);

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
        foreach (var command in new[] { _findRecord, _insertRecord, _updateRecord, _deleteIsbns, _insertIsbn, _upsertDescription, _upsertHashes, _upsertTopic })
        {
            command.Dispose();
        }

        _transaction.Dispose();
    }

    private static bool Run(SqliteCommand command, params object[] values) => SqliteCommands.Run(command, values) > 0;

    private SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = SqliteCommands.Create(connection, _transaction, sql, parameters);
        command.Prepare();
        return command;
    }

    private static object Db(string? value) => value is null ? DBNull.Value : value;

    private static long? Seconds(DateTime? time) => time is { } t ? (long)(t - DateTime.UnixEpoch).TotalSeconds : null;
}
