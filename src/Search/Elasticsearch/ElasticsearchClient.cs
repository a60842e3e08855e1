using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LibraryCluster.Search.Elasticsearch.Json;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>One retry the client is about to make: which request, the attempt that failed, why, and the wait.</summary>
public sealed record RetryNotice(string Method, string Path, int Attempt, int Status, string Reason, TimeSpan Delay);

/// <summary>
/// A thin typed client for the Elasticsearch 8 REST API on HttpClient and System.Text.Json (source generated).
/// It speaks only the calls LibraryCluster uses: index templates, indices, aliases, refresh, _bulk (NDJSON),
/// _update_by_query, _count, _search and _msearch. Requests answered 429, 502, 503 or 504, or not answered at
/// all, are retried with exponential back-off and jitter (<see cref="ElasticsearchOptions.MaxRetries"/>); any other
/// error becomes an <see cref="ElasticsearchException"/> carrying Elasticsearch's own type and reason.
/// Thread-safe; one per process is enough.
/// </summary>
public sealed partial class ElasticsearchClient : IDisposable
{
    internal const string JsonType = "application/json";
    internal const string NdjsonType = "application/x-ndjson";

    private static readonly MediaTypeHeaderValue JsonContentType = new(JsonType);
    private static readonly MediaTypeHeaderValue NdjsonContentType = new(NdjsonType);

    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    /// <summary>A client for the cluster the options name; <paramref name="handler"/> replaces the default HTTP handler (tests), <paramref name="time"/> the clock for back-off waits.</summary>
    public ElasticsearchClient(ElasticsearchOptions options, HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        var problems = options.Validate(string.Empty);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Elasticsearch settings: {string.Join("; ", problems)}", nameof(options));
        }

