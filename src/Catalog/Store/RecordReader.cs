using System.Data.Common;
using LibraryCluster.Catalog.Records;

namespace LibraryCluster.Catalog.Store;

/// <summary>Reads a record from a row selected with <see cref="CatalogStore.RecordColumns"/>, on either store (the column types match).</summary>
internal static class RecordReader
{
    public static CatalogRecord Read(DbDataReader r) => new()
    {
        Collection = (Collection)r.GetInt32(0),
        Id = r.GetInt64(1),
        Source = r.GetString(2),
        Md5 = r.IsDBNull(3) ? null : r.GetString(3),
        Title = r.GetString(4),
        Author = r.GetString(5),
        Series = r.GetString(6),
        Publisher = r.GetString(7),
        Edition = r.GetString(8),
        Year = r.GetString(9),
        Language = r.GetString(10),
        Extension = r.GetString(11),
        Filesize = r.GetInt64(12),
        Isbns = r.GetString(13).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        Identifiers = r.GetString(14),
        Doi = r.IsDBNull(15) ? null : r.GetString(15),
        Journal = r.GetString(16),
        Visible = r.GetString(17),
        Generic = r.IsDBNull(18) ? null : r.GetString(18),
        Topic = r.IsDBNull(19) ? null : r.GetString(19),
        Locator = r.IsDBNull(20) ? null : r.GetString(20),
        TimeAdded = r.IsDBNull(21) ? null : DateTime.UnixEpoch.AddSeconds(r.GetInt64(21)),
        TimeLastModified = r.IsDBNull(22) ? null : DateTime.UnixEpoch.AddSeconds(r.GetInt64(22)),
        Torrent = r.IsDBNull(23) ? null : r.GetString(23),
        PathInTorrent = r.IsDBNull(24) ? null : r.GetString(24),
        ZipEntry = r.IsDBNull(25) ? null : r.GetString(25),
    };

    public static List<CatalogRecord> ReadAll(DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var records = new List<CatalogRecord>();
        while (reader.Read())
        {
            records.Add(Read(reader));
        }

        return records;
    }
}
