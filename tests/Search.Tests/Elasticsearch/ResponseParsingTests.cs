using System.Text;
using System.Text.Json;
using LibraryCluster.Catalog;
using LibraryCluster.Search.Elasticsearch;
using LibraryCluster.Search.Elasticsearch.Json;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>Recorded Elasticsearch 8 answers (Responses/) read with the source-generated serializers: pure, no network.</summary>
public class ResponseParsingTests
{
    private static T Parse<T>(string file, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => JsonSerializer.Deserialize(Recorded.Response(file), type)!;

    [Fact]
    public void A_Search_Answer_Gives_Records_Held_Flags_Scores_Sort_Values_And_Facets()
    {
        var response = Parse("search.json", ElasticsearchJsonContext.Default.SearchResponseCatalogDocument);
        Assert.False(response.TimedOut);
        Assert.Equal(2, response.Hits.Total!.Value);
        Assert.Equal("eq", response.Hits.Total.Relation);
        var first = response.Hits.Hits[0];
        var record = CatalogDocuments.ToRecord(first.Source!);
        Assert.Equal((Collection.Scitech, 1001L, "english", "1999", "2nd"), (record.Collection, record.Id, record.Language, record.Year, record.Edition));
        Assert.Equal(["9780071363624"], record.Isbns);
        Assert.Equal(new DateTime(2012, 5, 4, 10, 11, 12, DateTimeKind.Utc), record.TimeAdded);
        Assert.Equal(["local"], first.Source!.HeldBy!);
        Assert.Equal(14.718851, first.Score);
        Assert.Equal("[ 14.718851, 1001 ]", first.Sort.GetRawText());
        var second = CatalogDocuments.ToRecord(response.Hits.Hits[1].Source!);
        Assert.Equal((Collection.Fiction, "n.d.", (string?)null), (second.Collection, second.Year, second.Doi));

        var facets = ElasticsearchCatalogSearch.FacetsOf(response.Aggregations);
        Assert.Equal([new FacetValue("scitech", 2), new FacetValue("fiction", 1)], facets[Facets.Collection]);
        Assert.Equal([new FacetValue("English", 2)], facets[Facets.Language]);
        Assert.Equal([new FacetValue("epub", 1), new FacetValue("pdf", 1)], facets[Facets.Extension]);
        Assert.Equal([new FacetValue("1999", 1)], facets[Facets.Year]);
    }

    [Fact]
    public void A_Timed_Out_Search_Says_So_And_Its_Total_Is_A_Lower_Bound()
    {
        var response = Parse("search-timed-out.json", ElasticsearchJsonContext.Default.SearchResponseCatalogDocument);
        Assert.True(response.TimedOut);
        Assert.Equal(("gte", 10_000L), (response.Hits.Total!.Relation, response.Hits.Total.Value));
    }

    [Fact]
    public void A_Multi_Search_Answer_Keeps_Order_And_Each_Search_Its_Status_Or_Error()
    {
        var response = Parse("msearch.json", ElasticsearchJsonContext.Default.MultiSearchResponseCatalogDocument);
        Assert.Equal(2, response.Responses.Count);
        Assert.Equal(200, response.Responses[0].Status);
        Assert.Equal("scitech-1001", response.Responses[0].Hits.Hits.Single().Id);
        Assert.Equal(404, response.Responses[1].Status);
        Assert.Equal("index_not_found_exception", response.Responses[1].Error!.Type);
    }

    [Fact]
    public void A_Partial_Bulk_Failure_Names_Each_Item_Its_Status_And_Error()
    {
        var response = Parse("bulk-partial.json", ElasticsearchJsonContext.Default.BulkResponse);
        Assert.True(response.Errors);
        var items = response.Items.Select(i => i.Single()).Select(i => (i.Key, i.Value.Id, i.Value.Status, i.Value.Error?.Type)).ToList();
        Assert.Equal(
            [("index", "scitech-1", 201, null), ("index", "scitech-2", 429, "es_rejected_execution_exception"), ("index", "scitech-3", 400, "document_parsing_exception"), ("delete", "scitech-4", 404, null)],
            items);
        Assert.False(Parse("bulk-ok.json", ElasticsearchJsonContext.Default.BulkSummary).Errors);
    }

    [Theory]
    [InlineData("error-index-not-found.json", "index_not_found_exception", "no such index [librarycluster-records]")]
    [InlineData("error-strict-mapping.json", "strict_dynamic_mapping_exception", "mapping set to strict")]
    [InlineData("error-too-many-requests.json", "es_rejected_execution_exception", "rejected execution")]
    [InlineData("error-alias-missing.json", null, "alias [librarycluster-records] missing")]
    public void Error_Bodies_Give_Elasticsearch_Type_And_Reason(string file, string? type, string reason)
    {
        var (actualType, message) = ElasticsearchClient.Describe(Encoding.UTF8.GetBytes(Recorded.Response(file)));
        Assert.Equal(type, actualType);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Body_That_Is_Not_Json_Is_Quoted_Not_Thrown() =>
        Assert.Equal((null, "<html>502 Bad Gateway</html>"), ElasticsearchClient.Describe("<html>502 Bad Gateway</html>"u8.ToArray()));

    [Fact]
    public void Update_By_Query_Counts_And_Alias_And_Index_Listings_Are_Read()
    {
        var update = Parse("update-by-query.json", ElasticsearchJsonContext.Default.UpdateByQueryResponse);
        Assert.Equal((1000L, 998L, 2L), (update.Total, update.Updated, update.VersionConflicts));
        Assert.Equal(["librarycluster-records-20250101000000"], Parse("alias.json", ElasticsearchJsonContext.Default.DictionaryStringAliasIndex).Keys);
        var indices = Parse("cat-indices.json", ElasticsearchJsonContext.Default.ListCatIndex);
        Assert.Equal(("green", "290"), (indices[0].Health, indices[0].DocsCount));
        Assert.Equal("8.15.3", Parse("info.json", ElasticsearchJsonContext.Default.InfoResponse).Version!.Number);
        Assert.Equal(290, Parse("count.json", ElasticsearchJsonContext.Default.CountResponse).Count);
    }
}
