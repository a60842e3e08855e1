using System.CommandLine;
using System.Globalization;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Verification;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster torrent show|verify|scrape</c>: read a .torrent, check data against it, scrape its trackers.</summary>
internal static class TorrentCommands
{
    public static Command Build() => new("torrent", "Inspect .torrent files, verify data against them, and ask their trackers for seeder counts.")
    {
        Show(),
        Verify(),
        ScrapeCommand.Build(),
    };

    private static Command Show()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The .torrent file." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command("show", "Show a torrent's metadata and files.\n\nExample:\n  libcluster torrent show sample/torrents/r_000.torrent") { file, json };
        command.SetAction((parse, _) => Terminal.RunAsync(() =>
        {
            var torrent = MetainfoParser.Load(parse.GetValue(file)!.FullName);
            if (parse.GetValue(json))
            {
                Terminal.WriteJson(ToJson(torrent));
            }
            else
            {
                WriteShow(torrent);
            }

            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static Command Verify()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The .torrent file." };
        var data = new Option<DirectoryInfo>("--data") { Description = "The save directory: the folder that holds the torrent's root folder (or its single file).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var only = new Option<string?>("--file") { Description = "Verify only the pieces of this file (its path inside the torrent, with or without the root folder)." };
        var offset = new Option<long?>("--offset") { Description = "Verify only the pieces holding this byte range of the torrent's data: its start (use with --length)." };
        var length = new Option<long?>("--length") { Description = "Length of the byte range to verify (use with --offset)." };
        var threads = new Option<int?>("--threads") { Description = "Hashing threads (default: one per core)." };
        var command = new Command(
            "verify",
            "Verify data against a torrent's piece hashes. Exit 0: complete and valid; 3: damaged or missing data (the report names files and pieces); 2: bad input.\n\nExample:\n  libcluster torrent verify sample/torrents/r_000.torrent --data sample/data/r_000")
        {
            file, data, json, only, offset, length, threads,
        };
        command.SetAction((parse, cancellationToken) => Terminal.RunAsync(async () =>
        {
            var torrentFile = parse.GetValue(file)!;
            var torrent = MetainfoParser.Load(torrentFile.FullName);
            var saveDirectory = parse.GetValue(data)!;
            if (!saveDirectory.Exists)
            {
                throw new DirectoryNotFoundException($"--data {saveDirectory.FullName}: no such directory");
            }

            var options = Scope(torrent, parse.GetValue(only), parse.GetValue(offset), parse.GetValue(length)) with { MaxParallelism = parse.GetValue(threads) ?? Environment.ProcessorCount };
            if (options.MaxParallelism < 1)
            {
                throw new ArgumentException($"--threads {options.MaxParallelism}: must be at least 1");
            }

            var report = await VerificationOutput.RunAsync(
                Path.GetFileNameWithoutExtension(torrentFile.Name),
                progress => PieceVerifier.VerifyAsync(torrent, saveDirectory.FullName, options, progress, cancellationToken)).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Terminal.WriteJson(VerificationOutput.ToJson(report));
            }
            else
            {
                VerificationOutput.Write(report);
            }

            return report.IsComplete ? ExitCodes.Ok : ExitCodes.Damaged;
        }));
        return command;
    }

    private static VerificationOptions Scope(TorrentMetainfo torrent, string? file, long? offset, long? length)
    {
        if (file is not null && (offset is not null || length is not null))
        {
            throw new ArgumentException("--file and --offset/--length choose the scope in two ways; give one");
        }

        if (file is not null)
        {
            var match = torrent.Files.FirstOrDefault(f => f.RelativePath == file || string.Join('/', f.PathComponents.Skip(1)) == file)
                ?? throw new ArgumentException($"--file {file}: the torrent has no such file");
            return VerificationOptions.ForFile(torrent, match.Index);
        }

        if (offset is null != length is null)
        {
            throw new ArgumentException("--offset and --length go together");
        }

        if (offset is { } start && length is { } count)
        {
            if (start < 0 || count <= 0 || start >= torrent.TotalLength)
            {
                throw new ArgumentException($"--offset {start} --length {count}: outside the torrent's {torrent.TotalLength} bytes");
            }

            return VerificationOptions.ForBytes(torrent, start, count);
        }

        return new VerificationOptions();
    }

    private static object ToJson(TorrentMetainfo torrent) => new
    {
        torrent.Name,
        InfoHash = torrent.InfoHash.ToString(),
        torrent.PieceLength,
        torrent.PieceCount,
        torrent.TotalLength,
        torrent.IsMultiFile,
        torrent.IsPrivate,
        torrent.IsHybrid,
        torrent.Announce,
        torrent.AnnounceList,
        torrent.UrlList,
        torrent.CreationDate,
        torrent.CreatedBy,
        torrent.Comment,
        Files = torrent.Files.Select(f => new { Path = f.RelativePath, f.Length, f.Offset, f.IsPadding }),
    };

    private static void WriteShow(TorrentMetainfo torrent)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                grid.AddRow(new Text(key), new Text(value));
            }
        }

        Row("name", torrent.Name);
        Row("info-hash", torrent.InfoHash.ToString());
        Row("size", $"{torrent.TotalLength.ToString("N0", CultureInfo.InvariantCulture)} bytes ({Terminal.Bytes(torrent.TotalLength)})");
        Row("pieces", $"{torrent.PieceCount} × {Terminal.Bytes(torrent.PieceLength)}");
        Row("files", torrent.Files.Count.ToString(CultureInfo.InvariantCulture) + (torrent.IsMultiFile ? string.Empty : " (single-file torrent)"));
        Row("private", torrent.IsPrivate ? "yes" : "no");
        Row("hybrid v1+v2", torrent.IsHybrid ? "yes (v1 part used)" : null);
        Row("announce", torrent.Announce);
        Row("announce-list", string.Join(" | ", torrent.AnnounceList.Select(tier => string.Join(", ", tier))));
        Row("web seeds", string.Join(", ", torrent.UrlList));
        Row("created", torrent.CreationDate?.ToString("u", CultureInfo.InvariantCulture));
        Row("created by", torrent.CreatedBy);
        Row("comment", torrent.Comment);
        AnsiConsole.Write(grid);

        var table = new Table().Border(TableBorder.Simple).AddColumn("path").AddColumn(new TableColumn("bytes").RightAligned()).AddColumn(new TableColumn("offset").RightAligned());
        foreach (var file in torrent.Files)
        {
            table.AddRow(
                Markup.Escape(file.RelativePath + (file.IsPadding ? " (padding)" : string.Empty)),
                file.Length.ToString("N0", CultureInfo.InvariantCulture),
                file.Offset.ToString("N0", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"Count: {torrent.Files.Count} files");
    }
}
