using System.Buffers;
using System.Globalization;
using System.Text;

namespace LibraryCluster.Host.Cluster;

/// <summary>
/// The head of a request as a peer's <c>PeerFetcher</c> sends it, read strictly: <c>GET
/// /internal/replicas/{torrent}/files/{index} HTTP/1.1</c>, a Host, at most one Authorization and one
/// <c>Range: bytes=FROM-[TO]</c>, no body, no conditions. Whatever does not fit that exactly is not one
/// (<see cref="PeerFileSender"/> then leaves the request, and its connection, to Kestrel).
/// </summary>
public sealed record PeerFileRequest(string Torrent, int FileIndex, string? BearerToken, long? RangeFrom, long? RangeTo, bool Close)
{
    /// <summary>Longest head read; a longer one is left to Kestrel, which has its own limits.</summary>
    public const int MaxHeadBytes = 8 * 1024;

    private const int MaxHeaders = 64;

    private static ReadOnlySpan<byte> Prefix => "GET /internal/replicas/"u8;

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    /// <summary>What the bytes so far are.</summary>
    public enum Verdict
    {
        /// <summary>Not a peer's file request (or not one read strictly enough): Kestrel's.</summary>
        Other,

        /// <summary>So far it could be one: read more.</summary>
        Incomplete,

        /// <summary>A whole peer's file request head.</summary>
        Complete,
    }

    /// <summary>Reads the head at the start of <paramref name="buffer"/>; on <see cref="Verdict.Complete"/> also its length in bytes.</summary>
    public static Verdict TryRead(ReadOnlySequence<byte> buffer, out PeerFileRequest? request, out int headLength)
    {
        request = null;
        headLength = 0;
        var length = (int)Math.Min(buffer.Length, MaxHeadBytes);
        var bytes = buffer.FirstSpan.Length >= length ? buffer.FirstSpan[..length] : buffer.Slice(0, length).ToArray();

        var compared = Math.Min(bytes.Length, Prefix.Length);
        if (!bytes[..compared].SequenceEqual(Prefix[..compared]))
        {
            return Verdict.Other;
        }

        var end = bytes.IndexOf(EndOfHead);
        if (end < 0)
        {
            return buffer.Length >= MaxHeadBytes ? Verdict.Other : Verdict.Incomplete;
        }

        headLength = end + EndOfHead.Length;
        request = Parse(bytes[..end]);
        return request is null ? Verdict.Other : Verdict.Complete;
    }

    private static PeerFileRequest? Parse(ReadOnlySpan<byte> head)
    {
        // Visible ASCII, spaces, tabs and line ends only; anything else is for Kestrel to judge.
        foreach (var b in head)
        {
            if (b is (< 0x20 and not (byte)'\r' and not (byte)'\n' and not (byte)'\t') or > 0x7E)
            {
                return null;
            }
        }

        var text = Encoding.ASCII.GetString(head);
        var lines = text.Split("\r\n");
        if (lines.Length > MaxHeaders + 1 || lines.Any(l => l.Contains('\r', StringComparison.Ordinal) || l.Contains('\n', StringComparison.Ordinal)))
        {
            return null;
        }

        var requestLine = lines[0].Split(' ');
        if (requestLine is not ["GET", var target, "HTTP/1.1"] || ParseTarget(target) is not var (torrent, index))
        {
            return null;
        }

        string? host = null, authorization = null, range = null;
        var close = false;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line[..colon].Any(c => c is ' ' or '\t'))
            {
                // No name, or whitespace in it (or a folded line): not ours to read.
                return null;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            switch (name.ToUpperInvariant())
            {
                case "HOST" when host is null:
                    host = value;
                    break;
                case "AUTHORIZATION" when authorization is null:
                    authorization = value;
                    break;
                case "RANGE" when range is null:
                    range = value;
                    break;
                case "CONNECTION":
                    var options = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    if (options.Any(o => o.Equals("upgrade", StringComparison.OrdinalIgnoreCase)))
                    {
                        return null;
                    }

                    close |= options.Any(o => o.Equals("close", StringComparison.OrdinalIgnoreCase));
                    break;
                case "CONTENT-LENGTH" when value == "0":
                    break;
                case "HOST" or "AUTHORIZATION" or "RANGE" or "CONTENT-LENGTH" or "TRANSFER-ENCODING" or "EXPECT" or "UPGRADE"
                    or "IF-MATCH" or "IF-NONE-MATCH" or "IF-MODIFIED-SINCE" or "IF-UNMODIFIED-SINCE" or "IF-RANGE":
                    // Repeated, a body, or a condition: Kestrel's to answer.
                    return null;
            }
        }

        if (host is null)
        {
            return null;
        }

        string? token = null;
        const string Scheme = "Bearer ";
        if (authorization is not null && authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            token = authorization[Scheme.Length..].Trim();
        }

        if (range is null)
        {
            return new PeerFileRequest(torrent, index, token, null, null, close);
        }

        return ParseRange(range) is var (from, to) ? new PeerFileRequest(torrent, index, token, from, to, close) : null;
    }

    /// <summary>The torrent and file index of <c>/internal/replicas/{torrent}/files/{index}</c>, with the name escaped exactly as a peer escapes it.</summary>
    private static (string Torrent, int Index)? ParseTarget(string target)
    {
        const string Start = "/internal/replicas/", Files = "/files/";
        var rest = target[Start.Length..];
        var files = rest.IndexOf(Files, StringComparison.Ordinal);
        if (files <= 0)
        {
            return null;
        }

        var (escaped, number) = (rest[..files], rest[(files + Files.Length)..]);
        if (escaped.Contains('/', StringComparison.Ordinal) || number.Length is 0 or > 9 || !number.All(char.IsAsciiDigit))
        {
            return null;
        }

        // Kestrel leaves %2F encoded in a path segment, so a name with a slash would not be the one its route sees.
        var torrent = Uri.UnescapeDataString(escaped);
        return Uri.EscapeDataString(torrent) == escaped && !torrent.Contains('/', StringComparison.Ordinal) ? (torrent, int.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture)) : null;
    }

    /// <summary><c>bytes=FROM-TO</c> or <c>bytes=FROM-</c>; no suffix ranges, no lists.</summary>
    private static (long From, long? To)? ParseRange(string range)
    {
        const string Unit = "bytes=";
        if (!range.StartsWith(Unit, StringComparison.Ordinal))
        {
            return null;
        }

        var bounds = range[Unit.Length..].Split('-');
        if (bounds is not [var first, var last] || !IsNumber(first) || (last.Length > 0 && !IsNumber(last))
            || !long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
        {
            return null;
        }

        if (last.Length == 0)
        {
            return (from, null);
        }

        return long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var to) && to >= from ? (from, to) : null;

        static bool IsNumber(string s) => s.Length is > 0 and <= 18 && s.All(char.IsAsciiDigit);
    }
}
