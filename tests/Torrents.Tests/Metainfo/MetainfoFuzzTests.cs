using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Tests.Metainfo;

/// <summary>Bounded mutation fuzzing: whatever the bytes, parsing ends quickly with a result or the library's own error.</summary>
public sealed class MetainfoFuzzTests : IDisposable
{
    private const int Iterations = 20_000;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Mutated_Torrents_Only_Ever_Raise_The_Librarys_Own_Errors()
    {
        var (_, multi, _) = await TestData.MultiFileTorrentAsync(_temp, "1000", 16_384, ("a", 40_000), ("sub/b", 1_000), ("c", 70_000));
        var single = await TorrentBuilder.FromFileAsync(_temp.Write("one/book", TestData.Bytes(5_000, 3)), new TorrentBuildOptions { PieceLength = 16_384, Announce = "http://127.0.0.1:6969/announce" });
        byte[][] seeds = [multi, single];
        var random = new Random(20261121);
        var outcomes = new Dictionary<string, int>();

        // A hang guard, not a performance assertion: 20,000 parses take well under a second.
        await Task.Run(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                var input = Mutate(seeds[i % seeds.Length], random);
                string outcome;
                try
                {
                    MetainfoParser.Parse(input);
                    outcome = "parsed";
                }
                catch (TorrentException e)
                {
                    outcome = e.GetType().Name;
                }
                catch (Exception e)
                {
                    Assert.Fail($"iteration {i}: {e.GetType().Name} escaped: {e.Message}\ninput (base64): {Convert.ToBase64String(input)}");
                    return;
                }

                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(Iterations, outcomes.Values.Sum());
        Assert.True(outcomes.GetValueOrDefault("BencodeException") > 0);
        Assert.True(outcomes.GetValueOrDefault("MetainfoException") > 0);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations && data.Count > 0; m++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(8))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                    data.Insert(at, (byte)"0123456789:ield-"[random.Next(16)]);
                    break;
                case 3:
                    data.RemoveRange(at, Math.Min(data.Count - at, random.Next(1, 64)));
                    break;
                case 4:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 5:
                    data.InsertRange(at, data.GetRange(at, Math.Min(data.Count - at, random.Next(1, 128))));
                    break;
                case 6:
                    data.InsertRange(at, "99999999999"u8.ToArray());
                    break;
                default:
                    data.InsertRange(at, Enumerable.Repeat((byte)'l', random.Next(1, 200)));
                    break;
            }
        }

        return [.. data];
    }
}
