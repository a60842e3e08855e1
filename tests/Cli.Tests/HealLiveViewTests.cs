using System.Text.RegularExpressions;
using LibraryCluster.Actors.Operations;
using LibraryCluster.Cli.Commands;
using LibraryCluster.Cli.Connection;
using LibraryCluster.Testing;
using Spectre.Console;

namespace LibraryCluster.Cli.Tests;

/// <summary>A node of its own for the live view, whose data the test damages and repairs.</summary>
public sealed class HealNode : RunningNode;

/// <summary>
/// <c>heal status</c>'s live view on a terminal, against a real node: it draws what is left to heal, redraws it in
/// place as the node reports, and ends by itself once nothing is left. The terminal is Spectre's own console on an
/// interactive ANSI profile writing to memory; the node is real, and so is the damage it heals.
/// </summary>
public sealed partial class HealLiveViewTests(HealNode node) : IClassFixture<HealNode>
{
    [Fact]
    public async Task The_live_view_redraws_what_is_left_in_place_and_ends_by_itself_when_the_copy_is_healthy_again()
    {
        // A copy found damaged: the one-node cluster has a copy to make again (and nothing to make it from).
        var torrent = node.Manifest.Torrents.First(t => t.Name.StartsWith("r_", StringComparison.Ordinal)).Name;
        var file = Directory.EnumerateFiles(Directory.GetDirectories(Path.Join(node.DataDirectory, "volumes"), torrent, SearchOption.AllDirectories).Single(), "*", SearchOption.AllDirectories).First();
        var original = await File.ReadAllBytesAsync(file);
        var damaged = original.ToArray();
        damaged[0] ^= 0xFF;
        await File.WriteAllBytesAsync(file, damaged);
        Assert.True((await node.Admin.PostAsync($"/api/admin/torrents/{torrent}/verify", null)).IsSuccessStatusCode);

        using var client = new AdminClient(new Uri(node.Address), RunningNode.Token, "heal-test");
        var first = await Eventually.UntilAsync(
            () => client.GetAsync<HealReport>("api/admin/cluster/heal", CancellationToken.None),
            r => r.Items.Any(i => i.Torrent == torrent && i.State == "Damaged"),
            TimeSpan.FromMilliseconds(100));

        // The view asks again every 50 ms; once it has drawn a second look, the data is put back and checked.
        var screen = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(screen),
        });
        var reads = 0;
        var redrawn = new TaskCompletionSource();
        var watching = HealCommands.WatchAsync(
            console,
            first,
            async cancellationToken =>
            {
                var report = await client.GetAsync<HealReport>("api/admin/cluster/heal", cancellationToken);
                if (++reads == 1)
                {
                    redrawn.TrySetResult();
                }

                return report;
            },
            all: false,
            TimeSpan.FromMilliseconds(50),
            CancellationToken.None);
        await redrawn.Task.WaitAsync(Eventually.Patience);
        await File.WriteAllBytesAsync(file, original);
        Assert.True((await node.Admin.PostAsync($"/api/admin/torrents/{torrent}/verify", null)).IsSuccessStatusCode);

        var last = await watching.WaitAsync(Eventually.Patience);

        Assert.Empty(last.Items);
        Assert.True(reads >= 2, $"the view read {reads} times");
        var output = screen.ToString();
        Assert.Contains("To move: 1 copies", output, StringComparison.Ordinal);
        Assert.Matches($@"{Regex.Escape(torrent)}\s+Heal\s+local/\w+\s+.*\s+0/1\s+Damaged", output);
        Assert.Contains($"{torrent}: no Healthy copy on an Up node to copy from", output, StringComparison.Ordinal);

        // Redrawn in place: the cursor goes back up over the previous frame, and the last frame says it is over.
        Assert.Matches(CursorUp(), output);
        var final = output[output.LastIndexOf("Torrents:", StringComparison.Ordinal)..];
        Assert.Contains("Nothing left to move", final, StringComparison.Ordinal);
        Assert.DoesNotContain("Damaged", final, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\x1b\[\d+A")]
    private static partial Regex CursorUp();
}
