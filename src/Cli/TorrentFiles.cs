using LibraryCluster.Torrents;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Cli;

/// <summary>
/// .torrent files named on the command line, or every *.torrent directly inside a named folder (a node's
/// DATA_DIR/torrents, a sample's torrents/, a downloaded set of LibGen torrents). A file that cannot be read is
/// reported and skipped, not fatal: one bad file among thousands should not stop the rest.
/// </summary>
internal static class TorrentFiles
{
    public static (List<(string Name, TorrentMetainfo Torrent, string Path)> Torrents, List<string> Problems) Load(IEnumerable<FileSystemInfo> paths)
    {
        var torrents = new List<(string, TorrentMetainfo, string)>();
        var problems = new List<string>();
        foreach (var path in paths)
        {
            IEnumerable<string> files = path switch
            {
                DirectoryInfo { Exists: true } folder => Directory.EnumerateFiles(folder.FullName, "*.torrent").Order(StringComparer.Ordinal),
                _ when File.Exists(path.FullName) => [path.FullName],
                _ => throw new FileNotFoundException($"{path.FullName}: no such .torrent file or folder"),
            };
            foreach (var file in files)
            {
                try
                {
                    torrents.Add((Path.GetFileNameWithoutExtension(file), MetainfoParser.Load(file), file));
                }
                catch (TorrentException e)
                {
                    problems.Add($"{file}: skipped: {e.Message}");
                }
            }
        }

        if (torrents.Count == 0 && problems.Count == 0)
        {
            throw new ArgumentException("no .torrent files in the paths given");
        }

        return (torrents, problems);
    }
}
