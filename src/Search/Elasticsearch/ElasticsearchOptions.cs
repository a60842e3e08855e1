using System.Globalization;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>
/// Where the Elasticsearch cluster is, how to reach it and how the catalogue index behaves. Bound from the node's
/// section <c>Search:Elasticsearch</c> and from the <c>libcluster elastic</c> options. Every setting has a default
/// that works on a stock single-node Elasticsearch 8 except <see cref="Url"/>.
/// </summary>
public sealed class ElasticsearchOptions
{
    /// <summary>The cluster's HTTP address, e.g. https://es.example.edu:9200 (a coordinating node or load balancer).</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>An API key as Elasticsearch returns it ("encoded"), sent as <c>Authorization: ApiKey …</c>. A secret: never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Basic authentication, with <see cref="Password"/> (e.g. the elastic user). Not with <see cref="ApiKey"/>.</summary>
    public string? Username { get; set; }

    /// <summary>A secret: never logged.</summary>
    public string? Password { get; set; }

    /// <summary>A PEM file with the CA that signed the cluster's certificate (Elasticsearch 8's http_ca.crt); empty uses the system's trust store.</summary>
    public string? CaFile { get; set; }

    /// <summary>The alias searches and updates go to; a full reindex builds <c>{Alias}-{yyyyMMddHHmmss}</c> and moves the alias to it.</summary>
    public string Alias { get; set; } = "librarycluster-records";

    public int Shards { get; set; } = 1;

    public int Replicas { get; set; } = 1;

    /// <summary>Most bytes of NDJSON in one _bulk request (Elasticsearch's guidance: 5-15 MB).</summary>
    public int BulkBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>_bulk requests in flight at once while indexing.</summary>
    public int BulkConcurrency { get; set; } = 2;

    /// <summary>Attempts after the first for a request answered 429, 502, 503 or 504, or not answered at all.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>The first back-off; each retry doubles it (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one request other than a search may take (bulk, update by query, index creation).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A search's time budget unless the query sets one: Elasticsearch answers with what it found by then, flagged partial.</summary>
    public TimeSpan TimeBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Edits allowed per word in the fuzzy retry made when no record matches the words as typed, as Elasticsearch
    /// writes it: AUTO:5,8 allows none under 5 characters, one up to 8, two beyond; "0" turns the retry off.
    /// </summary>
    public string Fuzziness { get; set; } = "AUTO:5,8";

    /// <summary>Leading characters of a word that must match exactly in the fuzzy retry (keeps it cheap and sensible).</summary>
    public int FuzzyPrefixLength { get; set; } = 2;

    /// <summary>Most spellings one fuzzy word expands to.</summary>
    public int FuzzyMaxExpansions { get; set; } = 50;

    /// <summary>Hits counted exactly before the total becomes a lower bound ("10,000+").</summary>
    public int TrackTotalHitsUpTo { get; set; } = 10_000;

    /// <summary>The id this node writes into a record's held_by list when it holds the record's torrent ("local" for a single node).</summary>
    public string NodeId { get; set; } = "local";

    /// <summary>How long "held" changes are gathered before they are sent as one update.</summary>
    public TimeSpan HeldBatchDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the node sends catalogue changes from imports (the outbox) to the index.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(5);

    public bool UsesBasicAuth => !string.IsNullOrEmpty(Username);