        Options = options;
        _time = time ?? TimeProvider.System;
        _http = new HttpClient(handler ?? CreateHandler(options), disposeHandler: true)
        {
            BaseAddress = new Uri(options.Url.EndsWith('/') ? options.Url : options.Url + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonType));
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", options.ApiKey);
        }
        else if (options.UsesBasicAuth)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
        }
    }

    public ElasticsearchOptions Options { get; }

    /// <summary>Raised before each retry (for logs and tests).</summary>
    public event Action<RetryNotice>? Retrying;

    public void Dispose() => _http.Dispose();

    /// <summary>Connection pooling that notices DNS changes, HTTP/1.1 keep-alive, and the configured CA for TLS.</summary>
    private static SocketsHttpHandler CreateHandler(ElasticsearchOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 64,
        };
        if (!string.IsNullOrEmpty(options.CaFile))
        {
            var authority = X509CertificateLoader.LoadCertificateFromFile(options.CaFile);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(authority, certificate, errors),
            };
        }

        return handler;
    }

    /// <summary>A server certificate is trusted when it chains to the configured CA (and names the host, as ever).</summary>
    internal static bool TrustedBy(X509Certificate2 authority, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // The certificate belongs to the TLS stream: only a copy made here is disposed here.
        if (certificate is X509Certificate2 server)
        {
            return chain.Build(server);
        }

        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(copy);
    }

    /// <summary>A request's body: bytes and their content type (JSON or NDJSON).</summary>
    internal readonly record struct Body(ReadOnlyMemory<byte> Bytes, bool Ndjson)
    {
        public static Body Json(ReadOnlyMemory<byte> bytes) => new(bytes, false);

        public static Body Lines(ReadOnlyMemory<byte> bytes) => new(bytes, true);
    }

    /// <summary>An answer: its status and body (empty for HEAD).</summary>
    internal readonly record struct Answer(int Status, byte[] Content);

    /// <summary>
    /// Sends one request, retrying transient failures. <paramref name="timeout"/> bounds each attempt;
    /// <paramref name="deadline"/>, when given, stops retrying once another wait would pass it. Statuses in
    /// <paramref name="accepted"/> (besides 2xx) are returned rather than thrown.
    /// </summary>
    internal Task<Answer> SendAsync(
        HttpMethod method,
        string path,
        Body? body,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        DateTimeOffset? deadline = null,
        bool retryTimeouts = true,
        params int[] accepted) =>
        SendAsync(method, path, body, timeout, static (status, content) => new Answer(status, content.ToArray()), cancellationToken, deadline, retryTimeouts, accepted);

    /// <summary>Reads an answer's body where it lies (a pooled buffer, returned afterwards).</summary>
    internal delegate T BodyReader<out T>(int status, ReadOnlySpan<byte> content);

    /// <summary>As <see cref="SendAsync(HttpMethod, string, Body?, TimeSpan, CancellationToken, DateTimeOffset?, bool, int[])"/>, reading the answer in a pooled buffer: no allocation per answer.</summary>
    internal async Task<T> SendAsync<T>(
        HttpMethod method,
        string path,
        Body? body,
        TimeSpan timeout,
        BodyReader<T> read,
        CancellationToken cancellationToken,
        DateTimeOffset? deadline = null,
        bool retryTimeouts = true,
        params int[] accepted)
    {
        for (var attempt = 1; ; attempt++)
        {
            int status;
            string reason;
            Exception? failure = null;
            using (var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptTimeout.CancelAfter(timeout);
                try
                {
                    using var request = new HttpRequestMessage(method, path);
                    if (body is { } b)
                    {
                        request.Content = new ReadOnlyMemoryContent(b.Bytes);
                        request.Content.Headers.ContentType = b.Ndjson ? NdjsonContentType : JsonContentType;
                    }

                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token).ConfigureAwait(false);
                    var (buffer, length) = await ReadPooledAsync(response.Content, attemptTimeout.Token).ConfigureAwait(false);
                    (string? Type, string Message) error;
                    try
                    {
                        status = (int)response.StatusCode;
                        if (response.IsSuccessStatusCode || accepted.Contains(status))
                        {
                            return read(status, buffer.AsSpan(0, length));
                        }

                        error = Describe(buffer.AsSpan(0, length).ToArray());
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    if (!IsTransient(status))
                    {
                        throw new ElasticsearchException($"Elasticsearch answered {method} /{path} with {status}: {error.Message}", status, error.Type);
                    }

                    reason = $"{status} {error.Message}";
                }
                catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
                {
                    (status, reason, failure) = (0, e.Message, e);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    (status, reason, failure) = (0, $"no answer within {timeout.TotalSeconds:0.###} s", e);
                    if (!retryTimeouts)
                    {
                        throw new ElasticsearchException($"Elasticsearch did not answer {method} /{path} within {timeout.TotalSeconds:0.###} s", 0, null, e);
                    }
                }
            }

            var delay = Backoff(attempt);
            if (attempt > Options.MaxRetries || (deadline is { } d && _time.GetUtcNow() + delay > d))
            {
                var where = failure is null ? $"answered {method} /{path} with {reason}" : $"could not be reached for {method} /{path} ({reason})";
                throw new ElasticsearchException($"Elasticsearch at {Options.Url} {where}, after {attempt} attempts", status, status == 0 ? null : "unavailable", failure);
            }

            Retrying?.Invoke(new RetryNotice(method.Method, path, attempt, status, reason, delay));
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The whole body in a buffer rented from the pool (the caller returns it).</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadPooledAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(content.Headers.ContentLength ?? 16 * 1024, 1024, 64 * 1024 * 1024) + 1);
        var length = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return (buffer, length);
                    }

                    length += read;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Statuses that mean "try again later": too many requests (bulk queue full), and a gateway or node not ready.</summary>
    internal static bool IsTransient(int status) => status is 429 or 502 or 503 or 504;

    /// <summary>Exponential back-off with jitter: the nth wait is between half and all of RetryDelay·2^(n-1), capped.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var full = Math.Min(Options.RetryMaxDelay.TotalMilliseconds, Options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(full * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    /// <summary>Elasticsearch's error type and reason from an error body, or the body's start when it is not one.</summary>
    internal static (string? Type, string Message) Describe(byte[] content)
    {
        try
        {
            var error = JsonSerializer.Deserialize(content, ElasticsearchJsonContext.Default.ErrorResponse);
            if (error?.Error.ValueKind == JsonValueKind.Object)
            {
                var cause = error.Error.Deserialize(ElasticsearchJsonContext.Default.ErrorCause);
                return (cause?.Type, cause?.ToString() ?? error.Error.GetRawText());
            }

            if (error?.Error.ValueKind == JsonValueKind.String)
            {
                return (null, error.Error.GetString()!);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): say what it starts with.
        }

        var text = Encoding.UTF8.GetString(content.AsSpan(0, Math.Min(content.Length, 300))).ReplaceLineEndings(" ");
        return (null, text.Length == 0 ? "(no body)" : text);
    }

    internal static T Read<T>(Answer answer, JsonTypeInfo<T> type, string what) => Read(answer.Status, answer.Content, type, what);

    internal static T Read<T>(int status, ReadOnlySpan<byte> content, JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(content, type) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new ElasticsearchException($"Elasticsearch's answer to {what} is not what Elasticsearch 8 sends: {e.Message}", status, null, e);
        }
    }

    /// <summary>A path segment (index or alias name, or a pattern with '*' and ',') escaped for the URL.</summary>
    internal static string Segment(string name) => Uri.EscapeDataString(name).Replace("%2A", "*", StringComparison.Ordinal).Replace("%2C", ",", StringComparison.Ordinal);
}
