using System.CommandLine;
using LibraryCluster.Cli.Commands;

namespace LibraryCluster.Cli;

public static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Piped output has no terminal width; keep table rows on one line for grep and logs.
        if (Console.IsOutputRedirected)
        {
            Spectre.Console.AnsiConsole.Profile.Width = 250;
        }

        return BuildRoot().Parse(args).InvokeAsync();
    }

    public static RootCommand BuildRoot() => new("libcluster: operate a LibraryCluster mirror of the Library Genesis collections.")
    {
        SampleCommands.Build(),
        TorrentCommands.Build(),
        CatalogCommands.Build(),
        SearchCommand.Build(),
        HoldingsCommands.Build(),
        ElasticCommands.Build(),
    };
}
