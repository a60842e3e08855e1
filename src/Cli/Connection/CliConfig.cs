using System.Text.Json;
using System.Text.Json.Serialization;

namespace LibraryCluster.Cli.Connection;

/// <summary>A saved way to reach a cluster: a node's address, its admin token, and the name changes are journaled under.</summary>
internal sealed record CliContext(string Node, string? Token, string? User);

/// <summary>
/// The contexts file, kubectl-style: <c>$XDG_CONFIG_HOME/libcluster/config</c> (else <c>~/.config/libcluster/config</c>;
/// <c>LIBCLUSTER_CONFIG</c> names another), JSON, readable by its owner only since it may hold admin tokens.
/// </summary>
internal sealed class CliConfig
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The context used when none is named.</summary>
    public string? Current { get; set; }

    public SortedDictionary<string, CliContext> Contexts { get; set; } = new(StringComparer.Ordinal);

    public static string DefaultPath
    {
        get
        {
            if (Environment.GetEnvironmentVariable("LIBCLUSTER_CONFIG") is { Length: > 0 } named)
            {
                return Path.GetFullPath(named);
            }

            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : Path.Join(home, ".config");
            return Path.Join(config, "libcluster", "config");
        }
    }

    /// <summary>The file at <paramref name="path"/>, or an empty configuration when there is none yet.</summary>
    public static CliConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            return new CliConfig();
        }

        try
        {
            var config = JsonSerializer.Deserialize<CliConfig>(File.ReadAllText(path), Json) ?? new CliConfig();
            config.Contexts = new SortedDictionary<string, CliContext>(config.Contexts ?? [], StringComparer.Ordinal);
            return config;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a libcluster config file (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {e.Message}); fix or delete it");
        }
    }

    /// <summary>Writes the file whole (aside, then renamed), readable and writable by its owner only.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + ".partial";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(partial, options))
        {
            JsonSerializer.Serialize(stream, this, Json);
        }

        File.Move(partial, path, overwrite: true);
    }
}
