using LibraryCluster.Search.Elasticsearch;

namespace LibraryCluster.Search.Tests.Elasticsearch;

public class ElasticsearchOptionsTests
{
    [Fact]
    public void The_Defaults_Need_Only_An_Address() =>
        Assert.Empty(new ElasticsearchOptions { Url = "https://es.example.edu:9200" }.Validate());

    [Fact]
    public void Each_Bad_Setting_Is_Named_With_Its_Value()
    {
        var problems = new ElasticsearchOptions
        {
            Url = "ftp://x",
            ApiKey = "k",
            Username = "elastic",
            CaFile = "/nonexistent/ca.crt",
            Alias = "Bad Alias",
            BulkBytes = 10,
            Fuzziness = "AUTO:8",
            TimeBudget = TimeSpan.Zero,
        }.Validate();
        Assert.Contains(problems, p => p.Contains("Search:Elasticsearch:Url \"ftp://x\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("ApiKey and Search:Elasticsearch:Username/Password are both set", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Username and Search:Elasticsearch:Password go together", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("CaFile \"/nonexistent/ca.crt\" does not exist", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Alias \"Bad Alias\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("BulkBytes 10", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Fuzziness \"AUTO:8\"", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("TimeBudget 00:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public void Secrets_Never_Appear_In_The_Description()
    {
        var described = new ElasticsearchOptions { Url = "https://es:9200", Username = "elastic", Password = "s3cret-pass" }.Describe();
        Assert.DoesNotContain("s3cret-pass", described, StringComparison.Ordinal);
        Assert.Contains("basic elastic:(redacted)", described, StringComparison.Ordinal);
        Assert.DoesNotContain("KEY123", new ElasticsearchOptions { Url = "https://es:9200", ApiKey = "KEY123" }.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_Client_Refuses_Bad_Settings_At_Once() =>
        Assert.Contains("Url is empty", Assert.Throws<ArgumentException>(() => new ElasticsearchClient(new ElasticsearchOptions())).Message, StringComparison.Ordinal);
}
