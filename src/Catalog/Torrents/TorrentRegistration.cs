using LibraryCluster.Catalog.Store;
using LibraryCluster.Torrents.Metainfo;
using Microsoft.Data.Sqlite;

namespace LibraryCluster.Catalog.Torrents;

/// <summary>What registering a .torrent found when its file list was set beside the catalogue.</summary>
public sealed record RegistrationReport
{
    public required string Name { get; init; }

    public required Collection Collection { get; init; }

    public required string InfoHash { get; init; }

    public required int Files { get; init; }

    /// <summary>Torrent files that belong to a catalogue record.</summary>
    public required int Matched { get; init; }

    /// <summary>Records whose path the torrent's list corrected (the torrent wins).</summary>
    public required int PathsCorrected { get; init; }

    /// <summary>Visible records of this torrent whose file the torrent does not hold (their path is cleared).</summary>
    public required IReadOnlyList<string> MissingFromTorrent { get; init; }

    /// <summary>Torrent files no record claims.</summary>
    public required IReadOnlyList<string> NotInCatalogue { get; init; }

    public bool Agrees => MissingFromTorrent.Count == 0 && NotInCatalogue.Count == 0 && PathsCorrected == 0;
}

/// <summary>
/// Registers .torrent files with the catalogue: keyed by (collection, source, name) and by info-hash,
/// the torrent's own file list stored, and compared with where the catalogue expects each record's file.
/// </summary>
public static class TorrentRegistration
{
    /// <summary>The collection a LibGen torrent name belongs to: r_ scitech, f_ fiction, sm_ scimag.</summary>
    public static Collection CollectionOf(string name) =>
        name.StartsWith("r_", StringComparison.Ordinal) ? Collection.Scitech
        : name.StartsWith("f_", StringComparison.Ordinal) ? Collection.Fiction
        : name.StartsWith("sm_", StringComparison.Ordinal) ? Collection.Scimag
        : throw new CatalogException($"\"{name}\" is not a LibGen torrent name (r_…, f_… or sm_…)");

