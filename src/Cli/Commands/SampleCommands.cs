using System.CommandLine;
using System.Globalization;
using LibraryCluster.Catalog;
using LibraryCluster.Samples;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Verification;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster sample create|verify</c>: demo data and test fixtures in LibGen's real shapes.</summary>
internal static class SampleCommands
{
    public static Command Build() => new("sample", "Make and check sample collections in LibGen's real formats (no real LibGen data is needed).")
    {
        Create(),
        Verify(),
    };

    private static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write (new, empty, or an earlier sample to replace).", Required = true };
        var books = new Option<int>("--books") { Description = "Non-fiction (scitech) records." };
        var fiction = new Option<int>("--fiction") { Description = "Fiction records." };
        var scimag = new Option<int>("--scimag") { Description = "Scimag (article) records." };
        var seed = new Option<long>("--seed") { Description = "The same seed gives the same bytes.", DefaultValueFactory = _ => 1 };
        var scale = new Option<double>("--size-scale") { Description = "Multiplies file sizes; 1 gives real sizes (books a median of about 5 MB).", DefaultValueFactory = _ => SampleOptions.DefaultSizeScale };
        var gap = new Option<int>("--id-gap") { Description = "Mean step between record IDs; larger spreads records over more torrents.", DefaultValueFactory = _ => 1 };
        var pieceLength = new Option<int?>("--piece-length") { Description = "Piece length in bytes for every torrent (default: 4 MiB for r_/f_, 16 MiB for sm_)." };
        var announce = new Option<string?>("--announce") { Description = "Tracker announce URL to put in the torrents." };
        var noData = new Option<bool>("--no-data") { Description = "Write the dumps only: no data files, no torrents (MD5s are stand-ins). For catalogues of millions of rows." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command(
            "create",
            "Write a sample collection: dumps/ (libgen.sql, fiction.sql, scimag.sql), torrents/ (r_000, f_0, sm_00000000-00099999, ...) and data/<torrent>/.\n\nExample:\n  libcluster sample create --out sample --books 200 --fiction 50 --scimag 100 --seed 7")
        {
            output, books, fiction, scimag, seed, scale, gap, pieceLength, announce, noData, json,
        };
        command.SetAction((parse, cancellationToken) => Terminal.RunAsync(async () =>
        {
            var options = new SampleOptions
            {
                OutputDirectory = parse.GetValue(output)!.FullName,
                Books = parse.GetValue(books),
                Fiction = parse.GetValue(fiction),
                Scimag = parse.GetValue(scimag),
                Seed = parse.GetValue(seed),
                SizeScale = parse.GetValue(scale),
                IdGap = parse.GetValue(gap),
                PieceLength = parse.GetValue(pieceLength),
                Announce = parse.GetValue(announce),
                NoData = parse.GetValue(noData),
            };

            SampleManifest manifest;
            if (Terminal.IsInteractive)
            {
                SampleManifest? made = null;
                await AnsiConsole.Status().StartAsync("starting", async status =>
                {
                    made = await SampleGenerator.CreateAsync(options, new Progress<string>(s => status.Status(Markup.Escape(s))), cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
                manifest = made!;
            }
            else
            {
                manifest = await SampleGenerator.CreateAsync(options, null, cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(json))
            {
                Terminal.WriteJson(new { Directory = options.OutputDirectory, manifest.Torrents, Records = manifest.Records.Count, manifest.DataBytes });
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumn("collection").AddColumn(new TableColumn("records").RightAligned())
                .AddColumn(new TableColumn("files").RightAligned()).AddColumn(new TableColumn("torrents").RightAligned()).AddColumn(new TableColumn("data").RightAligned());
            foreach (var collection in Enum.GetValues<Collection>())
            {
                var records = manifest.Records.Where(r => r.Collection == collection).ToList();
                var torrents = manifest.Torrents.Where(t => t.Collection == collection).ToList();
                table.AddRow(
                    collection.ToString().ToLowerInvariant(),
                    records.Count.ToString(CultureInfo.InvariantCulture),
                    records.Count(r => r.HasFile).ToString(CultureInfo.InvariantCulture),
                    torrents.Count.ToString(CultureInfo.InvariantCulture),
                    Terminal.Bytes(torrents.Sum(t => t.Bytes)));
            }

            AnsiConsole.Write(table);
            AnsiConsole.WriteLine($"wrote {options.OutputDirectory}: dumps/, torrents/ ({manifest.Torrents.Count}), data/ ({Terminal.Bytes(manifest.DataBytes)}), {SampleGenerator.ManifestFileName}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Verify()
    {
        var directory = new Option<DirectoryInfo>("--dir") { Description = "A folder made by 'sample create'.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command(
            "verify",
            "Verify every torrent of a sample against its data/<torrent>/ folder. Exit 0 when all are complete, 3 when anything is damaged or missing.\n\nExample:\n  libcluster sample verify --dir sample")
        {
            directory, json,
        };
        command.SetAction((parse, cancellationToken) => Terminal.RunAsync(async () =>
        {
            var root = parse.GetValue(directory)!;
            var torrentFiles = root.Exists ? root.GetFiles("*.torrent", new EnumerationOptions { RecurseSubdirectories = true }).OrderBy(f => f.Name, StringComparer.Ordinal).ToList() : [];
            if (torrentFiles.Count == 0)
            {
                throw new FileNotFoundException($"--dir {root.FullName}: no .torrent files under it; make one with 'libcluster sample create'");
            }

            var results = new List<(string Name, VerificationReport Report)>();
            foreach (var file in torrentFiles)
            {
                var name = Path.GetFileNameWithoutExtension(file.Name);
                var torrent = MetainfoParser.Load(file.FullName);
                var saveDirectory = Path.Join(root.FullName, "data", name);
                results.Add((name, await VerificationOutput.RunAsync(name, progress => PieceVerifier.VerifyAsync(torrent, saveDirectory, null, progress, cancellationToken)).ConfigureAwait(false)));
            }

            var reports = results.Select(r => r.Report).ToList();

            var complete = reports.All(r => r.IsComplete);
            if (parse.GetValue(json))
            {
                Terminal.WriteJson(new { Complete = complete, Torrents = reports.Select(VerificationOutput.ToJson) });
                return complete ? ExitCodes.Ok : ExitCodes.Damaged;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumn("torrent").AddColumn(new TableColumn("files").RightAligned())
                .AddColumn(new TableColumn("size").RightAligned()).AddColumn(new TableColumn("pieces").RightAligned()).AddColumn("result").AddColumn(new TableColumn("MB/s").RightAligned());
            foreach (var (name, report) in results)
            {
                table.AddRow(
                    Markup.Escape(name),
                    report.Torrent.Files.Count.ToString(CultureInfo.InvariantCulture),
                    Terminal.Bytes(report.Torrent.TotalLength),
                    report.Torrent.PieceCount.ToString(CultureInfo.InvariantCulture),
                    report.IsComplete ? "[green]complete[/]" : $"[red]{report.DamagedPieces} damaged, {report.UnavailablePieces} unavailable[/]",
                    report.MegabytesPerSecond.ToString("0", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            foreach (var (name, report) in results.Where(r => !r.Report.IsComplete))
            {
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(name)}[/]");
                VerificationOutput.Write(report);
            }

            var bytes = reports.Sum(r => r.BytesChecked);
            var seconds = reports.Sum(r => r.Elapsed.TotalSeconds);
            AnsiConsole.WriteLine(
                $"Count: {reports.Count} torrents, {reports.Count(r => r.IsComplete)} complete; checked {bytes:N0} bytes in {seconds:0.000} s: {(seconds > 0 ? bytes / 1e6 / seconds : 0):0} MB/s");
            return complete ? ExitCodes.Ok : ExitCodes.Damaged;
        }));
        return command;
    }
}
