using System.Globalization;
using System.Text;

namespace LibraryCluster.Cluster.Tests;

/// <summary>Detection and heal times measured during one run, printed at the end (docs/cluster-chaos.md quotes them).</summary>
public sealed class ChaosFigures
{
    private readonly List<(string Step, string What, TimeSpan Time)> _times = [];
    private readonly List<string> _notes = [];

    public void Time(string step, string what, TimeSpan time) => _times.Add((step, what, time));

    public void Note(string note) => _notes.Add(note);

    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("| step | measured | seconds |");
        text.AppendLine("| --- | --- | ---: |");
        foreach (var (step, what, time) in _times)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {step} | {what} | {time.TotalSeconds:0.00} |");
        }

        text.AppendLine();
        foreach (var note in _notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }

        return text.ToString();
    }
}