    public static RegistrationReport Register(CatalogStore store, string name, TorrentMetainfo torrent, string source = Records.Sources.LibgenRs)
    {
        var collection = CollectionOf(name);
        var connection = store.Connection;
        using var transaction = connection.BeginTransaction();

        // Where the catalogue expects each file, by the name a file has inside the torrent.
        var expected = new Dictionary<string, List<(long Key, string? Path, string Visible)>>(StringComparer.Ordinal);
        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT key, md5, path, visible, extension FROM records WHERE collection = $c AND torrent = $t";
            select.Parameters.AddWithValue("$c", (int)collection);
            select.Parameters.AddWithValue("$t", name);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var path = reader.IsDBNull(2) ? null : reader.GetString(2);
                var match = collection == Collection.Scimag ? path?.Split('/')[^1] : reader.IsDBNull(1) ? null : reader.GetString(1);
                if (match is null)
                {
                    continue;
                }

                if (!expected.TryGetValue(match, out var list))
                {
                    expected[match] = list = [];
                }

                list.Add((reader.GetInt64(0), path, reader.GetString(3)));
            }
        }

        var matchedKeys = new HashSet<long>();
        var notInCatalogue = new List<string>();
        var corrected = 0;
        using var update = new RawStatement(connection, "UPDATE records SET path = ?1 WHERE key = ?2");
        foreach (var file in torrent.Files.Where(f => !f.IsPadding))
        {
            var last = file.PathComponents[^1];
            var match = collection switch
            {
                Collection.Scimag => last,
                Collection.Fiction => last.Split('.')[0].ToLowerInvariant(),
                _ => last.ToLowerInvariant(),
            };
            if (!expected.TryGetValue(match, out var records))
            {
                notInCatalogue.Add(file.RelativePath);
                continue;
            }

            foreach (var record in records)
            {
                matchedKeys.Add(record.Key);
                if (record.Path != file.RelativePath)
                {
                    update.Run(file.RelativePath, record.Key);
                    corrected++;
                }
            }
        }

        var missing = new SortedSet<string>(StringComparer.Ordinal);
        using var clear = new RawStatement(connection, "UPDATE records SET path = NULL WHERE key = ?1");
        foreach (var record in expected.Values.SelectMany(r => r).Where(r => !matchedKeys.Contains(r.Key)).DistinctBy(r => r.Key))
        {
            // A deleted record is expected to be absent; anything else the torrent lacks is reported.
            if (record.Visible != "del")
            {
                missing.Add(record.Path ?? $"record {record.Key}");
            }

            clear.Run(record.Key);
        }

        var infoHash = torrent.InfoHash.ToString();
        using (var upsert = new RawStatement(
            connection,
            """
            INSERT INTO torrents(collection, source, name, info_hash, piece_length, total_length, file_count, registered, held)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, unixepoch(), 0)
            ON CONFLICT(collection, source, name) DO UPDATE SET info_hash = excluded.info_hash, piece_length = excluded.piece_length,
                total_length = excluded.total_length, file_count = excluded.file_count, registered = excluded.registered,
                held = CASE WHEN torrents.info_hash = excluded.info_hash THEN torrents.held ELSE 0 END
            """))
        {
            upsert.Run((int)collection, source, name, infoHash, torrent.PieceLength, torrent.TotalLength, torrent.Files.Count);
        }

        using (var delete = new RawStatement(connection, "DELETE FROM torrent_files WHERE info_hash = ?1"))
        {
            delete.Run(infoHash);
        }

        using (var insert = new RawStatement(connection, "INSERT INTO torrent_files(info_hash, file_index, path, length, offset) VALUES (?1, ?2, ?3, ?4, ?5)"))
        {
            foreach (var file in torrent.Files)
            {
                insert.Run(infoHash, file.Index, file.RelativePath, file.Length, file.Offset);
            }
        }

        transaction.Commit();
        return new RegistrationReport
        {
            Name = name,
            Collection = collection,
            InfoHash = infoHash,
            Files = torrent.Files.Count,
            Matched = torrent.Files.Count - notInCatalogue.Count,
            PathsCorrected = corrected,
            MissingFromTorrent = [.. missing],
            NotInCatalogue = notInCatalogue,
        };
    }

    /// <summary>Marks whether this mirror holds a registered torrent's data (verified complete).</summary>
    public static void SetHeld(CatalogStore store, string name, bool held, string source = Records.Sources.LibgenRs)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "UPDATE torrents SET held = $h WHERE collection = $c AND source = $s AND name = $n";
        command.Parameters.AddWithValue("$h", held ? 1 : 0);
        command.Parameters.AddWithValue("$c", (int)CollectionOf(name));
        command.Parameters.AddWithValue("$s", source);
        command.Parameters.AddWithValue("$n", name);
        if (command.ExecuteNonQuery() == 0)
        {
            throw new CatalogException($"torrent {name} is not registered; register its .torrent first");
        }
    }

    /// <summary>Whether a torrent is registered and held (for showing a record).</summary>
    public static (string? InfoHash, bool Held) Status(CatalogStore store, Collection collection, string name, string source = Records.Sources.LibgenRs)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = "SELECT info_hash, held FROM torrents WHERE collection = $c AND source = $s AND name = $n";
        command.Parameters.AddWithValue("$c", (int)collection);
        command.Parameters.AddWithValue("$s", source);
        command.Parameters.AddWithValue("$n", name);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1) == 1) : (null, false);
    }

    /// <summary>Every torrent this catalogue marks held, as (collection, name); on any connection to it (search reads on its own).</summary>
    public static HashSet<(int Collection, string Name)> Held(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT collection, name FROM torrents WHERE held = 1";
        using var reader = command.ExecuteReader();
        var held = new HashSet<(int, string)>();
        while (reader.Read())
        {
            held.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        return held;
    }
}
