using LibraryCluster.Samples;

namespace LibraryCluster.Catalog.Tests;

/// <summary>The small sample the catalogue tests import: every collection, books spread over several torrents.</summary>
internal static class SmallSample
{
    public static Task<SampleManifest> CreateAsync(string directory) => SampleGenerator.CreateAsync(new SampleOptions
    {
        OutputDirectory = directory,
        Books = 60,
        Fiction = 25,
        Scimag = 40,
        IdGap = 40,
        Seed = 5,
        PieceLength = 16_384,
    });
}
