namespace LibraryCluster.Torrents;

/// <summary>Reports progress by calling back on the reporting thread (unlike Progress&lt;T&gt;, which posts).</summary>
public sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
