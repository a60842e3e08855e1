using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LibraryCluster.Cli.Connection;

/// <summary>
/// The node's admin API over HTTP: the bearer token and the user's name on every request, answers read as the
/// records the node sends, and every failure turned into an <see cref="AdminException"/> with its exit code and
/// the node's own explanation (problem JSON).
/// </summary>
internal sealed class AdminClient : IDisposable
{
    /// <summary>The header the node journals the user's name from (see the node's ClusterAdmin).</summary>
    public const string UserHeader = "X-LibraryCluster-User";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    public AdminClient(Uri node, string? token, string user)
    {
        Node = node;
        HasToken = token is not null;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { BaseAddress = node, Timeout = Timeout.InfiniteTimeSpan };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _http.DefaultRequestHeaders.TryAddWithoutValidation(UserHeader, user);
    }

    public Uri Node { get; }

    public bool HasToken { get; }

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) => SendAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Post, path, body is null ? null : JsonContent.Create(body, options: Terminal.Json), cancellationToken);

    public Task<T> PutJsonAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Put, path, JsonContent.Create(body, options: Terminal.Json), cancellationToken);

    public Task<T> PutAsync<T>(string path, byte[] body, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Put, path, new ByteArrayContent(body), cancellationToken);

    /// <summary>
    /// Posts a body that takes as long as the node takes to read it (a dump it imports as it arrives): no time limit,
    /// Ctrl+C stops it.
    /// </summary>
    public Task<T> PostStreamAsync<T>(string path, HttpContent body, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Post, path, body, cancellationToken, timed: false);

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, bool timed = true)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timed)
        {
            timeout.CancelAfter(RequestTimeout);
        }
        else
        {
            // A long body waits for the node's go-ahead: a refusal (auth, another import running) comes before it is sent.
            request.Headers.ExpectContinue = true;
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new AdminException(ExitCodes.Unreachable, $"cannot reach the node at {Node}: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdminException(ExitCodes.Unreachable, $"the node at {Node} did not answer within {RequestTimeout.TotalSeconds:0} s");
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return await response.Content.ReadFromJsonAsync<T>(Terminal.Json, cancellationToken).ConfigureAwait(false)
                        ?? throw new AdminException(ExitCodes.Failure, $"{method} {path}: the node answered with nothing");
                }
                catch (JsonException e)
                {
                    throw new AdminException(ExitCodes.Failure, $"{method} {path}: the node's answer is not what this libcluster expects ({e.Message}); is it the same version?");
                }
            }

            var (detail, torrents) = await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new AdminException(ExitCodes.NotAuthorized, HasToken
                    ? $"the node at {Node} refused the admin token: check ${ConnectionOptions.TokenVariable} or the context's token"
                    : $"the node at {Node} wants its admin token: set ${ConnectionOptions.TokenVariable}, or save it in a context ('libcluster context add NAME --node URL --token-stdin')"),
                HttpStatusCode.Forbidden => new AdminException(ExitCodes.NotAuthorized, detail ?? $"the node at {Node} refused: admin is disabled there"),
                HttpStatusCode.NotFound => new AdminException(ExitCodes.NotFound, detail ?? $"{path}: not found on the node at {Node} (is it a LibraryCluster node of this version?)"),
                HttpStatusCode.Conflict => new AdminException(ExitCodes.Refused, $"refused: {detail}", torrents),
                HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge => new AdminException(ExitCodes.BadInput, detail ?? "the node found the request malformed"),
                HttpStatusCode.ServiceUnavailable => new AdminException(ExitCodes.Unreachable, detail ?? $"the node at {Node} is not ready"),
                _ => new AdminException(ExitCodes.Failure, $"{method} {path}: the node answered {(int)response.StatusCode} {response.ReasonPhrase}{(detail is null ? string.Empty : $": {detail}")}"),
            };
        }
    }

    /// <summary>The detail (and refused torrents) of an RFC 9457 problem answer, when it is one.</summary>
    private static async Task<(string? Detail, IReadOnlyList<string> Torrents)> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
            var detail = problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var torrents = problem.TryGetProperty("torrents", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList()
                : [];
            return (detail, torrents);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return (null, []);
        }
    }
}
