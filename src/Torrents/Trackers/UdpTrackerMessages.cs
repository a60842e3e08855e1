using System.Buffers.Binary;
using System.Text;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Trackers;

/// <summary>
/// The packets of the UDP tracker protocol (BEP 15) that scraping uses, big-endian: connect and scrape requests,
/// and their replies or an error. Readers take a reply that already matched the request's transaction id.
/// </summary>
internal static class UdpTrackerMessages
{
    public const long ProtocolId = 0x41727101980;
    public const int Connect = 0;
    public const int Scrape = 2;
    public const int Error = 3;

    /// <summary>The most hashes one scrape may ask about: BEP 15 sizes the reply to fit a single packet.</summary>
    public const int MaxHashesPerScrape = 74;

    /// <summary>Every reply starts with the action and the transaction id.</summary>
    public const int HeaderSize = 8;

    public static byte[] ConnectRequest(int transactionId)
    {
        var packet = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(packet, ProtocolId);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(8), Connect);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(12), transactionId);
        return packet;
    }

    public static byte[] ScrapeRequest(long connectionId, int transactionId, IReadOnlyList<InfoHash> hashes)
    {
        if (hashes.Count is 0 or > MaxHashesPerScrape)
        {
            throw new ArgumentOutOfRangeException(nameof(hashes), hashes.Count, $"a UDP scrape asks about 1 to {MaxHashesPerScrape} torrents");
        }

        var packet = new byte[16 + (InfoHash.Size * hashes.Count)];
        BinaryPrimitives.WriteInt64BigEndian(packet, connectionId);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(8), Scrape);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(12), transactionId);
        for (var i = 0; i < hashes.Count; i++)
        {
            hashes[i].Bytes.CopyTo(packet.AsSpan(16 + (i * InfoHash.Size)));
        }

        return packet;
    }

    /// <summary>The transaction id of a reply, or null when it is too short to carry one.</summary>
    public static int? TransactionId(ReadOnlySpan<byte> reply) => reply.Length < HeaderSize ? null : BinaryPrimitives.ReadInt32BigEndian(reply[4..]);

    /// <summary>The connection id from a connect reply.</summary>
    public static long ReadConnect(ReadOnlySpan<byte> reply, string tracker)
    {
        ExpectAction(reply, Connect, tracker);
        if (reply.Length < 16)
        {
            throw Malformed(tracker, $"malformed connect reply at byte {reply.Length}: it ends after {reply.Length} bytes; a connect reply has 16");
        }

        return BinaryPrimitives.ReadInt64BigEndian(reply[8..]);
    }

    /// <summary>The counts from a scrape reply, in the order the hashes were asked.</summary>
    public static ScrapeCounts[] ReadScrape(ReadOnlySpan<byte> reply, int requested, string tracker)
    {
        ExpectAction(reply, Scrape, tracker);
        var needed = HeaderSize + (12 * requested);
        if (reply.Length < needed)
        {
            var whole = (reply.Length - HeaderSize) / 12;
            throw Malformed(tracker, $"malformed scrape reply at byte {reply.Length}: it ends after {whole} of the {requested} torrents asked about ({reply.Length} bytes; {needed} expected)");
        }

        var counts = new ScrapeCounts[requested];
        for (var i = 0; i < requested; i++)
        {
            var at = HeaderSize + (12 * i);
            counts[i] = new ScrapeCounts(Count(reply, at, tracker), Count(reply, at + 4, tracker), Count(reply, at + 8, tracker));
        }

        return counts;
    }

    private static int Count(ReadOnlySpan<byte> reply, int at, string tracker)
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(reply[at..]);
        return value >= 0 ? value : throw Malformed(tracker, $"malformed scrape reply at byte {at}: a count of {value}");
    }

    /// <summary>Turns an error packet into the tracker's message; any other unexpected action is a malformed reply.</summary>
    private static void ExpectAction(ReadOnlySpan<byte> reply, int expected, string tracker)
    {
        if (reply.Length < HeaderSize)
        {
            throw Malformed(tracker, $"malformed reply at byte {reply.Length}: it ends after {reply.Length} bytes, inside the 8-byte header");
        }

        var action = BinaryPrimitives.ReadInt32BigEndian(reply);
        if (action == Error)
        {
            var message = Encoding.UTF8.GetString(reply[HeaderSize..]).TrimEnd('\0');
            throw new TrackerException(tracker, TrackerProblem.Failure, $"error: {(message.Length > 0 ? message : "(no message)")}");
        }

        if (action != expected)
        {
            throw Malformed(tracker, $"malformed reply at byte 0: action {action}, expected {expected} ({(expected == Connect ? "connect" : "scrape")})");
        }
    }

    private static TrackerException Malformed(string tracker, string detail) => new(tracker, TrackerProblem.Malformed, detail);
}
