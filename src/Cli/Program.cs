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

        return RunAsync(args);
    }

    private static async Task<int> RunAsync(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        var code = await parse.InvokeAsync().ConfigureAwait(false);

        // An invalid option or argument is bad input (2), as for every other check the commands make.
        return parse.Action is System.CommandLine.Invocation.ParseErrorAction ? ExitCodes.BadInput : code;
    }

    public static RootCommand BuildRoot() => new("libcluster: operate a LibraryCluster mirror of the Library Genesis collections. Commands that talk to a running node take --node URL (or a saved context) and the admin token from $LIBCLUSTER_TOKEN or the context; the others work on files. docs/cli.md has a session and the exit codes.")
    {
        ClusterCommands.Build(),
        VolumeCommands.Build(),
        TorrentsCommands.Build(),
        HealCommands.Build(),
        PlacementCommands.Build(),
        JournalCommands.Build(),
        ContextCommands.Build(),
        SampleCommands.Build(),
        TorrentCommands.Build(),
        CatalogCommands.Build(),
        SearchCommand.Build(),
        HoldingsCommands.Build(),
        ElasticCommands.Build(),
        GeneratedCommands.Completion(BuildRoot),
        GeneratedCommands.Docs(BuildRoot),
    };
}
