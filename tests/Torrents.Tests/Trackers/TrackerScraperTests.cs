using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Trackers;

namespace LibraryCluster.Torrents.Tests.Trackers;

/// <summary>The scraper against misbehaving trackers on loopback: what a real tracker cannot be made to do.</summary>
public class TrackerScraperTests
{
    // Short waits for the tests about silence and resends; trackers that do answer get ample time, so that a slow
    // reply on a busy machine never turns into a resend the assertions do not expect.
    private static readonly ScrapeOptions Quick = new() { UdpTimeout = TimeSpan.FromMilliseconds(50), UdpRetransmissions = 1, HttpTimeout = TimeSpan.FromMilliseconds(200) };
    private static readonly ScrapeOptions Answered = Quick with { UdpTimeout = TimeSpan.FromSeconds(5), HttpTimeout = TimeSpan.FromSeconds(10) };

    private static InfoHash Hash(int i) => InfoHash.FromBytes(Enumerable.Range(0, 20).Select(b => (byte)(b == 0 ? i : i >> 8)).ToArray());

    private static List<InfoHash> Hashes(int count) => Enumerable.Range(1, count).Select(Hash).ToList();

    private static byte[] Words(int action, int transactionId, params int[] rest)
    {
        var packet = new byte[8 + (rest.Length * 4)];
        BinaryPrimitives.WriteInt32BigEndian(packet, action);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), transactionId);
        for (var i = 0; i < rest.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(8 + (i * 4)), rest[i]);
        }

        return packet;
    }

    private static int Action(byte[] request) => BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(8));

    private static int Transaction(byte[] request) => BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(12));

    /// <summary>A well-behaved BEP 15 tracker: the counts of a torrent are (first byte, 0, 1).</summary>
    private static IEnumerable<byte[]> Proper(byte[] request)
    {
        if (Action(request) == 0)
        {
            return [Words(0, Transaction(request), 0x0A0B0C0D, 0x01020304)];
        }

        var hashes = (request.Length - 16) / 20;
        return [Words(2, Transaction(request), [.. Enumerable.Range(0, hashes).SelectMany(i => new[] { (int)request[16 + (i * 20)], 0, 1 })])];
    }

    [Fact]
    public async Task Udp_scrapes_go_in_batches_of_74_on_one_connection_id()
    {
        using var tracker = new ScriptedUdpTracker(Proper);
        using var scraper = new TrackerScraper(Answered);
        var hashes = Hashes(150);

        var report = await scraper.ScrapeAsync(tracker.AnnounceUrl, hashes);

        Assert.True(report.Error is null, report.Error?.Message);
        Assert.Empty(report.NotScraped);
        Assert.Equal(hashes.Select(h => new ScrapeCounts(h.Bytes[0], 0, 1)), hashes.Select(h => report.Counts[h]));
        var packets = tracker.Received.ToList();
        Assert.Equal([0, 2, 2, 2], packets.Select(Action));
        Assert.Equal([74, 74, 2], packets.Skip(1).Select(p => (p.Length - 16) / 20));
        Assert.All(packets.Skip(1), p => Assert.Equal(0x0A0B0C0D01020304, BinaryPrimitives.ReadInt64BigEndian(p)));
    }

    [Fact]
    public async Task Replies_with_another_transaction_id_are_ignored_and_the_request_is_sent_again_until_the_tries_run_out()
    {
        using var tracker = new ScriptedUdpTracker(request => [Words(0, Transaction(request) + 1, 1, 2)]);
        using var scraper = new TrackerScraper(Quick);

        var report = await scraper.ScrapeAsync(tracker.AnnounceUrl, Hashes(3));

        Assert.Equal(TrackerProblem.Timeout, report.Error!.Problem);
        Assert.Equal($"tracker {tracker.AnnounceUrl}: no reply to connect after 2 tries (waited 0.05 s + 0.1 s); ignored 2 replies with another transaction id", report.Error.Message);
        Assert.Equal(3, report.NotScraped.Count);
        Assert.Empty(report.Counts);
        var sent = tracker.Received.ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal(sent[0], sent[1]);
    }

    [Fact]
    public async Task A_silent_tracker_times_out_after_the_configured_retransmissions()
    {
        using var tracker = new ScriptedUdpTracker(_ => []);
        using var scraper = new TrackerScraper(Quick with { UdpRetransmissions = 2 });

        var report = await scraper.ScrapeAsync(tracker.AnnounceUrl, Hashes(1));

        Assert.Equal(TrackerProblem.Timeout, report.Error!.Problem);
        Assert.EndsWith("no reply to connect after 3 tries (waited 0.05 s + 0.1 s + 0.2 s)", report.Error.Message, StringComparison.Ordinal);
        Assert.Equal(3, tracker.Received.Count);
    }

    [Fact]
    public async Task An_error_packet_is_reported_with_the_trackers_message()
    {
        using var tracker = new ScriptedUdpTracker(request => [[.. Words(3, Transaction(request)), .. Encoding.UTF8.GetBytes("Connection ID missmatch.")]]);
        using var scraper = new TrackerScraper(Answered);

        var report = await scraper.ScrapeAsync(tracker.AnnounceUrl, Hashes(1));

        Assert.Equal(TrackerProblem.Failure, report.Error!.Problem);
        Assert.Equal($"tracker {tracker.AnnounceUrl}: error: Connection ID missmatch.", report.Error.Message);
    }

    [Fact]
    public async Task A_packet_too_short_for_a_header_is_malformed()
    {
        using var tracker = new ScriptedUdpTracker(_ => [[0, 0, 0]]);
        using var scraper = new TrackerScraper(Answered);

        var report = await scraper.ScrapeAsync(tracker.AnnounceUrl, Hashes(1));

        Assert.Equal(TrackerProblem.Malformed, report.Error!.Problem);
        Assert.EndsWith("malformed reply to connect at byte 3: a packet of 3 bytes, shorter than the 8-byte header", report.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_batch_keeps_the_counts_of_the_batches_before_it()
    {
        var scrapes = 0;
        using var tracker = new ScriptedUdpTracker(request => Action(request) == 2 && Interlocked.Increment(ref scrapes) == 2
            ? [[.. Words(3, Transaction(request)), .. Encoding.UTF8.GetBytes("too busy")]]
            : Proper(request));
        using var scraper = new TrackerScraper(Answered);
        var hashes = Hashes(100);

        var report = await scraper.ScrapeAsync(tracker.AnnounceUrl, hashes);

        Assert.Equal(hashes.Take(74).ToHashSet(), report.Counts.Keys.ToHashSet());
        Assert.Equal(hashes.Skip(74), report.NotScraped);
        Assert.Equal(TrackerProblem.Failure, report.Error!.Problem);
    }

    [Fact]
    public async Task A_refused_udp_port_is_reported_as_refused()
    {
        int port;
        using (var closed = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            port = ((IPEndPoint)closed.Client.LocalEndPoint!).Port;
        }

        using var scraper = new TrackerScraper(Quick with { UdpTimeout = TimeSpan.FromSeconds(5) });

        var report = await scraper.ScrapeAsync($"udp://127.0.0.1:{port}/announce", Hashes(1));

        Assert.Equal(TrackerProblem.Unreachable, report.Error!.Problem);
        Assert.EndsWith("connect refused (nothing listens on that port)", report.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_scrapes_go_in_batches_with_info_hash_repeated()
    {
        var entry = "d8:completei2e10:downloadedi7e10:incompletei1ee";
        using var tracker = new ScriptedHttpTracker(_ => ScriptedHttpTracker.Response("200 OK", Encoding.Latin1.GetBytes($"d5:filesd20:{Encoding.Latin1.GetString(Hash(1).Bytes)}{entry}ee")));
        using var scraper = new TrackerScraper(Answered);
        var hashes = Hashes(150);

        var report = await scraper.ScrapeAsync(tracker.AnnounceUrl, hashes);

        Assert.True(report.Error is null, report.Error?.Message);
        Assert.Equal(new ScrapeCounts(2, 7, 1), report.Counts[Hash(1)]);
        Assert.Equal(default, report.Counts[Hash(2)]);
        var requests = tracker.Requests.ToList();
        Assert.Equal([64, 64, 22], requests.Select(r => r.Split("info_hash=").Length - 1));
        Assert.StartsWith("/scrape?info_hash=%01%00%00", requests[0], StringComparison.Ordinal);
        Assert.StartsWith("/scrape?info_hash=A%00%00", requests[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("404 Not Found", "", TrackerProblem.Unreachable, "HTTP 404 Not Found from http://127.0.0.1:")]
    [InlineData("200 OK", "d14:failure reason7:go awaye", TrackerProblem.Failure, "failure reason: go away")]
    [InlineData("200 OK", "d5:filesd", TrackerProblem.Malformed, "malformed reply: bencode error at byte 9")]
    public async Task An_http_tracker_error_says_what_went_wrong(string status, string body, TrackerProblem problem, string expected)
    {
        using var tracker = new ScriptedHttpTracker(_ => ScriptedHttpTracker.Response(status, Encoding.Latin1.GetBytes(body)));
        using var scraper = new TrackerScraper(Answered);

        var report = await scraper.ScrapeAsync(tracker.AnnounceUrl, Hashes(2));

        Assert.Equal(problem, report.Error!.Problem);
        Assert.Contains(expected, report.Error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"tracker {tracker.AnnounceUrl}: ", report.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_http_tracker_times_out()
    {
        using var tracker = new ScriptedHttpTracker(_ => null);
        using var scraper = new TrackerScraper(Quick);

        var report = await scraper.ScrapeAsync(tracker.AnnounceUrl, Hashes(1));

        Assert.Equal(TrackerProblem.Timeout, report.Error!.Problem);
        Assert.Contains("no complete reply from http://127.0.0.1:", report.Error.Message, StringComparison.Ordinal);
        Assert.EndsWith("/scrape within 0.2 s", report.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_tracker_is_left_alone_until_its_back_off_ends()
    {
        var clock = new ManualTimeProvider();
        int port;
        using (var closed = new TcpListener(IPAddress.Loopback, 0))
        {
            closed.Start();
            port = ((IPEndPoint)closed.LocalEndpoint).Port;
        }

        var url = $"http://127.0.0.1:{port}/announce";
        using var scraper = new TrackerScraper(Quick with { BackoffInitial = TimeSpan.FromMinutes(1) }, clock);

        var first = await scraper.ScrapeAsync(url, Hashes(1));
        var second = await scraper.ScrapeAsync(url, Hashes(1));
        clock.Advance(TimeSpan.FromMinutes(1));
        var third = await scraper.ScrapeAsync(url, Hashes(1));

        Assert.Equal(TrackerProblem.Unreachable, first.Error!.Problem);
        Assert.Contains("connection refused", first.Error.Message, StringComparison.Ordinal);
        Assert.Equal(TrackerProblem.BackingOff, second.Error!.Problem);
        Assert.Contains($"not asked until {clock.GetUtcNow():u} after 1 failure in a row (last: connection refused", second.Error.Message, StringComparison.Ordinal);
        Assert.Equal(TrackerProblem.Unreachable, third.Error!.Problem);
    }

    [Fact]
    public async Task A_tracker_that_cannot_be_scraped_is_reported_without_a_request()
    {
        using var scraper = new TrackerScraper(Quick);

        var report = await scraper.ScrapeAsync("http://127.0.0.1:1/tracker.php", Hashes(2));

        Assert.Equal(TrackerProblem.Unsupported, report.Error!.Problem);
        Assert.Equal(2, report.NotScraped.Count);
    }
}
