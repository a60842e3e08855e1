using System.Net.Sockets;
using System.Text;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Trackers;

/// <summary>One HTTP scrape request (BEP 48): <c>info_hash</c> repeated, one per torrent, raw bytes percent-encoded.</summary>
internal sealed class HttpScraper(HttpClient http, ScrapeOptions options, TimeProvider time)
{
    public async Task<Dictionary<InfoHash, ScrapeCounts>> ScrapeAsync(string tracker, Uri scrapeUrl, IReadOnlyList<InfoHash> hashes, CancellationToken cancellationToken)
    {
        var url = RequestUrl(scrapeUrl, hashes);
        using var timer = new CancellationTokenSource(options.HttpTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { ConnectionClose = true } };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new TrackerException(tracker, TrackerProblem.Unreachable, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {scrapeUrl}");
            }

            var body = await ReadBoundedAsync(response, tracker, linked.Token).ConfigureAwait(false);
            return HttpScrapeReply.Parse(body, tracker, hashes);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TrackerException(tracker, TrackerProblem.Timeout, $"no complete reply from {scrapeUrl} within {options.HttpTimeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            throw new TrackerException(tracker, TrackerProblem.Unreachable, $"{Describe(e)} ({scrapeUrl})", e);
        }
    }

    /// <summary>The scrape URL with one <c>info_hash</c> per torrent added to its query.</summary>
    internal static Uri RequestUrl(Uri scrapeUrl, IReadOnlyList<InfoHash> hashes)
    {
        var text = new StringBuilder(scrapeUrl.AbsoluteUri);
        var separator = string.IsNullOrEmpty(scrapeUrl.Query) ? '?' : '&';
        foreach (var hash in hashes)
        {
            text.Append(separator).Append("info_hash=");
            foreach (var b in hash.Bytes)
            {
                if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
                {
                    text.Append((char)b);
                }
                else
                {
                    text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            separator = '&';
        }

        return new Uri(text.ToString());
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, string tracker, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > HttpScrapeReply.MaxBytes)
        {
            throw new TrackerException(tracker, TrackerProblem.Malformed, $"the reply is {response.Content.Headers.ContentLength} bytes, more than the {HttpScrapeReply.MaxBytes} a scrape reply needs");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var body = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                body.Write(buffer, 0, read);
                if (body.Length > HttpScrapeReply.MaxBytes)
                {
                    throw new TrackerException(tracker, TrackerProblem.Malformed, $"the reply goes on past {HttpScrapeReply.MaxBytes} bytes, more than a scrape reply needs");
                }
            }

            return body.ToArray();
        }
    }

    private static string Describe(HttpRequestException e) => e.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => "host not found",
        SocketException s => $"network error: {s.SocketErrorCode}",
        _ when e.HttpRequestError == HttpRequestError.ResponseEnded => "the connection closed before a whole reply",
        _ => e.Message,
    };
}
