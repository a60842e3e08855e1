using System.CommandLine;

namespace LibraryCluster.Cli.Connection;

/// <summary>
/// How a command reaches a running node: <c>--node URL</c> or a saved context (<c>--context NAME</c>, else the
/// current one), the admin token from <c>LIBCLUSTER_TOKEN</c> or the context (never from the command line, where
/// it would show in the shell's history and the process list), the user name changes are journaled under.
/// </summary>
internal sealed record ConnectionOptions(Option<string?> Node, Option<string?> Context)
{
    public const string TokenVariable = "LIBCLUSTER_TOKEN";
    public const string NodeVariable = "LIBCLUSTER_NODE";

    public static ConnectionOptions Create() => new(
        new Option<string?>("--node") { Description = $"The node to ask, e.g. http://127.0.0.1:8080 (any node answers for the whole cluster). Default: ${NodeVariable}, else the context's node.", HelpName = "URL" },
        new Option<string?>("--context") { Description = "A saved context (libcluster context list) instead of the current one.", HelpName = "NAME" });

    /// <summary>Adds the options to <paramref name="command"/> with <c>--json</c>, which every command that talks to a node has.</summary>
    public Option<bool> AddTo(Command command)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        command.Options.Add(Node);
        command.Options.Add(Context);
        command.Options.Add(json);
        return json;
    }

    public AdminClient Connect(ParseResult parse)
    {
        var config = CliConfig.Load(CliConfig.DefaultPath);
        var named = parse.GetValue(Context);
        CliContext? context = null;
        if (named is not null && !config.Contexts.TryGetValue(named, out context))
        {
            throw new AdminException(ExitCodes.BadInput, $"--context {named}: no such context in {CliConfig.DefaultPath} ('libcluster context list' shows them)");
        }

        context ??= config.Current is { } current ? config.Contexts.GetValueOrDefault(current) : null;
        var address = parse.GetValue(Node)
            ?? (Environment.GetEnvironmentVariable(NodeVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null)
            ?? context?.Node;
        if (address is null)
        {
            throw new AdminException(ExitCodes.BadInput, $"no node to ask: give --node http://HOST:PORT, set ${NodeVariable}, or save a context ('libcluster context add NAME --node URL')");
        }

        var node = ParseNode(address);
        var token = Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromVariable
            ? fromVariable
            : context is not null && SameNode(ParseNode(context.Node), node) ? context.Token : null;
        var user = context?.User ?? $"{Environment.UserName}@{Environment.MachineName}";
        return new AdminClient(node, token, user);
    }

    /// <summary>A node address: absolute http(s), with or without a trailing slash.</summary>
    public static Uri ParseNode(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0)
        {
            throw new AdminException(ExitCodes.BadInput, $"--node {address}: give the node's address as http://HOST:PORT (or https://)");
        }

        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }

    private static bool SameNode(Uri a, Uri b) => Uri.Compare(a, b, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
