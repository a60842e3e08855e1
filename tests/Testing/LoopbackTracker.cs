using System.Buffers.Binary;
using System.Net;
using LibraryCluster.Torrents.Bencode;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Testing;

/// <summary>
/// A tiny HTTP BitTorrent tracker for swarm tests, in this process on 127.0.0.1 (no whitelist, unlike Debian's
/// opentracker): GET /announce registers the asking peer and answers the other peers of that torrent as compact
/// peers. Not the product's tracker code (that lives in src/Torrents/Trackers); it counts announces so that a
/// test can wait for one instead of sleeping.
/// </summary>
public sealed class LoopbackTracker : IAsyncDisposable
{
    private readonly LoopbackHttpListener _listener;
    private readonly Lock _lock = new();
    private readonly Dictionary<InfoHash, Dictionary<IPEndPoint, bool>> _peers = [];
    private readonly Dictionary<InfoHash, int> _announces = [];

    private LoopbackTracker() => _listener = new LoopbackHttpListener(AnswerAsync);

    public int Port => _listener.Port;

    public string AnnounceUrl => $"http://127.0.0.1:{Port}/announce";

    public static LoopbackTracker Start() => new();

    /// <summary>Announces received for a torrent so far.</summary>
    public int Announces(InfoHash torrent)
    {
        lock (_lock)
        {
            return _announces.GetValueOrDefault(torrent);
        }
    }

    /// <summary>Peers registered for a torrent (those that have not said "stopped").</summary>
    public int Peers(InfoHash torrent)
    {
        lock (_lock)
        {
            return _peers.TryGetValue(torrent, out var peers) ? peers.Count : 0;
        }
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        var body = Announce(context.Request);
        response.ContentType = "text/plain";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
    }

    private byte[] Announce(HttpListenerRequest request)
    {
        var query = Query(request.RawUrl ?? string.Empty);
        if (!request.RawUrl!.StartsWith("/announce", StringComparison.Ordinal) || !query.TryGetValue("info_hash", out var raw) || raw.Length != InfoHash.Size
            || !query.TryGetValue("port", out var portBytes) || !int.TryParse(System.Text.Encoding.ASCII.GetString(portBytes), out var port))
        {
            return BencodeEncoder.Encode(new BDictionary { ["failure reason"] = new BString("bad announce") });
        }

        _ = InfoHash.TryParse(Convert.ToHexString(raw), out var hash);
        var peer = new IPEndPoint(request.RemoteEndPoint.Address, port);
        var stopped = query.TryGetValue("event", out var e) && System.Text.Encoding.ASCII.GetString(e) == "stopped";
        var seeding = query.TryGetValue("left", out var left) && System.Text.Encoding.ASCII.GetString(left) == "0";
        byte[] compact;
        int complete, incomplete;
        lock (_lock)
        {
            _announces[hash] = _announces.GetValueOrDefault(hash) + 1;
            if (!_peers.TryGetValue(hash, out var peers))
            {
                peers = [];
                _peers.Add(hash, peers);
            }

            if (stopped)
            {
                peers.Remove(peer);
            }
            else
            {
                peers[peer] = seeding;
            }

            var others = peers.Keys.Where(p => !p.Equals(peer)).ToList();
            compact = new byte[6 * others.Count];
            for (var i = 0; i < others.Count; i++)
            {
                others[i].Address.MapToIPv4().GetAddressBytes().CopyTo(compact, 6 * i);
                BinaryPrimitives.WriteUInt16BigEndian(compact.AsSpan(6 * i + 4), (ushort)others[i].Port);
            }

            complete = peers.Values.Count(s => s);
            incomplete = peers.Count - complete;
        }

        return BencodeEncoder.Encode(new BDictionary
        {
            ["interval"] = new BInteger(1800),
            ["complete"] = new BInteger(complete),
            ["incomplete"] = new BInteger(incomplete),
            ["peers"] = new BString(compact),
        });
    }

    /// <summary>The query's values as raw bytes: info_hash is percent-encoded binary, not text.</summary>
    private static Dictionary<string, byte[]> Query(string rawUrl)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var at = rawUrl.IndexOf('?', StringComparison.Ordinal);
        if (at < 0)
        {
            return result;
        }

        foreach (var pair in rawUrl[(at + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            result[parts[0]] = WebUtility.UrlDecodeToBytes(System.Text.Encoding.ASCII.GetBytes(parts.Length > 1 ? parts[1] : string.Empty), 0, parts.Length > 1 ? parts[1].Length : 0);
        }

        return result;
    }
}
