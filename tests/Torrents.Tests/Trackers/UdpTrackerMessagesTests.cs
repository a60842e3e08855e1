using System.Buffers.Binary;
using System.Text;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Trackers;

namespace LibraryCluster.Torrents.Tests.Trackers;

public class UdpTrackerMessagesTests
{
    private const string Tracker = "udp://127.0.0.1:6969/announce";

    private static InfoHash Hash(int i) => InfoHash.FromBytes(Enumerable.Range(0, 20).Select(b => (byte)(b + i)).ToArray());

    private static byte[] Packet(params int[] words)
    {
        var packet = new byte[words.Length * 4];
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(i * 4), words[i]);
        }

        return packet;
    }

    private static TrackerException Fails(Action read)
    {
        var error = Assert.Throws<TrackerException>(read);
        Assert.Equal(Tracker, error.Tracker);
        return error;
    }

    [Fact]
    public void A_connect_request_carries_the_protocol_id_action_0_and_the_transaction_id()
    {
        var packet = UdpTrackerMessages.ConnectRequest(0x01020304);

        Assert.Equal(Convert.FromHexString("0000041727101980" + "00000000" + "01020304"), packet);
    }

    [Fact]
    public void A_scrape_request_carries_the_connection_id_action_2_and_each_hash_in_order()
    {
        var packet = UdpTrackerMessages.ScrapeRequest(0x1122334455667788, -5, [Hash(0), Hash(1)]);

        Assert.Equal(16 + 40, packet.Length);
        Assert.Equal(0x1122334455667788, BinaryPrimitives.ReadInt64BigEndian(packet));
        Assert.Equal(2, BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(8)));
        Assert.Equal(-5, BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(12)));
        Assert.Equal(Hash(0).Bytes.ToArray(), packet[16..36]);
        Assert.Equal(Hash(1).Bytes.ToArray(), packet[36..56]);
    }

    [Fact]
    public void A_scrape_request_holds_at_most_74_hashes()
    {
        Assert.Equal(16 + (74 * 20), UdpTrackerMessages.ScrapeRequest(1, 1, Enumerable.Range(0, 74).Select(Hash).ToList()).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => UdpTrackerMessages.ScrapeRequest(1, 1, Enumerable.Range(0, 75).Select(Hash).ToList()));
        Assert.Throws<ArgumentOutOfRangeException>(() => UdpTrackerMessages.ScrapeRequest(1, 1, []));
    }

    [Fact]
    public void Reads_the_connection_id_and_the_counts_in_the_order_asked()
    {
        var connect = Packet(0, 7, 0x11223344, 0x55667788);
        var scrape = Packet(2, 7, 5, 9, 1, 0, 0, 3);

        Assert.Equal(0x1122334455667788, UdpTrackerMessages.ReadConnect(connect, Tracker));
        Assert.Equal([new ScrapeCounts(5, 9, 1), new ScrapeCounts(0, 0, 3)], UdpTrackerMessages.ReadScrape(scrape, 2, Tracker));
        Assert.Equal(7, UdpTrackerMessages.TransactionId(scrape));
    }

    [Fact]
    public void An_error_packet_is_the_trackers_message()
    {
        var packet = Packet(3, 7).Concat(Encoding.UTF8.GetBytes("Connection ID missmatch.\0")).ToArray();

        var error = Fails(() => UdpTrackerMessages.ReadScrape(packet, 1, Tracker));

        Assert.Equal(TrackerProblem.Failure, error.Problem);
        Assert.Equal($"tracker {Tracker}: error: Connection ID missmatch.", error.Message);
    }

    [Fact]
    public void A_packet_shorter_than_the_header_has_no_transaction_id_and_is_malformed()
    {
        Assert.Null(UdpTrackerMessages.TransactionId(new byte[7]));
        var error = Fails(() => UdpTrackerMessages.ReadConnect(new byte[5], Tracker));
        Assert.Equal(TrackerProblem.Malformed, error.Problem);
        Assert.Contains("at byte 5: it ends after 5 bytes, inside the 8-byte header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_connect_reply_is_malformed_at_its_end()
    {
        var error = Fails(() => UdpTrackerMessages.ReadConnect(Packet(0, 7, 1), Tracker));

        Assert.Contains("malformed connect reply at byte 12: it ends after 12 bytes; a connect reply has 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scrape_reply_with_fewer_entries_than_asked_is_malformed_at_its_end()
    {
        var error = Fails(() => UdpTrackerMessages.ReadScrape(Packet(2, 7, 1, 2, 3, 4), 3, Tracker));

        Assert.Equal(TrackerProblem.Malformed, error.Problem);
        Assert.Contains("at byte 24: it ends after 1 of the 3 torrents asked about (24 bytes; 44 expected)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reply_with_another_action_or_a_negative_count_is_malformed()
    {
        Assert.Contains("at byte 0: action 1, expected 2 (scrape)", Fails(() => UdpTrackerMessages.ReadScrape(Packet(1, 7, 0, 0, 0), 1, Tracker)).Message, StringComparison.Ordinal);
        Assert.Contains("at byte 12: a count of -4", Fails(() => UdpTrackerMessages.ReadScrape(Packet(2, 7, 1, -4, 0), 1, Tracker)).Message, StringComparison.Ordinal);
    }
}
