using LibraryCluster.Host.Configuration;
using LibraryCluster.Search;
using LibraryCluster.Search.Elasticsearch;
using LibraryCluster.Search.Sqlite;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Search;

/// <summary>Registers the search backend the configuration names (section "Search"); the endpoints only see <see cref="ICatalogSearch"/>.</summary>
public static partial class SearchServices
{
    public static IServiceCollection AddCatalogSearch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SearchOptions>()
            .Bind(configuration.GetSection(SearchOptions.Section))
            .PostConfigure<IOptions<ClusterOptions>>((search, cluster) =>
            {
                // A cluster node marks what it holds under its cluster id unless told otherwise.
                if (cluster.Value.Enabled && search.Elasticsearch.NodeId == new ElasticsearchOptions().NodeId)
                {
                    search.Elasticsearch.NodeId = cluster.Value.NodeId;
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SearchOptions>, SearchOptionsValidator>();
        services.AddSingleton(provider => new SqliteCatalogSearch(provider.GetRequiredService<IOptions<NodeOptions>>().Value.CatalogPath));
        services.AddSingleton(provider => new ElasticsearchClient(provider.GetRequiredService<IOptions<SearchOptions>>().Value.Elasticsearch));
        services.AddSingleton<ICatalogSearch>(provider =>
        {
            if (!provider.GetRequiredService<IOptions<SearchOptions>>().Value.UsesElasticsearch)
            {
                return provider.GetRequiredService<SqliteCatalogSearch>();
            }

            // Until the first index is built (the sync service builds it), and while Elasticsearch cannot be reached,
            // the node's own FTS5 index answers: same API, same catalogue.
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SearchServices));
            var search = new ElasticsearchCatalogSearch(provider.GetRequiredService<ElasticsearchClient>(), provider.GetRequiredService<SqliteCatalogSearch>());
            search.FellBack += e => LogFellBack(logger, e.Message);
            return search;
        });
        services.AddHostedService<ElasticsearchSyncService>();
        return services;
    }

    [LoggerMessage(9110, LogLevel.Warning, "search: answered from the node's SQLite index because Elasticsearch could not: {Reason}")]
    private static partial void LogFellBack(ILogger logger, string reason);
}
