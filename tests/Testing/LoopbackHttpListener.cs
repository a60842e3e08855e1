using System.Net;

namespace LibraryCluster.Testing;

/// <summary>
/// An <see cref="HttpListener"/> on a free port of 127.0.0.1 handing each request to <c>handle</c> (one at a
/// time, or at once in the background when <c>concurrent</c>), stopped cleanly on dispose: the shared part of
/// the tests' small stand-in HTTP servers.
/// </summary>
public sealed class LoopbackHttpListener : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handle;
    private readonly bool _concurrent;
    private readonly Task _loop;

    public LoopbackHttpListener(Func<HttpListenerContext, Task> handle, bool concurrent = false)
    {
        _handle = handle;
        _concurrent = concurrent;
        Port = LoopbackPorts.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // Stopping the listener ends the loop this way.
        }

        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            if (_concurrent)
            {
                _ = Task.Run(() => _handle(context));
            }
            else
            {
                await _handle(context);
            }
        }
    }
}
