using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Trackers;

/// <summary>
/// A UDP tracker conversation (BEP 15) for one tracker: connect for a connection id (reused for up to a minute),
/// then one scrape packet per batch. Every request is sent again after <c>UdpTimeout × 2^n</c> without a reply;
/// replies carrying another transaction id (late answers to an earlier try) are ignored.
/// </summary>
internal sealed class UdpScraper : IDisposable
{
    /// <summary>BEP 15: a client may use a connection id for one minute after receiving it.</summary>
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(1);

    private readonly string _tracker;
    private readonly Uri _url;
    private readonly ScrapeOptions _options;
    private readonly TimeProvider _time;
    private readonly byte[] _buffer = new byte[2048];
    private Socket? _socket;
    private (long Id, DateTimeOffset Received)? _connection;

    public UdpScraper(string tracker, Uri url, ScrapeOptions options, TimeProvider time)
    {
        _tracker = tracker;
        _url = url;
        _options = options;
        _time = time;
    }

    public async Task<ScrapeCounts[]> ScrapeAsync(IReadOnlyList<InfoHash> hashes, CancellationToken cancellationToken)
    {
        var socket = _socket ??= await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (_connection is not { } connection || _time.GetUtcNow() - connection.Received >= ConnectionLifetime)
        {
            var reply = await ExchangeAsync(socket, UdpTrackerMessages.ConnectRequest, "connect", cancellationToken).ConfigureAwait(false);
            connection = (UdpTrackerMessages.ReadConnect(reply, _tracker), _time.GetUtcNow());
            _connection = connection;
        }

        var id = connection.Id;
        var scrape = await ExchangeAsync(socket, tx => UdpTrackerMessages.ScrapeRequest(id, tx, hashes), $"scrape of {hashes.Count} torrents", cancellationToken).ConfigureAwait(false);
        return UdpTrackerMessages.ReadScrape(scrape, hashes.Count, _tracker);
    }

    public void Dispose() => _socket?.Dispose();

    private async Task<Socket> OpenAsync(CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(_url.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(_url.DnsSafeHost, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new TrackerException(_tracker, TrackerProblem.Unreachable, $"host {_url.Host} not found ({e.SocketErrorCode})", e);
        }

        var address = addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault()
            ?? throw new TrackerException(_tracker, TrackerProblem.Unreachable, $"host {_url.Host} has no address");
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Connected: only the tracker's replies arrive, and a refusal (ICMP port unreachable) is reported.
            await socket.ConnectAsync(new IPEndPoint(address, _url.Port), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new TrackerException(_tracker, TrackerProblem.Unreachable, $"cannot reach {address}:{_url.Port} ({e.SocketErrorCode})", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<byte[]> ExchangeAsync(Socket socket, Func<int, byte[]> request, string what, CancellationToken cancellationToken)
    {
        var transactionId = RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
        var packet = request(transactionId);
        var ignored = 0;
        var waits = new List<TimeSpan>();
        for (var attempt = 0; attempt <= _options.UdpRetransmissions; attempt++)
        {
            var wait = _options.UdpTimeout * Math.Pow(2, attempt);
            waits.Add(wait);
            using var timer = new CancellationTokenSource(wait, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            try
            {
                await socket.SendAsync(packet, SocketFlags.None, linked.Token).ConfigureAwait(false);
                while (true)
                {
                    var length = await socket.ReceiveAsync(_buffer, SocketFlags.None, linked.Token).ConfigureAwait(false);
                    var reply = _buffer.AsSpan(0, length);
                    var replyId = UdpTrackerMessages.TransactionId(reply);
                    if (replyId is null)
                    {
                        throw new TrackerException(_tracker, TrackerProblem.Malformed, $"malformed reply to {what} at byte {length}: a packet of {length} bytes, shorter than the 8-byte header");
                    }

                    if (replyId == transactionId)
                    {
                        return reply.ToArray();
                    }

                    ignored++;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // No reply in time: send again with a doubled wait.
            }
            catch (SocketException e)
            {
                var why = e.SocketErrorCode == SocketError.ConnectionRefused ? "refused (nothing listens on that port)" : $"network error {e.SocketErrorCode}";
                throw new TrackerException(_tracker, TrackerProblem.Unreachable, $"{what} {why}", e);
            }
        }

        var note = ignored > 0 ? $"; ignored {ignored} replies with another transaction id" : string.Empty;
        throw new TrackerException(_tracker, TrackerProblem.Timeout,
            $"no reply to {what} after {waits.Count} tries (waited {string.Join(" + ", waits.Select(w => $"{w.TotalSeconds:0.###} s"))}){note}");
    }
}
