using System.Buffers;
using System.Text.Json;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Search.Elasticsearch;
using LibraryCluster.Search.Elasticsearch.Json;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>Records as index documents and back: pure, no network.</summary>
public class CatalogDocumentsTests(SearchCatalogFixture fixture) : IClassFixture<SearchCatalogFixture>
{
    private static byte[] Document(CatalogRecord record, IReadOnlyList<string>? heldBy = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CatalogDocuments.Write(writer, record, heldBy);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static readonly CatalogRecord Example = new()
    {
        Collection = Collection.Scitech,
        Id = 1001,
        Md5 = "7b2a4d53e6e1a8b0a5d5c0c9d1f00240",
        Title = "Quantum Mechanics: Études and Problems",
        Author = "Cohen-Tannoudji, Claude",
        Publisher = "Wiley",
        Edition = "2nd",
        Year = "1999",
        Language = "english",
        Extension = "PDF",
        Filesize = 5_242_880,
        Isbns = ["9780071363624"],
        Identifiers = "asin:B00ABC issn:1234-5678",
        Topic = "264",
        TimeAdded = new DateTime(2012, 5, 4, 10, 11, 12, DateTimeKind.Utc),
        TimeLastModified = new DateTime(2015, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        Torrent = "r_001",
        PathInTorrent = "1000/7b2a4d53e6e1a8b0a5d5c0c9d1f00240",
    };

    [Fact]
    public void A_Document_Has_Keyword_Facets_Text_Fields_And_Every_Identifier_As_Key_Value() =>
        Recorded.AssertGolden("document.json", Recorded.Json(Document(Example, ["local"])));

    [Fact]
    public void Every_Sample_Record_Round_Trips_Through_Its_Document()
    {
        using var store = CatalogStore.OpenReadOnly(fixture.Database);
        var records = fixture.Manifest.Records.SelectMany(r => store.FindByMd5(r.Md5)).DistinctBy(r => (r.Collection, r.Id)).ToList();
        Assert.True(records.Count > 200);
        foreach (var record in records.Append(Example).Append(Example with { Year = "1999-2001", Language = "EngLish", Isbns = [], Doi = "10.1000/x y", Visible = "del" }))
        {
            var document = JsonSerializer.Deserialize(Document(record), ElasticsearchJsonContext.Default.CatalogDocument)!;
            var back = CatalogDocuments.ToRecord(document);
            Assert.Equal(record with { Isbns = [] }, back with { Isbns = [] });
            Assert.Equal(record.Isbns, back.Isbns);
        }
    }

    [Theory]
    [InlineData("english", "English")]
    [InlineData("ENGLISH", "English")]
    [InlineData("german,english", "German,English")]
    [InlineData("", "")]
    public void Languages_Are_Grouped_Case_Insensitively_Under_One_Spelling(string language, string facet) =>
        Assert.Equal(facet, CatalogDocuments.CanonicalLanguage(language));

    [Fact]
    public void Document_Ids_Name_The_Collection_And_Round_Trip()
    {
        Assert.Equal("fiction-42", CatalogDocuments.Id(Collection.Fiction, 42).ToString());
        Assert.Equal(new DocumentId("scimag", 7), DocumentId.Parse("scimag-7"));
        Assert.Null(DocumentId.Parse("nodash"));
    }
}
