using LibraryCluster.Catalog.Import;
using LibraryCluster.Catalog.Store;

namespace LibraryCluster.Samples;

/// <summary>A sample's three dumps, and importing all of them into a catalogue (demo, tests, benchmarks).</summary>
public static class SampleCatalog
{
    /// <summary>The dump files a sample writes under <c>dumps/</c>, in import order.</summary>
    public static readonly IReadOnlyList<string> Dumps = ["libgen.sql", "fiction.sql", "scimag.sql"];

    /// <summary>Imports every dump of the sample in <paramref name="sampleDirectory"/> into <paramref name="store"/>.</summary>
    public static async Task<IReadOnlyList<ImportReport>> ImportAsync(ICatalogStore store, string sampleDirectory, ImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        var reports = new List<ImportReport>();
        foreach (var dump in Dumps)
        {
            reports.Add(await CatalogImporter.ImportAsync(store, Path.Join(sampleDirectory, "dumps", dump), options, null, cancellationToken).ConfigureAwait(false));
        }

        return reports;
    }
}
