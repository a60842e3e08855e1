using System.CommandLine;
using LibraryCluster.Cli.Connection;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster context add|use|list|remove</c>: saved ways to reach clusters, kubectl-style.</summary>
internal static class ContextCommands
{
    public static Command Build() => new("context", $"Save how to reach a cluster (a node's address, its admin token, your name for the journal) and pick the one commands use by default. The file is {ConfigPathHelp}, readable by you only.")
    {
        Add(),
        Use(),
        List(),
        Remove(),
    };

    private const string ConfigPathHelp = "$XDG_CONFIG_HOME/libcluster/config (else ~/.config/libcluster/config; $LIBCLUSTER_CONFIG names another)";

    private static Command Add()
    {
        var name = new Argument<string>("NAME") { Description = "The context's name, e.g. prod or campus-east." };
        var node = new Option<string>("--node") { Description = "A node of the cluster, e.g. http://mirror-1.lib.example:8080 (any node answers for the whole cluster).", Required = true, HelpName = "URL" };
        var user = new Option<string?>("--user") { Description = "Your name in the journal for the changes you make (default: login@host).", HelpName = "NAME" };
        var tokenStdin = new Option<bool>("--token-stdin") { Description = "Read the admin token from standard input (e.g. from a password manager); on a terminal without it, you are asked for it, unseen." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command(
            "add",
            $"Saves a context (replacing one of the same name) and makes it the current one if there is none yet. The admin token never goes on the command line: it comes from standard input (--token-stdin) or a hidden prompt, or leave it out and set ${ConnectionOptions.TokenVariable} when you run commands.\n\nExample:\n  pass show librarycluster/admin | libcluster context add prod --node http://mirror-1:8080 --user alice --token-stdin")
        {
            name, node, user, tokenStdin, json,
        };
        command.SetAction((parse, _) => Terminal.RunAsync(() =>
        {
            var contextName = parse.GetValue(name)!;
            Validate(contextName);
            var address = ConnectionOptions.ParseNode(parse.GetValue(node)!).ToString().TrimEnd('/');
            string? token = null;
            if (parse.GetValue(tokenStdin))
            {
                token = Console.In.ReadLine()?.Trim();
                if (string.IsNullOrEmpty(token))
                {
                    throw new ArgumentException("--token-stdin: standard input had no token");
                }
            }
            else if (Terminal.IsInteractive && !Console.IsInputRedirected)
            {
                token = AnsiConsole.Prompt(new TextPrompt<string>($"Admin token for {Markup.Escape(address)} (empty: none, use ${ConnectionOptions.TokenVariable}):").Secret().AllowEmpty());
                token = string.IsNullOrWhiteSpace(token) ? null : token.Trim();
            }

            var path = CliConfig.DefaultPath;
            var config = CliConfig.Load(path);
            config.Contexts[contextName] = new CliContext(address, token, parse.GetValue(user));
            config.Current ??= contextName;
            config.Save(path);
            if (parse.GetValue(json))
            {
                Terminal.WriteJson(new { Name = contextName, Node = address, User = parse.GetValue(user), Token = token is not null, config.Current, Path = path });
            }
            else
            {
                AnsiConsole.WriteLine($"Context {contextName}: {address}{(token is null ? ", no token saved" : ", token saved")}{(config.Current == contextName ? " (current)" : string.Empty)}; in {path}");
            }

            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static Command Use()
    {
        var name = new Argument<string>("NAME") { Description = "A saved context." };
        var command = new Command("use", "Makes a saved context the current one: commands without --node or --context use it. Exit 5: no such context.\n\nExample:\n  libcluster context use prod") { name };
        command.SetAction((parse, _) => Terminal.RunAsync(() =>
        {
            var path = CliConfig.DefaultPath;
            var config = CliConfig.Load(path);
            var contextName = parse.GetValue(name)!;
            if (!config.Contexts.ContainsKey(contextName))
            {
                throw new AdminException(ExitCodes.NotFound, $"no context {contextName} in {path}; 'libcluster context list' shows them");
            }

            config.Current = contextName;
            config.Save(path);
            AnsiConsole.WriteLine($"Current context: {contextName} ({config.Contexts[contextName].Node})");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts (tokens are never printed)." };
        var command = new Command("list", "One line per saved context: whether it is current, its node, user and whether a token is saved (never the token); then the count.\n\nExample:\n  libcluster context list") { json };
        command.SetAction((parse, _) => Terminal.RunAsync(() =>
        {
            var config = CliConfig.Load(CliConfig.DefaultPath);
            if (parse.GetValue(json))
            {
                Terminal.WriteJson(new { config.Current, Contexts = config.Contexts.Select(c => new { Name = c.Key, c.Value.Node, c.Value.User, Token = c.Value.Token is not null }) });
                return Task.FromResult(ExitCodes.Ok);
            }

            var table = Output.Table("current", "name", "node", "user", "token");
            foreach (var (contextName, context) in config.Contexts)
            {
                table.Row(contextName == config.Current ? "*" : string.Empty, contextName, context.Node, context.User ?? "(login@host)", context.Token is null ? $"none (${ConnectionOptions.TokenVariable})" : "saved");
            }

            AnsiConsole.Write(table);
            Output.Count(config.Contexts.Count, "contexts");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("NAME") { Description = "A saved context." };
        var command = new Command("remove", "Deletes a saved context (and its token). Removing one that is not there changes nothing.\n\nExample:\n  libcluster context remove old-lab") { name };
        command.SetAction((parse, _) => Terminal.RunAsync(() =>
        {
            var path = CliConfig.DefaultPath;
            var config = CliConfig.Load(path);
            var contextName = parse.GetValue(name)!;
            if (config.Contexts.Remove(contextName))
            {
                if (config.Current == contextName)
                {
                    config.Current = null;
                }

                config.Save(path);
                AnsiConsole.WriteLine($"Context {contextName} removed");
            }
            else
            {
                AnsiConsole.WriteLine($"Nothing to do: no context {contextName}");
            }

            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static void Validate(string name)
    {
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"context name \"{name}\": use letters, digits, '-', '_' and '.', at most 64");
        }
    }
}
