using LibraryCluster.Catalog.Records;

namespace LibraryCluster.Catalog.Store;

/// <summary>
/// What the rest of the system needs from a catalogue, whatever holds it: SQLite on one node
/// (<see cref="CatalogStore"/>) or a PostgreSQL database shared by a cluster
/// (<see cref="Postgres.PostgresCatalogStore"/>). Both keep the same record semantics: MD5 and DOI
/// keys lowercase, lookups visible records first, idempotent upserts. An instance holds one
/// connection and is used from one thread at a time (open one per thread, as the node's reader pool does).
/// </summary>
public interface ICatalogStore : IDisposable
{
    /// <summary>Where the catalogue is, for messages: a file path, or <c>postgresql://host:port/database</c> (never a password).</summary>
    string Location { get; }

    long CountRecords();

    /// <summary>Rows per table, to compare catalogues and to report what an import left.</summary>
    CatalogCounts Counts();

    /// <summary>Records with this MD5 (any collection) or with this DOI, by collection and ID.</summary>
    IReadOnlyList<CatalogRecord> FindByMd5OrDoi(string md5OrDoi);

    /// <summary>Records with this MD5 (a file can be in more than one collection), visible ones first; case and surrounding spaces ignored.</summary>
    IReadOnlyList<CatalogRecord> FindByMd5(string md5);

    /// <summary>Records with this DOI, visible ones first; case and surrounding spaces ignored.</summary>
    IReadOnlyList<CatalogRecord> FindByDoi(string doi);

    CatalogRecord? Get(Collection collection, long id);

    /// <summary>The description and table of contents for a record's MD5, when the dump had one.</summary>
    (string Description, string Toc)? GetDescription(Collection collection, string md5);

    /// <summary>The English topic name for a LibGen topic id (another language when there is no English one).</summary>
    string? GetTopic(string? topicId);

    /// <summary>Starts a transaction for a batch of writes: nothing is visible to others until <see cref="ICatalogWriter.Commit"/>.</summary>
    ICatalogWriter BeginWrite();

    /// <summary>
    /// Called by the importer before it writes a dump; disposed when the import ends, finished or not.
    /// Lets a store make a bulk load cheaper (SQLite defers its secondary indexes on a first import;
    /// PostgreSQL refreshes the planner's statistics at the end).
    /// </summary>
    IDisposable BeginImport();
}

/// <summary>One transaction of catalogue writes. Every write is an idempotent upsert, so a batch that was never committed is simply redone.</summary>
public interface ICatalogWriter : IDisposable
{
    /// <summary>Inserts a record, or replaces the stored one when this one's modification time is newer; otherwise writes nothing.</summary>
    RecordChange Upsert(CatalogRecord record);

    /// <returns>Whether the row was inserted or changed (a description changes only with a newer modification time).</returns>
    bool UpsertDescription(Collection collection, string md5, string description, string toc, DateTime? modified);

    /// <returns>Whether the row was inserted or any hash differed.</returns>
    bool UpsertHashes(Collection collection, string md5, string crc32, string edonkey, string aich, string sha1, string tth, string btih, string sha256, string ipfsCid);

    /// <returns>Whether the row was inserted or its name or parent differed.</returns>
    bool UpsertTopic(long topicId, string lang, string description, long? parent);

    /// <summary>
    /// Runs many writes in order and puts each one's outcome in <paramref name="changes"/>. The same as calling
    /// the one-row methods in turn (which this default does); a store may send them together instead
    /// (PostgreSQL pipelines them in one round trip).
    /// </summary>
    void Write(ReadOnlySpan<CatalogWrite> writes, Span<RecordChange> changes)
    {
        for (var i = 0; i < writes.Length; i++)
        {
            changes[i] = writes[i].ApplyTo(this);
        }
    }

    /// <summary>Commits the batch. Disposing without committing rolls it back.</summary>
    void Commit();
}

/// <summary>Rows in each catalogue table.</summary>
public readonly record struct CatalogCounts(long Records, long Isbns, long Descriptions, long Hashes, long Topics);
