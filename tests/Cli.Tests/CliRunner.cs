using System.Diagnostics;
using System.Reflection;

namespace LibraryCluster.Cli.Tests;

/// <summary>How to run libcluster: extra environment variables (null removes one) and what to type on its standard input.</summary>
internal sealed record CliRun
{
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public string? Input { get; init; }
}

/// <summary>
/// Runs the real libcluster binary as a separate process, as operators and scripts do: the one in src/Cli/bin built
/// with this test's configuration, with its own dependencies (the tests' folder also holds the node's, for the
/// node these tests run in-process, and those are not libcluster's).
/// </summary>
internal static class CliRunner
{
    private static readonly Lazy<string> Binary = new(() =>
    {
        var configuration = typeof(CliRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value;
        var dll = Path.Join(RepositoryRoot(), "src", "Cli", "bin", configuration, "net10.0", "libcluster.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build src/Cli ({configuration}) first");
    });

    /// <summary>The libcluster.dll these tests run.</summary>
    public static string Dll => Binary.Value;

    /// <summary>The repository: the folder holding LibraryCluster.sln, above the test's binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Join(directory.FullName, "LibraryCluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no LibraryCluster.sln above {AppContext.BaseDirectory}");
    }

    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunAsync(new CliRun(), args);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(CliRun run, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Binary.Value, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["NO_COLOR"] = "1";

        // Never the config, node or token of whoever runs the tests.
        start.Environment["LIBCLUSTER_CONFIG"] = Path.Join(Path.GetTempPath(), "librarycluster-tests", "no-such-config");
        start.Environment.Remove("LIBCLUSTER_NODE");
        start.Environment.Remove("LIBCLUSTER_TOKEN");
        foreach (var (name, value) in run.Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        if (run.Input is not null)
        {
            await process.StandardInput.WriteAsync(run.Input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await error);
    }
}
