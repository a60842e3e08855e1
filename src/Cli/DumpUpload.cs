using System.Buffers;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using LibraryCluster.Catalog.Dumps;
using LibraryCluster.Catalog.Import;

namespace LibraryCluster.Cli;

/// <summary>
/// A dump's SQL as the body of a request to a node: gzip-compressed as it is sent (so what crosses the network is
/// about what a published .sql.gz is), never read whole, reporting how far into the file on disk it has got.
/// </summary>
internal sealed class DumpUpload : HttpContent
{
    private const int BufferSize = 1 << 16;

    private readonly DumpFile _dump;
    private readonly IProgress<ImportProgress>? _progress;

    public DumpUpload(DumpFile dump, IProgress<ImportProgress>? progress)
    {
        _dump = dump;
        _progress = progress;
        Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <summary>Why the dump could not be read here (a corrupt .gz), when that is what ended the upload.</summary>
    public Exception? ReadError { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
            while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) is > 0 and var read)
            {
                await gzip.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                _progress?.Report(new ImportProgress(_dump.Position, _dump.Length, 0));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<int> ReadAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _dump.Sql.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            ReadError = e;
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
