using Microsoft.Net.Http.Headers;

namespace LibraryCluster.Host.Serving;

/// <summary>
/// A plain GET of a whole file, sent by reading it synchronously straight into the response pipe. Kestrel has
/// no sendfile, and <c>Results.File</c>'s asynchronous reads cost about seven times nginx's CPU per byte
/// (docs/benchmarks.md, "Downloads"); this path costs a third less and keeps up with nginx on large files.
/// Ranges, HEAD and conditional requests still go through <c>Results.File</c>, which implements them.
/// A <paramref name="turn"/> in the <see cref="DownloadQueue"/> is given back once the first chunk is on its way
/// (the request gives it back at its end in any case).
/// </summary>
public sealed class WholeFileResult(string path, long length, string contentType, string downloadName, DateTimeOffset lastModified, EntityTagHeaderValue? etag, Action<string> reportReadError, IDisposable? turn = null) : IResult
{
    private const int ChunkBytes = 64 * 1024;

    // A read that misses the page cache blocks its thread-pool thread; at most this many at once, so that a slow
    // or failing disk slows its own downloads without starving the threads every other request needs.
    private static readonly SemaphoreSlim Readers = new(Math.Max(4, 2 * Environment.ProcessorCount));

    /// <summary>Whether <paramref name="request"/> is one this result answers correctly: a GET with no Range or validators.</summary>
    public static bool Handles(HttpRequest request)
    {
        var headers = request.Headers;
        return HttpMethods.IsGet(request.Method)
            && headers.Range.Count == 0
            && headers.IfMatch.Count == 0 && headers.IfNoneMatch.Count == 0
            && headers.IfModifiedSince.Count == 0 && headers.IfUnmodifiedSince.Count == 0 && headers.IfRange.Count == 0;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var cancel = httpContext.RequestAborted;
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        response.ContentType = contentType;
        response.ContentLength = length;
        var headers = response.GetTypedHeaders();
        headers.LastModified = lastModified;
        headers.ETag = etag;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(downloadName);
        headers.ContentDisposition = disposition;
        response.Headers.AcceptRanges = "bytes";

        var writer = response.BodyWriter;
        for (long offset = 0; offset < length;)
        {
            var buffer = writer.GetMemory((int)Math.Min(ChunkBytes, length - offset));
            int read;
            await Readers.WaitAsync(cancel).ConfigureAwait(false);
            try
            {
                read = RandomAccess.Read(handle, buffer.Span, offset);
            }
            finally
            {
                Readers.Release();
            }

            if (read == 0)
            {
                // Shorter than it verified: the client sees fewer bytes than announced, the replica checks again.
                var detail = $"{path} ended at byte {offset:N0} while being sent, {length:N0} expected";
                reportReadError(detail);
                throw new IOException(detail);
            }

            writer.Advance(read);
            offset += read;
            var flush = await writer.FlushAsync(cancel).ConfigureAwait(false);
            turn?.Dispose();
            if (flush.IsCanceled || flush.IsCompleted)
            {
                return;
            }
        }
    }
}
