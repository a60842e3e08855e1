using System.CommandLine;

namespace LibraryCluster.Cli.Connection;

/// <summary>What a command that talks to a node gets: its parse, a client for the node, --json, Ctrl+C.</summary>
internal sealed record OnlineCall(ParseResult Parse, AdminClient Client, bool Json, CancellationToken CancellationToken)
{
    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);
}

/// <summary>Builds the commands that talk to a running node: connection options, --json, errors to exit codes.</summary>
internal static class Online
{
    public static Command Command(string name, string description, Func<OnlineCall, Task<int>> body, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
            }
        }

        var connection = ConnectionOptions.Create();
        var json = connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => Terminal.RunAsync(async () =>
        {
            using var client = connection.Connect(parse);
            return await body(new OnlineCall(parse, client, parse.GetValue(json), cancellationToken)).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>A volume named <c>node/name</c>, or by its name alone when only one node has a volume of that name.</summary>
    public static async Task<string> VolumeIdAsync(OnlineCall call, string volume)
    {
        var parts = volume.Split('/');
        if (parts.Length == 2 && parts.All(p => p.Length > 0))
        {
            return volume;
        }

        if (parts.Length != 1 || volume.Length == 0)
        {
            throw new AdminException(ExitCodes.BadInput, $"\"{volume}\" is not a volume: name it node/volume, e.g. node1/a");
        }

        var volumes = await call.Client.GetAsync<List<Actors.Operations.VolumeRow>>("api/admin/cluster/volumes", call.CancellationToken).ConfigureAwait(false);
        var matches = volumes.Where(v => v.Name == volume).ToList();
        return matches.Count switch
        {
            1 => matches[0].Id,
            0 => throw new AdminException(ExitCodes.NotFound, $"the cluster has no volume named {volume} ('libcluster volumes list' shows them)"),
            _ => throw new AdminException(ExitCodes.BadInput, $"volume name {volume} is on {string.Join(", ", matches.Select(m => m.Node))}: say which, e.g. {matches[0].Id}"),
        };
    }

    /// <summary>The admin route of a volume, <c>api/admin/cluster/volumes/NODE/NAME</c>.</summary>
    public static string VolumePath(string id)
    {
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        return $"api/admin/cluster/volumes/{Uri.EscapeDataString(id[..slash])}/{Uri.EscapeDataString(id[(slash + 1)..])}";
    }
}
