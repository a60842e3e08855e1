using LibraryCluster.Torrents.Bencode;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Trackers;

/// <summary>
/// Reads an HTTP scrape reply (BEP 48): a bencoded dictionary whose <c>files</c> dictionary is keyed by raw
/// 20-byte info-hashes, each holding <c>complete</c>, <c>downloaded</c> and <c>incomplete</c>; or a
/// <c>failure reason</c>. Every problem names the byte where it was found.
/// </summary>
internal static class HttpScrapeReply
{
    /// <summary>Replies to a few dozen hashes are a few KB; this bounds a hostile or runaway reply.</summary>
    public const int MaxBytes = 1 << 20;

    // opentracker lists a multi-torrent scrape's files out of key order.
    private static readonly BencodeLimits Limits = new() { MaxDepth = 8, MaxStringLength = MaxBytes, AllowUnsortedKeys = true };

    /// <summary>
    /// The counts of the requested torrents. A requested torrent the reply does not list has no peers at this
    /// tracker and gets zero counts; entries for torrents not asked about are ignored.
    /// </summary>
    public static Dictionary<InfoHash, ScrapeCounts> Parse(ReadOnlyMemory<byte> body, string tracker, IReadOnlyCollection<InfoHash> requested)
    {
        BValue root;
        try
        {
            root = BencodeDecoder.Decode(body, Limits);
        }
        catch (BencodeException e)
        {
            throw Malformed(tracker, $"malformed reply: {e.Message}", e);
        }

        if (root is not BDictionary reply)
        {
            throw Malformed(tracker, $"malformed reply at byte 0: {Describe(root)}, not a dictionary");
        }

        if (reply.Get("failure reason") is { } failure)
        {
            var reason = failure is BString text ? text.Text : $"({Describe(failure)})";
            throw new TrackerException(tracker, TrackerProblem.Failure, $"failure reason: {reason}");
        }

        if (reply.Get("files") is not BDictionary files)
        {
            throw Malformed(tracker, reply.Get("files") is { } other
                ? $"malformed reply at byte {other.Start}: 'files' is {Describe(other)}, not a dictionary"
                : "malformed reply: no 'files' dictionary and no 'failure reason'");
        }

        var counts = requested.Distinct().ToDictionary(h => h, _ => default(ScrapeCounts));
        foreach (var (key, value) in files.Entries)
        {
            if (key.Length != InfoHash.Size)
            {
                throw Malformed(tracker, $"malformed reply at byte {value.Start}: this entry's key has {key.Length} bytes; a torrent's key is its 20-byte info-hash");
            }

            var hash = InfoHash.FromBytes(key);
            if (counts.ContainsKey(hash))
            {
                counts[hash] = ReadCounts(value, tracker);
            }
        }

        return counts;
    }

    private static ScrapeCounts ReadCounts(BValue value, string tracker)
    {
        if (value is not BDictionary entry)
        {
            throw Malformed(tracker, $"malformed reply at byte {value.Start}: a torrent's entry is {Describe(value)}, not a dictionary");
        }

        return new ScrapeCounts(Count(entry, "complete", tracker), Count(entry, "downloaded", tracker), Count(entry, "incomplete", tracker));
    }

    private static int Count(BDictionary entry, string key, string tracker) => entry.Get(key) switch
    {
        BInteger { Value: >= 0 and <= int.MaxValue } n => (int)n.Value,
        BInteger n => throw Malformed(tracker, $"malformed reply at byte {n.Start}: '{key}' is {n.Value}, outside 0…{int.MaxValue}"),
        null => throw Malformed(tracker, $"malformed reply at byte {entry.Start}: a torrent's entry has no '{key}'"),
        var other => throw Malformed(tracker, $"malformed reply at byte {other.Start}: '{key}' is {Describe(other)}, not an integer"),
    };

    private static string Describe(BValue value) => value switch
    {
        BInteger => "an integer",
        BString => "a byte string",
        BList => "a list",
        _ => "a dictionary",
    };

    private static TrackerException Malformed(string tracker, string detail, Exception? inner = null) => new(tracker, TrackerProblem.Malformed, detail, inner);
}
