using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LibraryCluster.Torrents.Tests.Trackers;

/// <summary>
/// An HTTP peer on 127.0.0.1 that answers each request with the bytes the test scripts (or never answers, when the
/// script returns null): status errors, malformed bodies and silence. Records each request's target.
/// </summary>
internal sealed class ScriptedHttpTracker : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public ScriptedHttpTracker(Func<string, byte[]?> answer)
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client, answer));
            }
        });
    }

    public string AnnounceUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/announce";

    public ConcurrentQueue<string> Requests { get; } = new();

    public static byte[] Response(string status, byte[] body) =>
        [.. Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), .. body];

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task ServeAsync(TcpClient client, Func<string, byte[]?> answer)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    head.Append(Encoding.Latin1.GetString(buffer, 0, read));
                }

                var target = head.ToString().Split(' ')[1];
                Requests.Enqueue(target);
                if (answer(target) is { } reply)
                {
                    await stream.WriteAsync(reply, _stop.Token);
                }
                else
                {
                    // Silence: hold the connection open until the test ends.
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The client gave up or the test ended.
            }
        }
    }
}
