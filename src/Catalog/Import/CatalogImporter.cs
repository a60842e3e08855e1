using System.Diagnostics;
using System.Threading.Channels;
using LibraryCluster.Catalog.Dumps;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Catalog.Store;

namespace LibraryCluster.Catalog.Import;

/// <summary>
/// Imports LibGen dumps into the catalogue: one thread streams and maps the file while another
/// writes to the store (SQLite or PostgreSQL) in large transactions. Idempotent: a re-import changes nothing, a newer dump
/// updates rows whose modification time moved, and a killed import is finished by running it again.
/// </summary>
public static class CatalogImporter
{
    private const int ChunkSize = 1024;

    private delegate CatalogWrite? TableMapper(DumpRow row, ColumnMap columns);

    /// <summary>Per table: turns a row into the write it needs (null for a row that cannot become one).</summary>
    private static readonly Dictionary<string, TableMapper> Tables = new(StringComparer.Ordinal)
    {
        ["updated"] = (row, c) => Write(LibgenRowMapper.Scitech(row, c)),
        ["fiction"] = (row, c) => Write(LibgenRowMapper.Fiction(row, c)),
        ["scimag"] = (row, c) => Write(LibgenRowMapper.Scimag(row, c)),
        ["description"] = (row, c) => Description(Collection.Scitech, row, c, "md5", "descr"),
        ["fiction_description"] = (row, c) => Description(Collection.Fiction, row, c, "MD5", "Descr"),
        ["hashes"] = (row, c) => Hashes(Collection.Scitech, row, c),
        ["fiction_hashes"] = (row, c) => Hashes(Collection.Fiction, row, c),
        ["topics"] = Topic,
    };

    public static async Task<ImportReport> ImportAsync(
        ICatalogStore store, string path, ImportOptions? options = null, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using var file = DumpFile.Open(path);
        return await ImportAsync(store, file, path, options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Imports an opened dump (a file, or an upload to the node); <paramref name="path"/> names it in the report and in every issue.</summary>
    public static async Task<ImportReport> ImportAsync(
        ICatalogStore store, DumpFile file, string path, ImportOptions? options = null, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new ImportOptions();
        var started = Stopwatch.GetTimestamp();
        var reader = new SqlDumpReader(file.Sql, Path.GetFileName(path), Tables.ContainsKey);
        var reports = new Dictionary<string, TableImportReport>(StringComparer.Ordinal);
        var channel = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });

        using var import = store.BeginImport();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(() => Read(reader, file, reports, channel.Writer, progress, stop.Token), stop.Token);
        var writing = Task.Run(
            async () =>
            {
                try
                {
                    await WriteAll(store, channel.Reader, options, stop.Token).ConfigureAwait(false);
                }
                catch
                {
                    // A reader waiting on a full channel would otherwise wait for ever.
                    await stop.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            },
            stop.Token);
        try
        {
            await Task.WhenAll(reading, writing).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);

            // The failure that started it, not the cancellation it caused on the other side.
            var cause = new[] { reading, writing }.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException);
            if (cause is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            }

            throw;
        }

        foreach (var (table, statistics) in reader.Statistics.Tables.Where(t => t.Value.Wanted && t.Value.BadRows > 0))
        {
            if (!reports.TryGetValue(table, out var report))
            {
                reports[table] = report = new TableImportReport(table);
            }

            report.Bad += statistics.BadRows;
        }

        progress?.Report(new ImportProgress(file.Length, file.Length, reports.Values.Sum(r => r.Rows)));
        return new ImportReport
        {
            File = path,
            Tables = [.. reports.Values.OrderBy(r => r.Table, StringComparer.Ordinal)],
            SkippedTables = reader.Statistics.Tables.Where(t => !t.Value.Wanted).ToDictionary(t => t.Key, t => t.Value.Statements, StringComparer.Ordinal),
            Issues = reader.Issues,
            InvalidUtf8Sequences = reader.Statistics.InvalidUtf8Sequences,
            Bytes = file.Length,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
    }

