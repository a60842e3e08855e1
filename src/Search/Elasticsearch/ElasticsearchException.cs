namespace LibraryCluster.Search.Elasticsearch;

/// <summary>
/// Elasticsearch refused a request or could not be reached. <see cref="Status"/> is the HTTP status (0 when no answer
/// came), <see cref="ErrorType"/> the error type Elasticsearch named (index_not_found_exception…), if any.
/// </summary>
public sealed class ElasticsearchException : Exception
{
    public ElasticsearchException(string message, int status = 0, string? errorType = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        ErrorType = errorType;
    }

    public ElasticsearchException()
    {
    }

    public ElasticsearchException(string message)
        : base(message)
    {
    }

    public ElasticsearchException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public int Status { get; }

    public string? ErrorType { get; }

    /// <summary>The index or alias asked for does not exist (not built yet).</summary>
    public bool IsIndexMissing => Status == 404 && ErrorType is "index_not_found_exception";

    /// <summary>No answer, or an answer that says "try later" after every retry.</summary>
    public bool IsUnavailable => Status is 0 or 429 or 502 or 503 or 504;
}
