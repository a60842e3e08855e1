namespace LibraryCluster.Testing;

/// <summary>Waiting for something another thread makes true. The limit guards against a hang; it is not a timing assertion.</summary>
public static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task UntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(1, timeout.Token);
        }
    }

    /// <summary>Reads a value until it satisfies <paramref name="condition"/>, and returns it; <paramref name="every"/> spaces reads that cost another process work.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan? every = null)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(1), timeout.Token);
        }
    }
}
