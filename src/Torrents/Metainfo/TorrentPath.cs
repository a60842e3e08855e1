using System.Text;

namespace LibraryCluster.Torrents.Metainfo;

/// <summary>
/// Path safety for untrusted names from torrents: every component is checked on its own, and a
/// path on disk is resolved only below its save directory and never through a symbolic link.
/// </summary>
public static class TorrentPath
{
    /// <summary>Most file systems limit one name to 255 bytes.</summary>
    public const int MaxComponentBytes = 255;

    /// <summary>Returns why <paramref name="component"/> is not a safe single path component, or null when it is.</summary>
    public static string? Problem(string component)
    {
        if (component.Length == 0)
        {
            return "empty path component";
        }

        if (component is "." or "..")
        {
            return $"path component \"{component}\" would leave the torrent's directory";
        }

        if (component.Contains('\0', StringComparison.Ordinal))
        {
            return "path component contains a NUL byte";
        }

        if (component.Contains('/', StringComparison.Ordinal) || component.Contains('\\', StringComparison.Ordinal))
        {
            return $"path component \"{component}\" contains a path separator";
        }

        if (component.Length >= 2 && component[1] == ':' && char.IsAsciiLetter(component[0]))
        {
            return $"path component \"{component}\" looks like a drive (absolute path)";
        }

        if (Encoding.UTF8.GetByteCount(component) > MaxComponentBytes)
        {
            return $"path component is longer than {MaxComponentBytes} bytes";
        }

        return null;
    }

    /// <summary>
    /// The full path of a torrent file under <paramref name="saveDirectory"/>. Returns null and a reason
    /// when the path would leave the directory or passes through a symbolic link below it.
    /// </summary>
    public static string? Resolve(string saveDirectory, IReadOnlyList<string> components, out string? refusal)
    {
        refusal = null;
        var root = Path.GetFullPath(saveDirectory);
        var current = root;
        for (var i = 0; i < components.Count; i++)
        {
            if (Problem(components[i]) is { } problem)
            {
                refusal = problem;
                return null;
            }

            current = Path.Join(current, components[i]);

            // lstat: a link is refused whether or not its target exists.
            if (new FileInfo(current).LinkTarget is not null)
            {
                refusal = $"\"{string.Join('/', components.Take(i + 1))}\" is a symbolic link; refusing to follow it";
                return null;
            }
        }

        var full = Path.GetFullPath(current);
        var rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            refusal = "path resolves outside the save directory";
            return null;
        }

        return full;
    }
}
