using LibraryCluster.Torrents.Verification;
using Spectre.Console;

namespace LibraryCluster.Cli;

/// <summary>How a verification looks to a person and to a script.</summary>
internal static class VerificationOutput
{
    /// <summary>Runs a verification with a progress bar on a terminal, silently otherwise.</summary>
    public static async Task<VerificationReport> RunAsync(string label, Func<IProgress<VerificationProgress>?, Task<VerificationReport>> verify)
    {
        if (!Terminal.IsInteractive)
        {
            return await verify(null).ConfigureAwait(false);
        }

        VerificationReport? report = null;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: 1);
                report = await verify(new BarProgress(task)).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return report!;
    }

    public static object ToJson(VerificationReport report) => new
    {
        report.Torrent.Name,
        InfoHash = report.Torrent.InfoHash.ToString(),
        report.IsComplete,
        Scope = new { FirstPiece = report.Scope.Start.Value, EndPiece = report.Scope.End.Value },
        Pieces = new
        {
            Total = report.Torrent.PieceCount,
            Valid = report.ValidPieces,
            Damaged = report.DamagedPieces,
            Unavailable = report.UnavailablePieces,
        },
        report.BytesChecked,
        Seconds = Math.Round(report.Elapsed.TotalSeconds, 3),
        MegabytesPerSecond = Math.Round(report.MegabytesPerSecond, 1),
        Files = report.Files.Where(f => f.State != FileState.NotChecked).Select(f => new
        {
            Path = f.File.RelativePath,
            f.State,
            ExpectedLength = f.File.Length,
            f.ActualLength,
            f.DamagedPieces,
            f.UnavailablePieces,
            f.Reason,
        }),
    };

    /// <summary>The problem files as a table, then the verdict and a final line with bytes checked and speed.</summary>
    public static void Write(VerificationReport report)
    {
        var problems = report.Problems.ToList();
        if (problems.Count > 0)
        {
            var table = new Table().Border(TableBorder.Simple)
                .AddColumn("file").AddColumn("state").AddColumn(new TableColumn("expected").RightAligned()).AddColumn(new TableColumn("on disk").RightAligned()).AddColumn("pieces").AddColumn("reason");
            foreach (var file in problems)
            {
                table.AddRow(
                    Markup.Escape(file.File.RelativePath),
                    StateMarkup(file.State),
                    file.File.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    file.ActualLength?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    Markup.Escape(PieceSummary(file)),
                    Markup.Escape(file.Reason ?? string.Empty));
            }

            AnsiConsole.Write(table);
        }

        var checkedPieces = report.Scope.End.Value - report.Scope.Start.Value;
        var scope = checkedPieces == report.Torrent.PieceCount ? string.Empty : $" (pieces {report.Scope.Start.Value}-{report.Scope.End.Value - 1} of {report.Torrent.PieceCount})";
        if (report.IsComplete)
        {
            AnsiConsole.MarkupLine($"[green]complete[/]: {report.ValidPieces} pieces valid, {report.Files.Count(f => f.State == FileState.Complete)} files intact{Markup.Escape(scope)}");
        }
        else
        {
            AnsiConsole.MarkupLine(
                $"[red]incomplete[/]: {report.DamagedPieces} damaged and {report.UnavailablePieces} unavailable of {checkedPieces} pieces; {problems.Count} of {report.Files.Count(f => f.State != FileState.NotChecked)} files have problems{Markup.Escape(scope)}");
        }

        AnsiConsole.WriteLine($"checked {report.BytesChecked:N0} bytes in {report.Elapsed.TotalSeconds:0.000} s: {report.MegabytesPerSecond:0} MB/s");
    }

    private static string PieceSummary(FileVerification file)
    {
        var parts = new List<string>();
        if (file.DamagedPieces.Count > 0)
        {
            parts.Add("damaged " + Terminal.Ranges(file.DamagedPieces));
        }

        if (file.UnavailablePieces.Count > 0)
        {
            parts.Add("unavailable " + Terminal.Ranges(file.UnavailablePieces));
        }

        return string.Join("; ", parts);
    }

    private static string StateMarkup(FileState state) => state switch
    {
        FileState.Complete => "[green]complete[/]",
        FileState.TooLong or FileState.Unverified => $"[yellow]{state.ToString().ToLowerInvariant()}[/]",
        _ => $"[red]{state.ToString().ToLowerInvariant()}[/]",
    };

    private sealed class BarProgress(ProgressTask task) : IProgress<VerificationProgress>
    {
        public void Report(VerificationProgress value)
        {
            task.MaxValue = Math.Max(1, value.BytesTotal);
            task.Value = value.BytesDone;
        }
    }
}
