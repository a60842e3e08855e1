using System.Globalization;
using LibraryCluster.Actors.Operations;
using Spectre.Console;

namespace LibraryCluster.Cli;

/// <summary>Tables and lines the operator commands share, pbm-style: one line per thing, then a count.</summary>
internal static class Output
{
    /// <summary>A table with the given columns; a column named with a leading '>' is right-aligned (numbers).</summary>
    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(column.StartsWith('>') ? new TableColumn(column[1..]).RightAligned() : new TableColumn(column));
        }

        return table;
    }

    /// <summary>Adds a row of plain text (nothing in it is read as markup).</summary>
    public static void Row(this Table table, params string?[] cells) => table.AddRow(cells.Select(c => Markup.Escape(c ?? string.Empty)).ToArray());

    public static void Line(string text) => AnsiConsole.WriteLine(text);

    public static void Count(int count, string things) => AnsiConsole.WriteLine($"Count: {count} {things}");

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"0.8 s ago", "3 min ago": how long since, for heartbeats and checks.</summary>
    public static string Ago(DateTimeOffset then, DateTimeOffset now)
    {
        var age = now - then;
        return age.TotalSeconds < 60 ? $"{Math.Max(0, age.TotalSeconds):0.0} s ago" : $"{Terminal.Age(age)} ago";
    }

    public static string Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>What a state-changing call did, in one line.</summary>
    public static void Result(OperationResult result) =>
        AnsiConsole.WriteLine(result.Changed ? $"{result.Message} (epoch {result.Epoch})" : $"Nothing to do: {result.Message}");

    public static string Duration(double seconds) => seconds switch
    {
        < 60 => $"{seconds:0} s",
        < 3600 => $"{seconds / 60:0} min",
        < 172_800 => $"{seconds / 3600:0.0} h",
        _ => $"{seconds / 86_400:0.0} d",
    };
}
