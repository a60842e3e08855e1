using LibraryCluster.Host;
using Microsoft.Extensions.Options;

// The mirror node. dotnet run --project src/Host -- --urls URL --data-dir DIR [--admin-token T] [--demo]
try
{
    var app = NodeApplication.Create(args);
    await app.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync("librarycluster: bad settings:").ConfigureAwait(false);
    foreach (var failure in e.Failures)
    {
        await Console.Error.WriteLineAsync($"  {failure}").ConfigureAwait(false);
    }

    return 2;
}
catch (FormatException e)
{
    await Console.Error.WriteLineAsync($"librarycluster: bad command line or setting: {e.Message}").ConfigureAwait(false);
    return 2;
}
