using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Configuration;

/// <summary>Checks the search settings at start; the Elasticsearch ones only when that backend is chosen.</summary>
public sealed class SearchOptionsValidator : IValidateOptions<SearchOptions>
{
    public ValidateOptionsResult Validate(string? name, SearchOptions options)
    {
        if (string.Equals(options.Backend, SearchOptions.SqliteBackend, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Success;
        }

        if (!options.UsesElasticsearch)
        {
            return ValidateOptionsResult.Fail($"Search:Backend \"{options.Backend}\" is not one of {SearchOptions.SqliteBackend}, {SearchOptions.ElasticsearchBackend}");
        }

        var problems = options.Elasticsearch.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
