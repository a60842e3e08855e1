using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using LibraryCluster.Host.Api;
using LibraryCluster.Host.Monitoring;
using LibraryCluster.Host.Node;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LibraryCluster.Host.Cluster;

/// <summary>
/// Sends peers the files of this node's replicas with <c>sendfile(2)</c>, straight from the page cache to the
/// socket. Kestrel has no sendfile (its <c>SendFileAsync</c> reads into user memory and writes that to the socket),
/// and healing is bound by CPU on both ends (docs/benchmarks.md, "Healing"); so this Kestrel connection middleware,
/// in front of HTTP on plain-text listeners, answers the requests a peer's <c>PeerFetcher</c> makes itself: a
/// <see cref="PeerFileRequest"/> with the cluster token for a file held intact here, whole or one byte range. It
/// writes the response head and the file's bytes to the connection's socket, then reads the next request.
/// Anything else — another path, a wrong token, a file not held or changed since it was verified, a range past the
/// end, HEAD, a condition, TLS — is left unread to Kestrel together with the rest of the connection, and
/// <see cref="ClusterEndpoints"/> answers it as before.
/// </summary>
public sealed partial class PeerFileSender(IPeerFiles files, NodeDrain drain, NodeMetrics metrics, ILogger<PeerFileSender> logger)
{
    /// <summary>How long a connection may sit idle between requests (Kestrel's keep-alive default).</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(130);

    /// <summary>How long a request head may take to arrive once it has begun (Kestrel's default).</summary>
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Bytes handed to one send of the socket (its count is an int).</summary>
    private const int SendChunk = 1 << 30;

