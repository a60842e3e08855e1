using System.Buffers;
using Microsoft.Net.Http.Headers;

// dotnet LibraryCluster.Bench.ServeProbe.dll --urls http://127.0.0.1:PORT --root DIR
//   GET /ping             a constant: Kestrel and routing alone
//   GET /file/{**path}    Results.File(DIR/path) with a download name, Last-Modified and ETag: the node's last step alone
//   GET /pread/{**path}   the file read synchronously (pread) straight into Kestrel's response pipe, 64 KiB at a time
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var root = Path.GetFullPath(app.Configuration["root"] ?? throw new ArgumentException("--root DIR is required"));

app.MapGet("/ping", () => "ok");
app.MapGet("/file/{**path}", (string path) =>
{
    var full = Path.GetFullPath(Path.Join(root, path));
    var info = new FileInfo(full);
    return info.Exists
        ? Results.File(full, "application/octet-stream", Path.GetFileName(full) + ".pdf", info.LastWriteTimeUtc, new EntityTagHeaderValue($"\"{Path.GetFileName(full)}\""), enableRangeProcessing: true)
        : Results.NotFound();
});
app.MapGet("/pread/{**path}", async (string path, HttpContext context) =>
{
    var full = Path.GetFullPath(Path.Join(root, path));
    using var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
    var length = RandomAccess.GetLength(handle);
    context.Response.ContentLength = length;
    context.Response.ContentType = "application/octet-stream";
    var writer = context.Response.BodyWriter;
    for (long offset = 0; offset < length;)
    {
        var memory = writer.GetMemory((int)Math.Min(64 * 1024, length - offset));
        var read = RandomAccess.Read(handle, memory.Span, offset);
        if (read == 0)
        {
            break;
        }

        writer.Advance(read);
        offset += read;
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
});
app.Run();
