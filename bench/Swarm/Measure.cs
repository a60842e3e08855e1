using System.Diagnostics;
using System.Globalization;

namespace LibraryCluster.Bench.Swarm;

/// <summary>What the harness reads about processes, from /proc: memory, CPU time, the machine's load.</summary>
internal static class Measure
{
    /// <summary>Resident memory in MB, and how much of it is anonymous (heap) or file pages (binaries, libraries, mapped files).</summary>
    public static Dictionary<string, object> Memory(int pid, string prefix)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status").Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
        double Mb(string key) => Math.Round(long.Parse(status[key].Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0, 1);
        return new() { [prefix + "rss_mb"] = Mb("VmRSS"), [prefix + "rss_anon_mb"] = Mb("RssAnon"), [prefix + "rss_file_mb"] = Mb("RssFile") };
    }

    /// <summary>User plus system CPU seconds the process has used so far.</summary>
    public static double CpuSeconds(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After the name: state is field 0, utime 11, stime 12; clock ticks are 100 a second on Linux.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The 1, 5 and 15 minute load averages, as the kernel prints them.</summary>
    public static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>The share of one core a process used over <paramref name="span"/> while <paramref name="during"/> ran (or nothing did).</summary>
    public static async Task<double> CoreShareAsync(int pid, TimeSpan span, Func<CancellationToken, Task>? during = null)
    {
        var before = CpuSeconds(pid);
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(span);
        if (during is null)
        {
            await Task.Delay(span);
        }
        else
        {
            try
            {
                await during(stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The span is over.
            }
        }

        return Math.Round((CpuSeconds(pid) - before) / clock.Elapsed.TotalSeconds, 3);
    }

    /// <summary>The process whose command line contains <paramref name="text"/> (the node's daemon, found by its profile folder).</summary>
    public static int? FindProcess(string text)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Join(entry, "cmdline")).Replace('\0', ' ').Contains(text, StringComparison.Ordinal))
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                    // Gone meanwhile.
                }
                catch (UnauthorizedAccessException)
                {
                    // Not ours to read.
                }
            }
        }

        return null;
    }

    public static double Round(double value, int digits = 2) => Math.Round(value, digits);
}