    /// <summary>Puts the sender in front of HTTP on every endpoint Kestrel listens on.</summary>
    public static void Install(ListenOptions listen) =>
        listen.Use(next =>
        {
            var sender = listen.ApplicationServices.GetRequiredService<PeerFileSender>();
            return connection => sender.OnConnectionAsync(connection, next);
        });

    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (files.Token is null || connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket
            || connection.Features.Get<ITlsConnectionFeature>() is not null || connection.Features.Get<ITlsHandshakeFeature>() is not null)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }

        var input = connection.Transport.Input;
        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        while (true)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(closing, connection.ConnectionClosed);
            idle.CancelAfter(KeepAlive);
            (Answer? Answer, bool Closed) read;
            try
            {
                read = await NextRequestAsync(input, idle).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Idle too long, the server is stopping or the peer went away: close.
                return;
            }

            if (read.Closed)
            {
                // The peer closed the connection between requests.
                return;
            }

            if (read.Answer is not { } answer)
            {
                // Not a peer's request we can send: Kestrel answers it, and whatever follows on this connection.
                await next(connection).ConfigureAwait(false);
                return;
            }

            using (answer.File)
            using (drain.InFlightRequest())
            {
                if (!await SendAsync(socket, answer).ConfigureAwait(false) || answer.Request.Close)
                {
                    return;
                }
            }
        }
    }

    /// <summary>What a request asks for, checked: the file opened and its bytes to send.</summary>
    private sealed record Answer(PeerFileRequest Request, PeerFile Servable, FileStream File, long From, long To);

    /// <summary>
    /// Reads the next request head. No answer when it is not one this sender answers: then nothing of it was consumed,
    /// and the reader was not advanced past what earlier reads examined, so Kestrel reads the same bytes at once.
    /// Closed when the peer closed the connection before another request.
    /// </summary>
    private async Task<(Answer? Answer, bool Closed)> NextRequestAsync(PipeReader input, CancellationTokenSource timeout)
    {
        long examined = 0;
        while (true)
        {
            var result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length == 0 && result.IsCompleted)
            {
                input.AdvanceTo(buffer.End);
                return (null, true);
            }

            var verdict = PeerFileRequest.TryRead(buffer, out var request, out var headLength);
            if (verdict == PeerFileRequest.Verdict.Incomplete && !result.IsCompleted && !result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                if (examined == 0)
                {
                    // A head has begun: the rest of it comes soon, or the connection closes.
                    timeout.CancelAfter(HeadTimeout);
                }

                examined = buffer.Length;
                continue;
            }

            if (verdict == PeerFileRequest.Verdict.Complete && Check(request!) is { } answer)
            {
                input.AdvanceTo(buffer.GetPosition(headLength));
                return (answer, false);
            }

            input.AdvanceTo(buffer.Start, buffer.GetPosition(Math.Min(examined, buffer.Length)));
            return (null, false);
        }
    }

    /// <summary>The file to send if the request may have it and it is as it verified; else null (Kestrel answers why not).</summary>
    private Answer? Check(PeerFileRequest request)
    {
        if (request.BearerToken is not { } token || files.Token is not { } expected || !BearerToken.Same(token, expected)
            || files.Find(request.Torrent, request.FileIndex) is not { } servable)
        {
            return null;
        }

        FileStream file;
        try
        {
            // SendPackets wants a stream opened for asynchronous use (on Linux only a flag: the bytes go by sendfile).
            file = new FileStream(servable.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var length = file.Length;
        var (from, to) = (request.RangeFrom ?? 0, Math.Min(request.RangeTo ?? long.MaxValue, length - 1));
        if (length != servable.Length || (request.RangeFrom is not null && from >= length))
        {
            // Changed since it verified (the endpoint reports it and answers 503), or a range it cannot satisfy (416).
            file.Dispose();
            return null;
        }

        return new Answer(request, servable, file, from, to);
    }

    /// <summary>Sends the response head and the file's bytes; false when the connection cannot go on.</summary>
    private async Task<bool> SendAsync(Socket socket, Answer answer)
    {
        var (request, file, from, to) = (answer.Request, answer.File, answer.From, answer.To);
        var count = to - from + 1;
        var partial = request.RangeFrom is not null;
        var head = new StringBuilder(256)
            .Append(partial ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n")
            .Append("Date: ").Append(DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Content-Type: application/octet-stream\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {count}\r\n")
            .Append("Accept-Ranges: bytes\r\n");
        if (partial)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Range: bytes {from}-{to}/{file.Length}\r\n");
        }

        head.Append("X-Content-Type-Options: nosniff\r\n");
        if (request.Close)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        var elements = new List<SendPacketsElement> { new(Encoding.ASCII.GetBytes(head.ToString())) };
        long sent = 0, expected = Encoding.ASCII.GetByteCount(head.ToString());
        for (var offset = from; offset <= to;)
        {
            var chunk = (int)Math.Min(SendChunk, to - offset + 1);
            elements.Add(new SendPacketsElement(file, offset, chunk, endOfPacket: false));
            var (error, bytes) = await SendPacketsAsync(socket, [.. elements]).ConfigureAwait(false);
            sent += bytes;
            expected += chunk;
            elements.Clear();
            offset += chunk;
            if (error != SocketError.Success || sent != expected)
            {
                if (error == SocketError.Success)
                {
                    // The file ended early: the peer sees fewer bytes than announced, the replica checks itself again.
                    var detail = $"{answer.Servable.Path} ended while being sent to a peer ({sent:N0} of {expected:N0} bytes of the response sent)";
                    LogShortSend(logger, detail);
                    files.ReportReadError(request.Torrent, detail);
                }

                metrics.Record(partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK, count);
                return false;
            }
        }

        if (count == 0)
        {
            // An empty file: the head alone.
            var (error, bytes) = await SendPacketsAsync(socket, [.. elements]).ConfigureAwait(false);
            if (error != SocketError.Success || bytes != expected)
            {
                return false;
            }
        }

        metrics.Record(partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK, count);
        return true;
    }

    /// <summary>One SendPackets operation (file parts go out by sendfile on Linux) as a task: its error and the bytes it sent.</summary>
    private static Task<(SocketError Error, long Bytes)> SendPacketsAsync(Socket socket, SendPacketsElement[] elements)
    {
        var args = new SocketAsyncEventArgs { SendPacketsElements = elements };
        var done = new TaskCompletionSource<(SocketError, long)>(TaskCreationOptions.RunContinuationsAsynchronously);
        args.Completed += (_, e) =>
        {
            done.TrySetResult((e.SocketError, e.BytesTransferred));
            e.Dispose();
        };
        try
        {
            if (!socket.SendPacketsAsync(args))
            {
                done.TrySetResult((args.SocketError, args.BytesTransferred));
                args.Dispose();
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException or IOException or ArgumentOutOfRangeException)
        {
            // The connection was closed under it, or the file shrank below the range.
            args.Dispose();
            done.TrySetResult((SocketError.OperationAborted, 0));
        }

        return done.Task;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Detail}")]
    private static partial void LogShortSend(ILogger logger, string detail);
}
