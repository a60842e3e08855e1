using System.Text.Json;
using System.Text.Json.Serialization;
using LibraryCluster.Torrents;
using Spectre.Console;

namespace LibraryCluster.Cli;

/// <summary>What every command shares: JSON output, progress only on a real terminal, and bad input turned into exit code 2.</summary>
internal static class Terminal
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The same, one object per line (for following a stream).</summary>
    public static JsonSerializerOptions JsonLines { get; } = new(Json) { WriteIndented = false };

    /// <summary>Progress bars only when a person is watching; scripts and pipes get plain lines.</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>Runs a command body and maps the expected failures to exit codes with a message that says what was wrong.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Connection.AdminException e)
        {
            await Console.Error.WriteLineAsync($"libcluster: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("libcluster: cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is TorrentException or Catalog.CatalogException or Actors.Cluster.Store.ClusterStoreException or ArgumentException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"libcluster: error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
    }

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 40 => $"{bytes / (double)(1L << 40):0.00} TiB",
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };

    /// <summary>"3 min", "5 h", "2 d": how long ago, for tables.</summary>
    public static string Age(TimeSpan age) => age switch
    {
        { TotalMinutes: < 1 } => "now",
        { TotalHours: < 1 } => $"{(int)age.TotalMinutes} min",
        { TotalDays: < 2 } => $"{(int)age.TotalHours} h",
        _ => $"{(int)age.TotalDays} d",
    };

    /// <summary>"3-5, 9": piece lists stay readable when thousands are damaged.</summary>
    public static string Ranges(IReadOnlyList<int> values)
    {
        var parts = new List<string>();
        for (var i = 0; i < values.Count;)
        {
            var j = i;
            while (j + 1 < values.Count && values[j + 1] == values[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? $"{values[i]}" : $"{values[i]}-{values[j]}");
            i = j + 1;
        }

        return string.Join(", ", parts);
    }
}
