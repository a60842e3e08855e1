using System.Text;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Trackers;

namespace LibraryCluster.Torrents.Tests.Trackers;

public class HttpScrapeReplyTests
{
    private const string Tracker = "http://127.0.0.1:6969/announce";
    private static readonly InfoHash A = Hash(0x01);
    private static readonly InfoHash B = Hash(0x02);

    private static InfoHash Hash(byte fill) => InfoHash.FromBytes(Enumerable.Repeat(fill, 20).ToArray());

    private static byte[] Reply(string before, params (InfoHash Hash, string Entry)[] files)
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.Latin1.GetBytes(before + "d5:filesd"));
        foreach (var (hash, entry) in files)
        {
            bytes.AddRange(Encoding.Latin1.GetBytes("20:"));
            bytes.AddRange(hash.Bytes.ToArray());
            bytes.AddRange(Encoding.Latin1.GetBytes(entry));
        }

        bytes.AddRange(Encoding.Latin1.GetBytes("ee"));
        return [.. bytes];
    }

    private static TrackerException Fails(byte[] body, params InfoHash[] requested)
    {
        var error = Assert.Throws<TrackerException>(() => HttpScrapeReply.Parse(body, Tracker, requested));
        Assert.Equal(Tracker, error.Tracker);
        return error;
    }

    [Fact]
    public void Reads_an_opentracker_reply()
    {
        // The shape opentracker 0.0~git20210823 answers a scrape of two torrents with: its files are not sorted by key.
        var body = Reply("", (B, "d8:completei0e10:downloadedi0e10:incompletei2ee"), (A, "d8:completei3e10:downloadedi1e10:incompletei1ee"));

        var counts = HttpScrapeReply.Parse(body, Tracker, [A, B]);

        Assert.Equal(new ScrapeCounts(3, 1, 1), counts[A]);
        Assert.Equal(new ScrapeCounts(0, 0, 2), counts[B]);
    }

    [Fact]
    public void A_requested_torrent_the_tracker_does_not_list_has_zero_counts_and_unrequested_entries_are_ignored()
    {
        var counts = HttpScrapeReply.Parse(Reply("", (B, "d8:completei5e10:downloadedi0e10:incompletei0ee")), Tracker, [A]);

        Assert.Equal(new Dictionary<InfoHash, ScrapeCounts> { [A] = default }, counts);
    }

    [Fact]
    public void A_failure_reason_is_the_message()
    {
        var error = Fails(Encoding.Latin1.GetBytes("d14:failure reason63:Requested download is not authorized for use with this tracker.e"), A);

        Assert.Equal(TrackerProblem.Failure, error.Problem);
        Assert.Equal($"tracker {Tracker}: failure reason: Requested download is not authorized for use with this tracker.", error.Message);
    }

    [Theory]
    [InlineData("<title>Invalid Request</title>", "bencode error at byte 0")]
    [InlineData("d5:filesd", "bencode error at byte 9")]
    [InlineData("i42e", "at byte 0: an integer, not a dictionary")]
    [InlineData("d8:intervali1800ee", "no 'files' dictionary and no 'failure reason'")]
    [InlineData("d5:filesli1eee", "at byte 8: 'files' is a list, not a dictionary")]
    public void A_malformed_reply_says_what_and_at_which_byte(string body, string expected)
    {
        var error = Fails(Encoding.Latin1.GetBytes(body), A);

        Assert.Equal(TrackerProblem.Malformed, error.Problem);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_torrent_listed_twice_is_malformed()
    {
        var error = Fails(Reply("", (A, "d8:completei1e10:downloadedi0e10:incompletei0ee"), (B, "d8:completei1e10:downloadedi0e10:incompletei0ee"), (A, "d8:completei1e10:downloadedi0e10:incompletei0ee")), A);

        Assert.Contains("bencode error at byte 172: duplicate dictionary key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_is_not_20_bytes_is_malformed_at_its_entry()
    {
        var error = Fails(Encoding.Latin1.GetBytes("d5:filesd3:abcd8:completei1e10:downloadedi0e10:incompletei0eeee"), A);

        Assert.Contains("at byte 14: this entry's key has 3 bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("d8:completei1e10:downloadedi0ee", "at byte 32: a torrent's entry has no 'incomplete'")]
    [InlineData("d8:complete1:x10:downloadedi0e10:incompletei0ee", "at byte 43: 'complete' is a byte string, not an integer")]
    [InlineData("d8:completei-1e10:downloadedi0e10:incompletei0ee", "at byte 43: 'complete' is -1, outside 0")]
    [InlineData("d8:completei1e10:downloadedi0e10:incompletei9999999999ee", "'incomplete' is 9999999999, outside 0")]
    [InlineData("li1ee", "at byte 32: a torrent's entry is a list, not a dictionary")]
    public void A_bad_entry_is_malformed_at_its_byte(string entry, string expected)
    {
        var error = Fails(Reply("", (A, entry)), A);

        Assert.Equal(TrackerProblem.Malformed, error.Problem);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
