using LibraryCluster.Torrents.Trackers;

namespace LibraryCluster.Torrents.Tests.Trackers;

public class ScrapeUrlTests
{
    // The examples of BEP 48.
    [Theory]
    [InlineData("http://example.com/announce", "http://example.com/scrape")]
    [InlineData("http://example.com/x/announce", "http://example.com/x/scrape")]
    [InlineData("http://example.com/announce.php", "http://example.com/scrape.php")]
    [InlineData("http://example.com/announce?x2%0644", "http://example.com/scrape?x2%0644")]
    [InlineData("http://example.com/announce?x=2/4", "http://example.com/scrape?x=2/4")]
    [InlineData("https://tracker.example.org:8443/a/b/announce", "https://tracker.example.org:8443/a/b/scrape")]
    [InlineData("udp://tracker.opentrackr.org:1337/announce", "udp://tracker.opentrackr.org:1337/announce")]
    public void The_scrape_url_follows_the_bep_48_rule(string announce, string expected) =>
        Assert.Equal(expected, ScrapeUrl.FromAnnounce(announce).OriginalString.Length > 0 ? ScrapeUrl.FromAnnounce(announce).ToString() : null);

    [Theory]
    [InlineData("http://example.com/a", "does not support scrape")]
    [InlineData("http://example.com/x%064announce", "does not support scrape")]
    [InlineData("http://example.com/announce/x", "does not support scrape")]
    [InlineData("udp://example.com/announce", "needs a port")]
    [InlineData("wss://tracker.example.com/announce", "scheme 'wss'")]
    [InlineData("not a url", "not an absolute URL")]
    public void A_url_that_cannot_be_scraped_says_why(string announce, string why)
    {
        var error = Assert.Throws<TrackerException>(() => ScrapeUrl.FromAnnounce(announce));
        Assert.Equal(TrackerProblem.Unsupported, error.Problem);
        Assert.Equal(announce, error.Tracker);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }
}
