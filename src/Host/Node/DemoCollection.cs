using LibraryCluster.Catalog.Store;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Samples;
using LibraryCluster.Search.Sqlite;

namespace LibraryCluster.Host.Node;

/// <summary>
/// --demo: makes an empty data directory a small working mirror. A sample collection is generated (about
/// 3,000 books and 2,000 articles over five torrents), its dumps imported into the catalogue, each
/// torrent's data moved onto a volume (spread over the volumes), and the .torrent files dropped in the
/// watch folder, where the node picks them up, registers them and adopts the data by verifying it.
/// </summary>
public static partial class DemoCollection
{
    public static readonly SampleOptions Sample = new()
    {
        OutputDirectory = string.Empty,
        Books = 2500,
        Fiction = 500,
        Scimag = 2000,
        Seed = 1,
        SizeScale = 0.02,
    };

    /// <summary>Does the work if the data directory has no catalogue yet; otherwise leaves it alone.</summary>
    public static async Task PrepareAsync(NodeOptions options, ILogger logger, CancellationToken cancellationToken, SampleOptions? sample = null)
    {
        if (File.Exists(options.CatalogPath))
        {
            LogAlreadyThere(logger, options.CatalogPath);
            return;
        }

        var sampleDirectory = Path.Join(options.DataDirectory, "demo-sample");
        LogGenerating(logger, sampleDirectory);
        var manifest = await SampleGenerator.CreateAsync((sample ?? Sample) with { OutputDirectory = sampleDirectory }, cancellationToken: cancellationToken).ConfigureAwait(false);

        // Imported under a temporary name and renamed, so a killed demo start begins again from scratch.
        var partial = options.CatalogPath + ".partial";
        File.Delete(partial);
        using (var store = CatalogStore.Open(partial))
        {
            SqliteSearchIndex.Install(store);
            await SampleCatalog.ImportAsync(store, sampleDirectory, cancellationToken: cancellationToken).ConfigureAwait(false);

            LogImported(logger, store.CountRecords());
        }

        File.Move(partial, options.CatalogPath);

        var volumes = options.EffectiveVolumes;
        var watch = options.EffectiveWatchDirectory;
        Directory.CreateDirectory(watch);
        var i = 0;
        foreach (var torrent in manifest.Torrents)
        {
            var volume = volumes[i++ % volumes.Count];
            Directory.CreateDirectory(volume.Path);
            var target = Path.Join(volume.Path, torrent.Name);
            if (!Directory.Exists(target))
            {
                MoveDirectory(Path.Join(sampleDirectory, "data", torrent.Name), target);
            }

            File.Copy(Path.Join(sampleDirectory, "torrents", torrent.Name + ".torrent"), Path.Join(watch, torrent.Name + ".torrent"), overwrite: true);
        }

        LogPlaced(logger, manifest.Torrents.Count, manifest.DataBytes, volumes.Count);
    }

    /// <summary>
    /// Moves a folder; across file systems (volumes on disks of their own, as on Kubernetes, where rename fails
    /// with EXDEV) by copying it under a temporary name, renaming that into place and deleting the source.
    /// </summary>
    internal static void MoveDirectory(string source, string target)
    {
        try
        {
            Directory.Move(source, target);
            return;
        }
        catch (IOException) when (Directory.Exists(source) && !Directory.Exists(target))
        {
            // A different device: fall through to a copy.
        }

        var partial = target + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        CopyTree(new DirectoryInfo(source), Directory.CreateDirectory(partial));
        Directory.Move(partial, target);
        Directory.Delete(source, recursive: true);

        static void CopyTree(DirectoryInfo from, DirectoryInfo to)
        {
            foreach (var file in from.EnumerateFiles())
            {
                file.CopyTo(Path.Join(to.FullName, file.Name));
            }

            foreach (var folder in from.EnumerateDirectories())
            {
                CopyTree(folder, to.CreateSubdirectory(folder.Name));
            }
        }
    }

    [LoggerMessage(2001, LogLevel.Information, "demo: {Catalog} exists, the data directory is left as it is")]
    private static partial void LogAlreadyThere(ILogger logger, string catalog);

    [LoggerMessage(2002, LogLevel.Information, "demo: generating a sample collection in {Directory}")]
    private static partial void LogGenerating(ILogger logger, string directory);

    [LoggerMessage(2003, LogLevel.Information, "demo: catalogue has {Records} records")]
    private static partial void LogImported(ILogger logger, long records);

    [LoggerMessage(2004, LogLevel.Information, "demo: {Torrents} torrents ({Bytes} bytes) put on {Volumes} volumes and dropped in the watch folder")]
    private static partial void LogPlaced(ILogger logger, int torrents, long bytes, int volumes);
}
