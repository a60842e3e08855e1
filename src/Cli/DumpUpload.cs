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

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
            int read;
            while ((read = await _dump.Sql.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
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

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
