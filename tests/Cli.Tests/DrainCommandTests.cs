using System.Security.Cryptography;
using System.Text.Json;
using LibraryCluster.Samples;
using LibraryCluster.Testing;

namespace LibraryCluster.Cli.Tests;

/// <summary>
/// A node of its own for the drain, which changes it for good. One book's file on volume b is deleted before the
/// node starts, so that its torrent's copy there is Partial (it never was whole), as an on-demand fetch leaves one.
/// </summary>
public sealed class DrainNode : RunningNode
{
    /// <summary>The book whose file is not there.</summary>
    public SampleRecord Missing { get; private set; } = null!;

    protected override int NotWhole => 1;

    // Pieces small enough that a missing book leaves most of its torrent's pieces whole.
    protected override SampleOptions Sample => DefaultSample with { PieceLength = 16 * 1024 };

    protected override void BeforeStart()
    {
        var onB = Directory.GetDirectories(Volume("b")).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var books = Manifest.Records
            .Where(r => r.HasFile && r.ZipEntry is null && r.Collection == Catalog.Collection.Scitech && onB.Contains(r.Torrent))
            .GroupBy(r => r.Torrent)
            .First(g => g.Count() >= 3)
            .ToList();
        Missing = books[books.Count / 2];
        var file = Path.Join(Volume("b"), Missing.Torrent, Missing.PathInTorrent);
        Assert.True(File.Exists(file), file);
        File.Delete(file);
    }
}

/// <summary>
/// A scripted drain on a single node, from <c>volumes drain</c> to an empty volume: every copy moves to the other
/// volume, verified before the old one is deleted (a Partial copy with the files it has), books still download, the
/// journal says who asked.
/// </summary>
public sealed class DrainCommandTests(DrainNode node) : IClassFixture<DrainNode>
{
    [Fact]
    public async Task Volumes_drain_moves_every_copy_to_the_other_volume_and_leaves_it_empty_and_out()
    {
        var onB = Directory.GetDirectories(node.Volume("b")).Select(Path.GetFileName).ToList();
        Assert.NotEmpty(onB);
        var book = node.Manifest.Records.First(r => r.HasFile && r.Visible.Length == 0 && r.ZipEntry is null && onB.Contains(r.Torrent) && r.Torrent != node.Missing.Torrent);
        await Eventually.UntilAsync(
            () => node.JsonAsync("torrents", "show", node.Missing.Torrent!),
            shown => shown.GetProperty("replicas").EnumerateArray().Single().GetProperty("state").GetString() == "Partial",
            TimeSpan.FromMilliseconds(100));
        SampleRecord? beside = null;
        foreach (var record in node.Manifest.Records.Where(r => r.HasFile && r.Visible.Length == 0 && r.Torrent == node.Missing.Torrent && r.Md5 != node.Missing.Md5))
        {
            if ((await node.Admin.GetAsync($"/files/{record.Md5}")).IsSuccessStatusCode)
            {
                beside = record;
                break;
            }
        }

        Assert.NotNull(beside);

        var (code, output, error) = await node.RunAsync("volumes", "drain", "local/b", "--wait");

        Assert.True(code == 0, error);
        Assert.Contains("local/b is draining", output, StringComparison.Ordinal);
        Assert.Contains("local/b is Out: drained", output, StringComparison.Ordinal);
        var volume = await node.JsonAsync("volumes", "show", "local/b");
        Assert.Equal("Out", volume.GetProperty("volume").GetProperty("state").GetString());
        Assert.Empty(volume.GetProperty("replicas").EnumerateArray());
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(node.Volume("b")), e => Path.GetFileName(e) != Actors.Volumes.VolumeProbe.CanaryName);
        foreach (var torrent in onB)
        {
            var shown = await node.JsonAsync("torrents", "show", torrent!);
            var copy = Assert.Single(shown.GetProperty("replicas").EnumerateArray());
            Assert.Equal("a", copy.GetProperty("volume").GetString());
            Assert.Equal(torrent == node.Missing.Torrent ? "Partial" : "Healthy", copy.GetProperty("state").GetString());
            Assert.StartsWith("moved from volume b to a", copy.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        // The Partial copy moved with every file it had: they are served from volume a; the missing one is still missing.
        foreach (var served in new[] { book, beside! })
        {
            var downloaded = await node.Admin.GetByteArrayAsync($"/files/{served.Md5}");
            Assert.Equal(served.Md5, Convert.ToHexStringLower(MD5.HashData(downloaded)));
        }

        Assert.False((await node.Admin.GetAsync($"/files/{node.Missing.Md5}")).IsSuccessStatusCode);

        // The journal has the operator's change, each copy's move, and the volume turning Out.
        var journal = await node.JsonAsync("journal", "tail", "--volume", "local/b", "-n", "100");
        var entries = journal.EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("to").GetString() == "Draining" && e.GetProperty("reason").GetString()!.Contains($"asked by {Environment.UserName}@", StringComparison.Ordinal));
        Assert.Equal(onB.Count, entries.Count(e => e.GetProperty("to").GetString() == "Moving"));
        Assert.Contains(entries, e => e.GetProperty("to").GetString() == "Out");

        // Draining it again changes nothing; draining the last volume is refused, for it has nowhere to go.
        Assert.StartsWith("Nothing to do", (await node.RunAsync("volumes", "drain", "local/b")).Output, StringComparison.Ordinal);
        var last = await node.RunAsync("volumes", "drain", "local/a");
        Assert.Equal(6, last.ExitCode);
        Assert.Contains("nowhere to go", last.Error, StringComparison.Ordinal);

        // An empty volume comes back in.
        Assert.Equal(0, (await node.RunAsync("volumes", "in", "b")).ExitCode);
        Assert.Equal("In", (await node.JsonAsync("volumes", "show", "local/b")).GetProperty("volume").GetProperty("state").GetString());
    }
}
