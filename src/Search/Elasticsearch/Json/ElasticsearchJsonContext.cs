using System.Text.Json.Serialization;

namespace LibraryCluster.Search.Elasticsearch.Json;

/// <summary>Source-generated serializers for every body the client reads: no reflection, trimming-safe.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ErrorCause))]
[JsonSerializable(typeof(InfoResponse))]
[JsonSerializable(typeof(AcknowledgedResponse))]
[JsonSerializable(typeof(List<CatIndex>))]
[JsonSerializable(typeof(CountResponse))]
[JsonSerializable(typeof(BulkResponse))]
[JsonSerializable(typeof(BulkSummary))]
[JsonSerializable(typeof(UpdateByQueryResponse))]
[JsonSerializable(typeof(SearchResponse<CatalogDocument>))]
[JsonSerializable(typeof(MultiSearchResponse<CatalogDocument>))]
[JsonSerializable(typeof(Dictionary<string, AliasIndex>))]
[JsonSerializable(typeof(CatalogDocument))]
public sealed partial class ElasticsearchJsonContext : JsonSerializerContext;
