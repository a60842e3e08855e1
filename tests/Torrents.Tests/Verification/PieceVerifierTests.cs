using System.Security.Cryptography;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Bencode;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Verification;

namespace LibraryCluster.Torrents.Tests.Verification;

public sealed class PieceVerifierTests : IDisposable
{
    private const int PieceLength = 4096;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>a: pieces 0-2 (ends inside piece 2), b: pieces 2-3, c: pieces 3-8.</summary>
    private Task<(TorrentMetainfo Torrent, byte[] File, string SaveDirectory)> ThreeFilesAsync() =>
        TestData.MultiFileTorrentAsync(_temp, "1000", PieceLength, ("a", 10_000), ("b", 5_000), ("c", 20_000));

    private static string PathOf(string save, string file) => Path.Join(save, "1000", file);

    [Fact]
    public async Task Intact_Data_Is_Complete()
    {
        var (torrent, _, save) = await ThreeFilesAsync();

        var report = await PieceVerifier.VerifyAsync(torrent, save);

        Assert.True(report.IsComplete);
        Assert.Equal(torrent.PieceCount, report.ValidPieces);
        Assert.Equal(35_000, report.BytesChecked);
        Assert.All(report.Files, f => Assert.Equal(FileState.Complete, f.State));
    }

    [Fact]
    public async Task Verify_Reports_The_Damaged_Piece_And_Both_Files_It_Spans()
    {
        var (torrent, _, save) = await ThreeFilesAsync();
        FlipBit(PathOf(save, "a"), 9_999);

        var report = await PieceVerifier.VerifyAsync(torrent, save);

        Assert.False(report.IsComplete);
        Assert.Equal(PieceState.Damaged, report.Pieces[2]);
        Assert.Equal(1, report.DamagedPieces);
        Assert.Equal([2], report.Files[0].DamagedPieces);
        Assert.Equal([2], report.Files[1].DamagedPieces);
        Assert.Equal(FileState.Damaged, report.Files[0].State);
        Assert.Equal(FileState.Damaged, report.Files[1].State);
        Assert.Equal(FileState.Complete, report.Files[2].State);
        Assert.Equal(["1000/a", "1000/b"], report.Problems.Select(p => p.File.RelativePath));
    }

    [Fact]
    public async Task A_Truncated_File_Is_Short_And_Its_Neighbour_Unverified()
    {
        var (torrent, _, save) = await ThreeFilesAsync();
        using (var stream = File.OpenWrite(PathOf(save, "b")))
        {
            stream.SetLength(4_000);
        }

        var report = await PieceVerifier.VerifyAsync(torrent, save);

        Assert.Equal(FileState.Short, report.Files[1].State);
        Assert.Equal(4_000, report.Files[1].ActualLength);
        Assert.Equal([3], report.Files[1].UnavailablePieces);
        Assert.Equal(PieceState.Valid, report.Pieces[2]);
        Assert.Equal(FileState.Complete, report.Files[0].State);
        Assert.Equal(FileState.Unverified, report.Files[2].State);
        Assert.Equal([3], report.Files[2].UnavailablePieces);
        Assert.False(report.IsComplete);
    }

    [Fact]
    public async Task A_Missing_File_Is_Reported_Missing()
    {
        var (torrent, _, save) = await ThreeFilesAsync();
        File.Delete(PathOf(save, "c"));

        var report = await PieceVerifier.VerifyAsync(torrent, save);

        Assert.Equal(FileState.Missing, report.Files[2].State);
        Assert.Null(report.Files[2].ActualLength);
        Assert.Equal(Enumerable.Range(3, 6), report.Files[2].UnavailablePieces);
        Assert.Equal(FileState.Unverified, report.Files[1].State);
        Assert.Equal(3, report.ValidPieces);
    }

    [Fact]
    public async Task A_File_Longer_Than_Expected_Is_Reported_Even_When_Its_Pieces_Match()
    {
        var (torrent, _, save) = await ThreeFilesAsync();
        await File.AppendAllTextAsync(PathOf(save, "c"), "extra");

        var report = await PieceVerifier.VerifyAsync(torrent, save);

        Assert.Equal(torrent.PieceCount, report.ValidPieces);
        Assert.Equal(FileState.TooLong, report.Files[2].State);
        Assert.Equal(20_005, report.Files[2].ActualLength);
        Assert.False(report.IsComplete);
    }

    [Fact]
    public async Task Verifies_Only_The_Pieces_Of_One_File()
    {
        var (torrent, _, save) = await ThreeFilesAsync();
        FlipBit(PathOf(save, "c"), 19_000);

        var report = await PieceVerifier.VerifyAsync(torrent, save, VerificationOptions.ForFile(torrent, 1));

        Assert.Equal(2..4, report.Scope);
        Assert.True(report.IsComplete);
        Assert.Equal(PieceState.NotChecked, report.Pieces[0]);
        Assert.Equal(PieceState.NotChecked, report.Pieces[8]);
        Assert.Equal([PieceState.Valid, PieceState.Valid], report.Pieces.Skip(2).Take(2));
        Assert.Equal(2 * PieceLength, report.BytesChecked);
    }

