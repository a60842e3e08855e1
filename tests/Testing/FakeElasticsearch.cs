using System.Collections.Concurrent;
using System.Net;
using System.Text;
namespace LibraryCluster.Testing;

/// <summary>A request the fake server received: method, path with query, headers that matter, body.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, string? ContentType, string? Authorization, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>A canned answer: status and JSON body.</summary>
public sealed record CannedResponse(int Status, string Body);

/// <summary>
/// An HTTP server on 127.0.0.1 that stands in for Elasticsearch in tests: it records every request and answers
/// each from <see cref="Respond"/> (by default, from a queue of canned answers, or 404 when it is empty). Not
/// Elasticsearch: what it answers is what a test put there, in Elasticsearch 8's format (tests/Search.Tests/Elasticsearch/Responses/ holds recorded ones).
/// </summary>
public sealed class FakeElasticsearch : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<CannedResponse> _queue = new();

    public FakeElasticsearch()
    {
        Port = LoopbackPorts.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        Respond = _ => _queue.TryDequeue(out var canned) ? canned : new CannedResponse(404, """{"error":{"type":"fake_exception","reason":"no canned answer left"},"status":404}""");
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>How each request is answered; replace it for answers that depend on the request.</summary>
    public Func<RecordedRequest, CannedResponse> Respond { get; set; }

    public FakeElasticsearch Enqueue(int status, string body)
    {
        _queue.Enqueue(new CannedResponse(status, body));
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
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

            _ = Task.Run(async () =>
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var request = new RecordedRequest(context.Request.HttpMethod, context.Request.RawUrl ?? "/", context.Request.ContentType, context.Request.Headers["Authorization"], body.ToArray());
                Requests.Enqueue(request);
                var answer = Respond(request);
                var bytes = Encoding.UTF8.GetBytes(answer.Body);
                context.Response.StatusCode = answer.Status;
                context.Response.ContentType = "application/json";
                context.Response.Headers["X-elastic-product"] = "Elasticsearch";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            });
        }
    }
}
