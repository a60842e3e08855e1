namespace LibraryCluster.Torrents.Trackers;

/// <summary>Where to scrape a tracker, from the announce URL a torrent gives.</summary>
public static class ScrapeUrl
{
    /// <summary>
    /// HTTP(S): the BEP 48 rule. The text after the last '/' of the path must begin with "announce", which becomes
    /// "scrape" (<c>/announce.php?key=1</c> → <c>/scrape.php?key=1</c>); any other announce URL has no scrape URL.
    /// UDP: the announce URL itself (BEP 15 scrapes over the same socket). Throws <see cref="TrackerException"/>
    /// (<see cref="TrackerProblem.Unsupported"/>) saying why a URL cannot be scraped.
    /// </summary>
    public static Uri FromAnnounce(string announce)
    {
        if (!Uri.TryCreate(announce, UriKind.Absolute, out var uri))
        {
            throw Unsupported(announce, "not an absolute URL");
        }

        if (uri.Scheme == "udp")
        {
            return uri.Port > 0 ? uri : throw Unsupported(announce, "a UDP tracker URL needs a port (udp://host:port/announce)");
        }

        if (uri.Scheme is not ("http" or "https"))
        {
            throw Unsupported(announce, $"scheme '{uri.Scheme}' is not HTTP, HTTPS or UDP");
        }

        var path = uri.AbsolutePath;
        var slash = path.LastIndexOf('/');
        if (!path.AsSpan(slash + 1).StartsWith("announce", StringComparison.Ordinal))
        {
            throw Unsupported(announce, "the path does not end in 'announce…', so by BEP 48 the tracker does not support scrape");
        }

        var builder = new UriBuilder(uri) { Path = string.Concat(path.AsSpan(0, slash + 1), "scrape", path.AsSpan(slash + 1 + "announce".Length)) };
        return builder.Uri;
    }

    private static TrackerException Unsupported(string announce, string why) => new(announce, TrackerProblem.Unsupported, $"cannot scrape: {why}");
}