    /// <summary>Every problem with these settings, each naming the setting under <paramref name="prefix"/> and its bad value.</summary>
    public IReadOnlyList<string> Validate(string prefix = "Search:Elasticsearch:")
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Url))
        {
            problems.Add($"{prefix}Url is empty: give the cluster's address, e.g. https://es.example.edu:9200");
        }
        else if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query))
        {
            problems.Add($"{prefix}Url \"{Url}\" is not an http(s) address without a query string");
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            problems.Add($"{prefix}Url carries a user name or password: put them in {prefix}Username and {prefix}Password (or use {prefix}ApiKey)");
        }

        if (!string.IsNullOrEmpty(ApiKey) && (UsesBasicAuth || !string.IsNullOrEmpty(Password)))
        {
            problems.Add($"{prefix}ApiKey and {prefix}Username/Password are both set: use one way to sign in");
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            problems.Add($"{prefix}Username and {prefix}Password go together: set both or neither");
        }

        if (!string.IsNullOrEmpty(CaFile) && !File.Exists(CaFile))
        {
            problems.Add($"{prefix}CaFile \"{CaFile}\" does not exist (Elasticsearch 8 writes its CA to config/certs/http_ca.crt)");
        }

        if (string.IsNullOrEmpty(Alias) || Alias.Length > 200 || Alias.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.')) || Alias[0] is '-' or '_' or '.')
        {
            problems.Add($"{prefix}Alias \"{Alias}\" must be lowercase letters, digits, '-', '_' or '.', not starting with '-', '_' or '.'");
        }

        Range(problems, $"{prefix}Shards", Shards, 1, 1024);
        Range(problems, $"{prefix}Replicas", Replicas, 0, 16);
        Range(problems, $"{prefix}BulkBytes", BulkBytes, 64 * 1024, 100 * 1024 * 1024);
        Range(problems, $"{prefix}BulkConcurrency", BulkConcurrency, 1, 64);
        Range(problems, $"{prefix}MaxRetries", MaxRetries, 0, 100);
        Range(problems, $"{prefix}FuzzyPrefixLength", FuzzyPrefixLength, 0, 10);
        Range(problems, $"{prefix}FuzzyMaxExpansions", FuzzyMaxExpansions, 1, 1024);
        Range(problems, $"{prefix}TrackTotalHitsUpTo", TrackTotalHitsUpTo, 1, int.MaxValue);
        if (RetryDelay <= TimeSpan.Zero || RetryMaxDelay < RetryDelay)
        {
            problems.Add($"{prefix}RetryDelay {RetryDelay} must be positive and at most {prefix}RetryMaxDelay {RetryMaxDelay}");
        }

        if (RequestTimeout < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{prefix}RequestTimeout {RequestTimeout} is shorter than a second");
        }

        if (TimeBudget < TimeSpan.FromMilliseconds(10) || TimeBudget > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{prefix}TimeBudget {TimeBudget} must be between 10 ms and 5 minutes");
        }

        if (!IsFuzziness(Fuzziness))
        {
            problems.Add($"{prefix}Fuzziness \"{Fuzziness}\" is not 0, 1, 2, AUTO or AUTO:low,high");
        }

        if (string.IsNullOrWhiteSpace(NodeId) || NodeId.Length > 100 || NodeId.Any(char.IsControl))
        {
            problems.Add($"{prefix}NodeId \"{NodeId}\" must be a short name (the cluster node id)");
        }

        if (HeldBatchDelay < TimeSpan.Zero || SyncInterval < TimeSpan.FromMilliseconds(100))
        {
            problems.Add($"{prefix}HeldBatchDelay {HeldBatchDelay} must not be negative and {prefix}SyncInterval {SyncInterval} must be at least 100 ms");
        }

        return problems;
    }

    /// <summary>Whether the fuzzy retry is on.</summary>
    public bool FuzzyEnabled => Fuzziness != "0";

    /// <summary>The settings with secrets replaced, for logs.</summary>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"url {Url}, alias {Alias}, auth {(ApiKey is { Length: > 0 } ? "api key (redacted)" : UsesBasicAuth ? $"basic {Username}:(redacted)" : "none")}, ca {(string.IsNullOrEmpty(CaFile) ? "system" : CaFile)}, shards {Shards}, replicas {Replicas}, time budget {TimeBudget.TotalMilliseconds} ms, fuzziness {Fuzziness}, node {NodeId}");

    private static bool IsFuzziness(string value)
    {
        if (value is "0" or "1" or "2" or "AUTO")
        {
            return true;
        }

        if (!value.StartsWith("AUTO:", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = value[5..].Split(',');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var high) && low <= high;
    }

    private static void Range(List<string> problems, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            problems.Add($"{name} {value} must be between {min} and {max}");
        }
    }
}
