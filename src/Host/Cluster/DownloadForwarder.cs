using LibraryCluster.Actors.Cluster.Transfers;

namespace LibraryCluster.Host.Cluster;

/// <summary>
/// A download this node cannot serve from its own disks, passed through from a peer that holds the file
/// Healthy: the request's Range and validators go to the peer, its status, headers and body come back as they
/// are. Peers are tried in turn until one answers; the forwarded request is marked so it is never forwarded again.
/// </summary>
public sealed class DownloadForwarder(ClusterRuntime cluster)
{
    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(5);
    private static readonly string[] RequestHeaders = ["Range", "If-Range", "If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "Accept"];
    private static readonly string[] ResponseHeaders = ["Content-Type", "Content-Length", "Content-Range", "Content-Disposition", "ETag", "Last-Modified", "Accept-Ranges"];

    /// <summary>Whether this request may be forwarded (it was not forwarded to us already).</summary>
    public static bool MayForward(HttpRequest request) => !request.Headers.ContainsKey(ClusterRuntime.ForwardedHeader);

    /// <summary>Forwards to the first peer that answers; null when none does (the caller says it is not held).</summary>
    public async Task<IResult?> ForwardAsync(HttpContext context, IReadOnlyList<PeerSource> peers)
    {
        foreach (var peer in peers)
        {
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(peer.Endpoint, context.Request.Path.Value!.TrimStart('/') + context.Request.QueryString));
            request.Headers.TryAddWithoutValidation(ClusterRuntime.ForwardedHeader, cluster.Options.NodeId);
            foreach (var name in RequestHeaders)
            {
                if (context.Request.Headers.TryGetValue(name, out var value))
                {
                    request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
                }
            }

            HttpResponseMessage response;
            using (var answer = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
            {
                // A peer that takes the connection but does not answer must not hold this download (and its turn) for long.
                answer.CancelAfter(HeadersTimeout);
                try
                {
                    response = await cluster.Peers.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, answer.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
                {
                    continue;
                }
            }

            if ((int)response.StatusCode is 404 or >= 500)
            {
                // That peer no longer has it intact, or is in trouble: try the next.
                response.Dispose();
                continue;
            }

            return new Forwarded(response, peer.Node);
        }

        return null;
    }

    private sealed class Forwarded(HttpResponseMessage response, string peer) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            using (response)
            {
                var target = httpContext.Response;
                target.StatusCode = (int)response.StatusCode;
                foreach (var name in ResponseHeaders)
                {
                    if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
                    {
                        target.Headers[name] = values.ToArray();
                    }
                }

                target.Headers["X-Served-By"] = peer;
                await using var body = await response.Content.ReadAsStreamAsync(httpContext.RequestAborted).ConfigureAwait(false);
                await body.CopyToAsync(target.Body, httpContext.RequestAborted).ConfigureAwait(false);
            }
        }
    }
}
