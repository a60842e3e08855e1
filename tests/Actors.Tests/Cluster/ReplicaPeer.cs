using System.Globalization;
using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Torrents.Metainfo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LibraryCluster.Actors.Tests.Cluster;

/// <summary>
/// A peer on 127.0.0.1 answering the node's internal replica endpoint from a directory, as a node does (bearer
/// token, whole files or one byte range), that can be told to misbehave: flip a byte of what it sends, or stop
/// sending after some bytes (the response ends short of what was asked, as when a peer goes away mid-transfer).
/// </summary>
public sealed class ReplicaPeer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _bytesSent;

    private ReplicaPeer(WebApplication app, string node)
    {
        _app = app;
        Node = node;
    }

    public string Node { get; }

    public PeerSource Source => new(Node, new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/"));

    /// <summary>Bytes of file data sent so far.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Offset in the torrent of a byte sent flipped; null sends the truth.</summary>
    public long? CorruptAt { get; set; }

    /// <summary>End responses short once this many bytes of file data were sent in all; null never does.</summary>
    public long? StopAfter { get; set; }

    public static async Task<ReplicaPeer> StartAsync(string node, string token, string torrent, TorrentMetainfo metainfo, string saveDirectory)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var peer = new ReplicaPeer(app, node);
        app.MapGet("/internal/replicas/{name}/files/{index:int}", (string name, int index, HttpContext context) =>
            peer.SendAsync(context, token, name == torrent ? metainfo : null, saveDirectory, index));
        await app.StartAsync();
        return peer;
    }

    private async Task SendAsync(HttpContext context, string token, TorrentMetainfo? metainfo, string saveDirectory, int index)
    {
        if (context.Request.Headers.Authorization != $"Bearer {token}")
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (metainfo is null || index < 0 || index >= metainfo.Files.Count)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var file = metainfo.Files[index];
        var content = await File.ReadAllBytesAsync(Path.Join([saveDirectory, .. file.PathComponents]));
        var (from, to) = (0L, content.Length - 1L);
        if (context.Request.Headers.Range.ToString() is { Length: > 0 } range)
        {
            var bounds = range["bytes=".Length..].Split('-');
            (from, to) = (long.Parse(bounds[0], CultureInfo.InvariantCulture), long.Parse(bounds[1], CultureInfo.InvariantCulture));
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes {from}-{to}/{content.Length}";
        }

        var body = content.AsMemory((int)from, (int)(to - from + 1)).ToArray();
        if (CorruptAt is { } at && at - file.Offset - from is var i && i >= 0 && i < body.Length)
        {
            body[i] ^= 0xFF;
        }

        // Stopping short goes out chunked, so that every byte sent before the stop arrives (an abort could drop them).
        var allowed = StopAfter is { } limit ? (int)Math.Clamp(limit - BytesSent, 0, body.Length) : body.Length;
        if (StopAfter is null)
        {
            context.Response.ContentLength = body.Length;
        }

        await context.Response.Body.WriteAsync(body.AsMemory(0, allowed));
        Interlocked.Add(ref _bytesSent, allowed);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
