using System.CommandLine;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster completion bash</c>, and the hidden <c>libcluster docs</c> that keeps docs/cli.md true to the help.</summary>
internal static class GeneratedCommands
{
    public static Command Completion(Func<RootCommand> root)
    {
        var shell = new Argument<string>("SHELL") { Description = "The shell: bash." };
        shell.AcceptOnlyFromAmong("bash");
        var command = new Command("completion", "Prints a completion script for the shell: subcommands and options complete with Tab, files and folders as usual.\n\nExamples:\n  source <(libcluster completion bash)\n  libcluster completion bash | sudo tee /etc/bash_completion.d/libcluster") { shell };
        command.SetAction(_ =>
        {
            Console.Out.Write(CommandTree.Bash(root()));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Docs(Func<RootCommand> root)
    {
        var update = new Option<FileInfo?>("--update") { Description = "Replace the generated part of this file (between its BEGIN and END markers) instead of printing it.", HelpName = "FILE" };
        var command = new Command("docs", "Prints the command reference of docs/cli.md, generated from every command's help.") { update };
        command.Hidden = true;
        command.SetAction((parse, _) => Terminal.RunAsync(async () =>
        {
            var reference = CommandTree.Markdown(root());
            if (parse.GetValue(update) is not { } file)
            {
                Console.Out.Write(reference);
                return ExitCodes.Ok;
            }

            var text = await File.ReadAllTextAsync(file.FullName).ConfigureAwait(false);
            var begin = text.IndexOf(CommandTree.Begin, StringComparison.Ordinal);
            var end = text.IndexOf(CommandTree.End, StringComparison.Ordinal);
            if (begin < 0 || end < begin)
            {
                throw new InvalidDataException($"{file.FullName}: no generated part to replace (the BEGIN and END markers)");
            }

            await File.WriteAllTextAsync(file.FullName, text[..begin] + reference + text[(end + CommandTree.End.Length + 1)..]).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
