using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LibraryCluster.Torrents.Engines.QBittorrent;

/// <summary>Sending requests: login when the daemon asks, and its answers turned into values or clear errors.</summary>
public sealed partial class QBittorrentEngine
{
    /// <summary>Bumped at every login, so that requests refused together log in once, not once each.</summary>
    private int _logins;

    private async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"GET {path}", cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, type, what, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="GetJsonAsync"/>, but null for HTTP 404 (the daemon's "torrent hash was not found").</summary>
    private async Task<T?> GetJsonOrNotFoundAsync<T>(string path, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, type, what, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken).ConfigureAwait(false)
                    ?? throw new TorrentEngineException(EngineErrorKind.Protocol, $"{Description} answered null to {what}");
            }
        }
        catch (JsonException e)
        {
            throw new TorrentEngineException(EngineErrorKind.Protocol, $"{Description} answered JSON we cannot read to {what}: {e.Message}", e);
        }
    }

    private Task<string> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, string what, CancellationToken cancellationToken)
    {
        var list = fields.ToList();
        return PostAsync(path, () => new FormUrlEncodedContent(list), what, cancellationToken);
    }

    /// <summary>Posts and returns the body ("Ok.", "Fails." or JSON), after mapping error statuses.</summary>
    private async Task<string> PostAsync(string path, Func<HttpContent> content, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = content() }, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, what, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a request; on HTTP 403 logs in (once) and sends a fresh copy of it again.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        var logins = Volatile.Read(ref _logins);
        var response = await SendOnceAsync(request(), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Forbidden)
        {
            return response;
        }

        response.Dispose();
        await LoginAsync(logins, cancellationToken).ConfigureAwait(false);
        response = await SendOnceAsync(request(), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            response.Dispose();
            throw new TorrentEngineException(EngineErrorKind.NotAuthorized, $"{Description} refuses us (HTTP 403) even after logging in");
        }

        return response;
    }

    private async Task LoginAsync(int loginsSeen, CancellationToken cancellationToken)
    {
        if (_connection.Username is null || _connection.Password is null)
        {
            throw new TorrentEngineException(EngineErrorKind.NotAuthorized,
                $"{Description} asks for a login (HTTP 403) and none is configured: set Swarm:Username and Swarm:Password, or WebUI\\LocalHostAuth=false in its qBittorrent.conf");
        }

        await _login.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _logins) != loginsSeen)
            {
                return; // another request logged in meanwhile
            }

            var fields = new KeyValuePair<string, string>[] { new("username", _connection.Username), new("password", _connection.Password) };
            using var response = await SendOnceAsync(new HttpRequestMessage(HttpMethod.Post, "auth/login") { Content = new FormUrlEncodedContent(fields) }, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new TorrentEngineException(EngineErrorKind.Banned,
                    $"{Description} has banned this address after too many failed logins ({Quote(body)}): fix Swarm:Username / Swarm:Password, then wait out the ban (WebUI\\BanDuration, an hour by default) or restart the daemon");
            }

            if (!response.IsSuccessStatusCode || !body.StartsWith("Ok.", StringComparison.Ordinal))
            {
                throw new TorrentEngineException(EngineErrorKind.NotAuthorized,
                    $"{Description} refused the login for user \"{_connection.Username}\" ({Quote(body)}): check Swarm:Username and Swarm:Password; after 5 failed logins it bans this address");
            }

            Interlocked.Increment(ref _logins);
        }
        finally
        {
            _login.Release();
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                var why = e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }
                    ? "connection refused: is qbittorrent-nox running, with its WebUI on this port?"
                    : e.Message;
                throw new TorrentEngineException(EngineErrorKind.Unavailable, $"{Description} does not answer ({why})", e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TorrentEngineException(EngineErrorKind.Unavailable, $"{Description} did not answer {request.Method} {request.RequestUri} within {_http.Timeout.TotalSeconds:0} s", e);
            }
        }
    }

    /// <summary>Turns an error status into a message that says what the daemon objected to.</summary>
    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = Quote(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var status = (int)response.StatusCode;
        throw status switch
        {
            415 => new TorrentEngineException(EngineErrorKind.InvalidTorrent, $"{Description} refused to {what}: not a valid torrent file (HTTP 415: {body})"),
            400 or 409 or 404 => new TorrentEngineException(EngineErrorKind.Rejected, $"{Description} refused to {what} (HTTP {status}: {body})"),
            _ => new TorrentEngineException(EngineErrorKind.Protocol, $"{Description} failed to {what} (HTTP {status}: {body})"),
        };
    }

    /// <summary>A daemon's answer, shortened and quoted for a message.</summary>
    private static string Quote(string body)
    {
        var text = body.Trim();
        return text.Length == 0 ? "no text" : $"\"{(text.Length > 200 ? text[..200] + "…" : text)}\"";
    }
}
