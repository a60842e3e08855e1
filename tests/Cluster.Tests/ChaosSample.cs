using LibraryCluster.Catalog.Store;
using LibraryCluster.Samples;
using LibraryCluster.Search.Sqlite;

namespace LibraryCluster.Cluster.Tests;

/// <summary>
/// The collection the chaos test's cluster holds: about 20 small torrents (14 scitech, 4 fiction, 1 scimag; books
/// spread by an id gap, 64 KiB pieces, files of tens of kilobytes) and its catalogue, made in-process the way
/// <c>libcluster sample create</c> and <c>libcluster catalog import</c> make them.
/// </summary>
public sealed class ChaosSample
{
    public static readonly SampleOptions Options = new()
    {
        OutputDirectory = string.Empty,
        Books = 1700,
        Fiction = 400,
        Scimag = 300,
        IdGap = 8,
        SizeScale = 0.005,
        PieceLength = 64 * 1024,
        Seed = 5,
    };

    private ChaosSample(string directory, string catalogPath, SampleManifest manifest)
    {
        Directory = directory;
        CatalogPath = catalogPath;
        Manifest = manifest;
    }

    /// <summary>Where the sample was written: <c>data/&lt;torrent&gt;</c>, <c>torrents/*.torrent</c>, <c>dumps/</c>.</summary>
    public string Directory { get; }

    public string CatalogPath { get; }

    public SampleManifest Manifest { get; }

    public IReadOnlyList<string> TorrentNames => [.. Manifest.Torrents.Select(t => t.Name)];

    /// <summary>Records whose file is in a torrent and served (visible).</summary>
    public IEnumerable<SampleRecord> Servable => Manifest.Records.Where(r => r.HasFile && r.Torrent is not null && r.Visible.Length == 0);

    public static async Task<ChaosSample> CreateAsync(string directory, CancellationToken cancellationToken)
    {
        var sampleDirectory = Path.Join(directory, "sample");
        var manifest = await SampleGenerator.CreateAsync(Options with { OutputDirectory = sampleDirectory }, cancellationToken: cancellationToken);
        var catalog = Path.Join(directory, "catalog.db");
        using (var store = CatalogStore.Open(catalog))
        {
            SqliteSearchIndex.Install(store);
            await SampleCatalog.ImportAsync(store, sampleDirectory, cancellationToken: cancellationToken);
        }

        return new ChaosSample(sampleDirectory, catalog, manifest);
    }

    /// <summary>
    /// A fixed selection spread over every torrent: the first, middle and last servable file of each (scimag
    /// articles are entries of zips), about 50 files in all.
    /// </summary>
    public IReadOnlyList<SampleRecord> Spread()
    {
        var picked = new List<SampleRecord>();
        foreach (var torrent in Manifest.Torrents)
        {
            var records = Servable.Where(r => r.Torrent == torrent.Name).OrderBy(r => r.Id).ToList();
            if (records.Count == 0)
            {
                continue;
            }

            picked.AddRange(new[] { records[0], records[records.Count / 2], records[^1] }.DistinctBy(r => r.Md5));
        }

        return picked;
    }
}
