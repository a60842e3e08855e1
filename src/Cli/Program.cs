using System.CommandLine;
using LibraryCluster.Cli.Commands;

namespace LibraryCluster.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) => BuildRoot().Parse(args).InvokeAsync();

    public static RootCommand BuildRoot() => new("libcluster: operate a LibraryCluster mirror of the Library Genesis collections.")
    {
        SampleCommands.Build(),
        TorrentCommands.Build(),
    };
}