    [Fact]
    public async Task Verifies_Only_A_Byte_Range()
    {
        var (torrent, _, save) = await ThreeFilesAsync();
        FlipBit(PathOf(save, "a"), 0);

        var clean = await PieceVerifier.VerifyAsync(torrent, save, VerificationOptions.ForBytes(torrent, 30_000, 5_000));
        var dirty = await PieceVerifier.VerifyAsync(torrent, save, VerificationOptions.ForBytes(torrent, 100, 1));

        Assert.True(clean.IsComplete);
        Assert.Equal(7..9, clean.Scope);
        Assert.Equal(FileState.NotChecked, clean.Files[0].State);
        Assert.False(dirty.IsComplete);
        Assert.Equal([0], dirty.Files[0].DamagedPieces);
    }

    [Fact]
    public async Task A_Single_File_Torrent_Verifies_Against_Its_File()
    {
        var file = _temp.Write("save/book.pdf", TestData.Bytes(50_000, 9));
        var torrent = MetainfoParser.Parse(await TorrentBuilder.FromFileAsync(file, new TorrentBuildOptions { PieceLength = 16_384 }));

        Assert.True((await PieceVerifier.VerifyAsync(torrent, _temp.Join("save"))).IsComplete);
        FlipBit(file, 49_999);
        var report = await PieceVerifier.VerifyAsync(torrent, _temp.Join("save"));
        Assert.Equal([3], report.Files[0].DamagedPieces);
    }

    [Fact]
    public async Task Padding_Files_Are_Zeros_That_Need_Not_Exist()
    {
        var a = TestData.Bytes(10, 1);
        var b = TestData.Bytes(16, 2);
        byte[] piece0 = [.. a, .. new byte[6]];
        var files = new BList();
        foreach (var (path, length, padding) in new[] { ("a", 10, false), ("6", 6, true), ("b", 16, false) })
        {
            var components = new BList();
            if (padding)
            {
                components.Add(new BString(".pad"));
            }

            components.Add(new BString(path));
            var entry = new BDictionary { ["length"] = new BInteger(length), ["path"] = components };
            if (padding)
            {
                entry["attr"] = new BString("p");
            }

            files.Add(entry);
        }

        var info = new BDictionary
        {
            ["name"] = new BString("hybrid"),
            ["piece length"] = new BInteger(16),
            ["pieces"] = new BString((byte[])[.. SHA1.HashData(piece0), .. SHA1.HashData(b)]),
            ["files"] = files,
        };
        var torrent = MetainfoParser.Parse(BencodeEncoder.Encode(new BDictionary { ["info"] = info }));
        _temp.Write("save/hybrid/a", a);
        _temp.Write("save/hybrid/b", b);

        var report = await PieceVerifier.VerifyAsync(torrent, _temp.Join("save"));

        Assert.True(report.IsComplete);
    }

    [Fact]
    public async Task A_File_Reached_Through_A_Symbolic_Link_Is_Unreadable()
    {
        var (torrent, _, save) = await ThreeFilesAsync();
        var moved = _temp.Join("elsewhere");
        File.Move(PathOf(save, "b"), moved);
        File.CreateSymbolicLink(PathOf(save, "b"), moved);

        var report = await PieceVerifier.VerifyAsync(torrent, save);

        Assert.Equal(FileState.Unreadable, report.Files[1].State);
        Assert.Contains("symbolic link", report.Files[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_And_Serial_Verification_Agree_On_Every_Piece()
    {
        var sizes = Enumerable.Range(0, 40).Select(i => ($"f{i:D2}", (i * 7919 % 30_000) + 1)).ToArray();
        var (torrent, _, save) = await TestData.MultiFileTorrentAsync(_temp, "1000", 16_384, sizes);
        FlipBit(PathOf(save, "f07"), 5);
        FlipBit(PathOf(save, "f31"), 100);
        File.Delete(PathOf(save, "f20"));

        var serial = await PieceVerifier.VerifyAsync(torrent, save, new VerificationOptions { MaxParallelism = 1 });
        var parallel = await PieceVerifier.VerifyAsync(torrent, save, new VerificationOptions { MaxParallelism = 8 });

        Assert.Equal(serial.Pieces, parallel.Pieces);
        Assert.Equal(serial.Files.Select(f => f.State), parallel.Files.Select(f => f.State));
        Assert.Equal(2, serial.DamagedPieces);
    }

    [Fact]
    public async Task Reports_Progress_Up_To_The_Total()
    {
        var (torrent, _, save) = await ThreeFilesAsync();
        var reports = new List<VerificationProgress>();
        var progress = new SynchronousProgress(reports);

        await PieceVerifier.VerifyAsync(torrent, save, progress: progress);

        var last = reports[^1];
        Assert.Equal(torrent.PieceCount, last.PiecesDone);
        Assert.Equal(torrent.PieceCount, last.PiecesTotal);
        Assert.Equal(35_000, last.BytesDone);
        Assert.Equal(35_000, last.BytesTotal);
    }

    [Fact]
    public async Task Cancellation_Stops_Verification()
    {
        var (torrent, _, save) = await ThreeFilesAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PieceVerifier.VerifyAsync(torrent, save, cancellationToken: cancelled.Token));
    }

    private static void FlipBit(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x01));
    }

    private sealed class SynchronousProgress(List<VerificationProgress> reports) : IProgress<VerificationProgress>
    {
        public void Report(VerificationProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