    /// <summary>The reading thread: parse, map, and hand writes over in chunks.</summary>
    private static async Task Read(
        SqlDumpReader reader, DumpFile file, Dictionary<string, TableImportReport> reports,
        ChannelWriter<Chunk> output, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var maps = new Dictionary<IReadOnlyList<string>, ColumnMap>(ReferenceEqualityComparer.Instance);
        var chunk = new Chunk();
        long rows = 0;
        try
        {
            while (reader.Read())
            {
                var row = reader.Current;
                if (!maps.TryGetValue(row.Columns, out var map))
                {
                    maps[row.Columns] = map = new ColumnMap(row.Columns);
                }

                if (!reports.TryGetValue(row.Table, out var report))
                {
                    reports[row.Table] = report = new TableImportReport(row.Table);
                }

                report.Rows++;
                if (Tables[row.Table](row, map) is { } write)
                {
                    chunk.Add(report, write);
                }
                else
                {
                    report.Bad++;
                }

                if (chunk.Count == ChunkSize)
                {
                    await output.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    chunk = new Chunk();
                }

                if ((++rows & 0x3FFF) == 0)
                {
                    progress?.Report(new ImportProgress(file.Position, file.Length, rows));
                }
            }

            if (chunk.Count > 0)
            {
                await output.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            output.Complete();
        }
        catch (InvalidDataException e)
        {
            // A .gz that breaks off or is corrupt: say where, and that what came before it was imported.
            var located = new CatalogException($"{reader.FileName}:{reader.Line} (byte {reader.Offset:N0} of the SQL): cannot be decompressed ({e.Message}); what was committed before it stays, and an intact copy finishes the import", e);
            output.Complete(located);
            throw located;
        }
        catch (Exception e)
        {
            output.Complete(e);
            throw;
        }
    }

    /// <summary>The writing thread: one transaction per <see cref="ImportOptions.BatchRows"/> rows, each chunk handed to the store at once.</summary>
    private static async Task WriteAll(ICatalogStore store, ChannelReader<Chunk> input, ImportOptions options, CancellationToken cancellationToken)
    {
        var writer = store.BeginWrite();
        var inBatch = 0;
        var changes = new RecordChange[ChunkSize];
        try
        {
            await foreach (var chunk in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                for (var done = 0; done < chunk.Count;)
                {
                    // Up to the end of the chunk or of the transaction, whichever comes first.
                    var count = Math.Min(chunk.Count - done, options.BatchRows - inBatch);
                    writer.Write(chunk.Writes.AsSpan(done, count), changes.AsSpan(0, count));
                    for (var i = 0; i < count; i++)
                    {
                        var report = chunk.Reports[done + i];
                        switch (changes[i])
                        {
                            case RecordChange.Inserted:
                                report.Inserted++;
                                break;
                            case RecordChange.Updated:
                                report.Updated++;
                                break;
                            default:
                                report.Unchanged++;
                                break;
                        }
                    }

                    done += count;
                    inBatch += count;
                    if (inBatch >= options.BatchRows)
                    {
                        writer.Commit();
                        writer.Dispose();
                        cancellationToken.ThrowIfCancellationRequested();
                        writer = store.BeginWrite();
                        inBatch = 0;
                    }
                }
            }

            writer.Commit();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Up to <see cref="ChunkSize"/> writes and the table report each one counts in.</summary>
    private sealed class Chunk
    {
        public CatalogWrite[] Writes { get; } = new CatalogWrite[ChunkSize];

        public TableImportReport[] Reports { get; } = new TableImportReport[ChunkSize];

        public int Count { get; private set; }

        public void Add(TableImportReport report, CatalogWrite write)
        {
            Reports[Count] = report;
            Writes[Count++] = write;
        }
    }

    private static RecordWrite? Write(CatalogRecord? record) => record is null ? null : new RecordWrite(record);

    // Side tables cannot tell an insert from an update cheaply: a change counts as an insert (CatalogWrite.ApplyTo).

    private static DescriptionWrite? Description(Collection collection, DumpRow row, ColumnMap c, string md5Column, string descriptionColumn)
    {
        if (Records.Md5.Normalize(c.Text(row, md5Column)) is not { } md5)
        {
            return null;
        }

        var (description, toc, modified) = (c.Text(row, descriptionColumn), c.Text(row, "toc"), c.Time(row, "TimeLastModified"));
        return new DescriptionWrite(collection, md5, description, toc, modified);
    }

    private static HashesWrite? Hashes(Collection collection, DumpRow row, ColumnMap c)
    {
        if (Records.Md5.Normalize(c.Text(row, "md5")) is not { } md5)
        {
            return null;
        }

        var (crc32, edonkey, aich, sha1, tth, btih, sha256, ipfs) = (
            c.Text(row, "crc32"), c.Text(row, "edonkey"), c.Text(row, "aich"), c.Text(row, "sha1"), c.Text(row, "tth"),
            c.Text(row, "btih").ToLowerInvariant(), c.Text(row, "sha256"), c.Text(row, "ipfs_cid"));
        return new HashesWrite(collection, md5, crc32, edonkey, aich, sha1, tth, btih, sha256, ipfs);
    }

    private static TopicWrite? Topic(DumpRow row, ColumnMap c)
    {
        if (c.Number(row, "topic_id") is not { } id)
        {
            return null;
        }

        var (lang, description, parent) = (c.Text(row, "lang"), c.Text(row, "topic_descr"), c.Number(row, "topic_id_hl"));
        return new TopicWrite(id, lang, description, parent);
    }
}
