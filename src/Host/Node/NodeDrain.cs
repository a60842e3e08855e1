using System.Globalization;
using System.Net;

namespace LibraryCluster.Host.Node;

/// <summary>
/// Draining before a planned stop (Kubernetes runs it as the pod's preStop hook): <c>POST /drain</c> makes
/// <c>/readyz</c> answer 503 "draining" at once, waits <c>delay</c> seconds so that Services, ingresses and load
/// balancers stop sending new requests, then waits until no request is in flight (downloads, forwarded
/// downloads, peers copying through /internal) or <c>timeout</c> seconds have passed, and answers. The process
/// keeps serving meanwhile; SIGTERM, which follows, stops it. Draining is not leaving the cluster: the node's
/// copies stay where they are and count, and peers see it Down once its heartbeats stop (a restart moves
/// nothing). Only a caller on this host may drain it (the request must come from a loopback address).
/// </summary>
public sealed partial class NodeDrain(ILogger<NodeDrain> logger, TimeProvider? time = null)
{
    public const string Route = "/drain";

    /// <summary>The longest delay and timeout one drain takes (one hour).</summary>
    public const int MaxSeconds = 3600;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private int _inFlight;
    private volatile bool _draining;

    public bool Draining => _draining;

    /// <summary>Requests being answered now, other than probes, metrics and drains.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Middleware: counts every request but the probes', the scraper's and the drain call itself.</summary>
    public async Task TrackAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.Value is "/healthz" or "/readyz" or "/metrics" or Route)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        using (InFlightRequest())
        {
            await next(context).ConfigureAwait(false);
        }
    }

    /// <summary>Counts one request in flight until disposed: for requests answered outside the HTTP pipeline (peers' sendfile copies).</summary>
    public IDisposable InFlightRequest()
    {
        Interlocked.Increment(ref _inFlight);
        return new Request(this);
    }

    private sealed class Request(NodeDrain drain) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Interlocked.Decrement(ref drain._inFlight);
            }
        }
    }

    /// <summary>Marks the node draining, waits <paramref name="delay"/>, then until nothing is in flight or <paramref name="timeout"/> passed; true when nothing is.</summary>
    public async Task<bool> DrainAsync(TimeSpan delay, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_draining)
        {
            _draining = true;
            LogDraining(logger, delay.TotalSeconds, timeout.TotalSeconds, InFlight);
        }

        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        var giveUp = _time.GetUtcNow() + timeout;
        while (InFlight > 0 && _time.GetUtcNow() < giveUp)
        {
            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }

        var left = InFlight;
        LogDrained(logger, left);
        return left == 0;
    }

    /// <summary>Whether a drain request may come from this address: only from this host.</summary>
    public static bool MayDrain(IPAddress? remote) => remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    /// <summary>
    /// <c>LibraryCluster.Host drain [URL] [--delay S] [--timeout S]</c>: asks the node at URL (default
    /// http://127.0.0.1:8080/) to drain and waits for its answer. Exit 0 when drained, 1 when requests were still
    /// in flight at the timeout, 2 on bad arguments, 3 when the node did not answer.
    /// </summary>
    public static async Task<int> RunClientAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var node = new Uri("http://127.0.0.1:8080/");
        int delay = 5, timeout = 60;
        for (var i = 0; i < args.Count; i++)
        {
            var ok = args[i] switch
            {
                "--delay" when i + 1 < args.Count => TryParseSeconds(args[++i], out delay),
                "--timeout" when i + 1 < args.Count => TryParseSeconds(args[++i], out timeout),
                var url when !url.StartsWith("--", StringComparison.Ordinal) && Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" => Set(out node, parsed),
                _ => false,
            };
            if (!ok)
            {
                await error.WriteLineAsync($"librarycluster drain: bad argument \"{args[i]}\"; usage: drain [http://127.0.0.1:8080/] [--delay SECONDS] [--timeout SECONDS] (0-{MaxSeconds})").ConfigureAwait(false);
                return 2;
            }
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(delay + timeout + 30) };
        var target = new Uri(node, string.Create(CultureInfo.InvariantCulture, $"{Route}?delay={delay}&timeout={timeout}"));
        try
        {
            using var response = await client.PostAsync(target, content: null).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            await output.WriteAsync(text).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? 0 : response.StatusCode == HttpStatusCode.GatewayTimeout ? 1 : 3;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"librarycluster drain: {target} did not answer: {e.Message}").ConfigureAwait(false);
            return 3;
        }

        static bool Set(out Uri node, Uri value)
        {
            node = value.AbsolutePath.EndsWith('/') ? value : new Uri(value + "/");
            return true;
        }
    }

    private static bool TryParseSeconds(string text, out int seconds) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) && seconds <= MaxSeconds;

    [LoggerMessage(2020, LogLevel.Information, "draining: /readyz answers 503 from now on; waiting {Delay} s for new requests to stop, then up to {Timeout} s for the {InFlight} in flight")]
    private static partial void LogDraining(ILogger logger, double delay, double timeout, int inFlight);

    [LoggerMessage(2021, LogLevel.Information, "drained: {InFlight} requests still in flight; the node stops at SIGTERM")]
    private static partial void LogDrained(ILogger logger, int inFlight);
}

/// <summary>Maps <c>POST /drain?delay=S&amp;timeout=S</c>.</summary>
public static class DrainEndpoint
{
    public static void MapDrainEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost(NodeDrain.Route, async (HttpContext context, NodeDrain drain, int? delay, int? timeout) =>
        {
            if (!NodeDrain.MayDrain(context.Connection.RemoteIpAddress))
            {
                return Results.Problem("only a caller on this host may drain the node", statusCode: StatusCodes.Status403Forbidden);
            }

            if (delay is < 0 or > NodeDrain.MaxSeconds || timeout is < 0 or > NodeDrain.MaxSeconds)
            {
                return Results.Problem($"delay and timeout are seconds from 0 to {NodeDrain.MaxSeconds}", statusCode: StatusCodes.Status400BadRequest);
            }

            var drained = await drain.DrainAsync(TimeSpan.FromSeconds(delay ?? 5), TimeSpan.FromSeconds(timeout ?? 60), context.RequestAborted).ConfigureAwait(false);
            return drained
                ? Results.Text("drained: no request in flight\n")
                : Results.Text($"drain timed out: {drain.InFlight} requests still in flight\n", statusCode: StatusCodes.Status504GatewayTimeout);
        }).ExcludeFromDescription();
}
