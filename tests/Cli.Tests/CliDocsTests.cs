namespace LibraryCluster.Cli.Tests;

/// <summary>docs/cli.md says what --help says, and the bash completion knows every command.</summary>
public sealed class CliDocsTests
{
    [Fact]
    public async Task Docs_cli_md_has_the_help_of_every_command_as_libcluster_prints_it()
    {
        var (code, reference, error) = await CliRunner.RunAsync("docs");
        Assert.True(code == 0, error);

        var docs = (await File.ReadAllTextAsync(Path.Join(CliRunner.RepositoryRoot(), "docs", "cli.md"))).Replace("\r\n", "\n", StringComparison.Ordinal);
        var begin = docs.IndexOf(CommandTree.Begin, StringComparison.Ordinal);
        var end = docs.IndexOf(CommandTree.End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/cli.md lost its generated part's markers");
        Assert.True(
            docs[begin..(end + CommandTree.End.Length + 1)] == reference,
            "docs/cli.md is out of date with the commands' help: run `dotnet run --project src/Cli -- docs --update docs/cli.md`");
        foreach (var verb in new[] { "cluster show", "cluster down-unreachable", "volumes drain", "torrents scrub", "heal status", "placement plan", "journal tail", "holdings show", "holdings plan", "holdings set", "catalog import", "context add", "completion" })
        {
            Assert.Contains($"### libcluster {verb}\n", reference, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bash_completion_completes_every_command_and_its_options()
    {
        var (code, script, _) = await CliRunner.RunAsync("completion", "bash");

        Assert.Equal(0, code);
        Assert.Contains("complete -o default -F _libcluster libcluster", script, StringComparison.Ordinal);
        Assert.Contains("\" volumes\") words=\"list show drain out in fail --help\"", script, StringComparison.Ordinal);
        Assert.Contains("\" volumes drain\") words=\"--wait --node --context --json --help\"", script, StringComparison.Ordinal);
        Assert.DoesNotContain(" docs", script, StringComparison.Ordinal);
        Assert.Equal(2, (await CliRunner.RunAsync("completion", "zsh")).ExitCode);
    }
}
