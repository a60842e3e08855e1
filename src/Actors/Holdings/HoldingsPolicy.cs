using System.Globalization;
using LibraryCluster.Actors.Cluster.Store;

namespace LibraryCluster.Actors.Holdings;

/// <summary>
/// "Fill this cluster up to N TB, fewest seeders first", the way Anna's Archive's torrent-list generator ranks
/// LibGen's torrents (<c>generate_torrents</c> in its <c>allthethings/dyn/views.py</c>): score =
/// (seeders + 0.1 × leechers) × (average size ÷ size), lowest first, so a big torrent with few seeders per byte comes
/// before a small one with the same count; then take torrents in that order, skipping any that no longer fit.
/// Unlike the generator it is deterministic (ties by name, no random increment) so a plan can be shown and then
/// applied as shown; a torrent with no seeders is kept only if held (the generator leaves such torrents out:
/// nobody could fetch them); torrents whose count is unknown are placed after the known ones or skipped.
/// A pure function.
/// </summary>
public static class HoldingsPolicy
{
    public static HoldingsPlan Plan(IReadOnlyList<HoldingCandidate> candidates, HoldingsOptions options)
    {
        if (options.MaxBytes < 0)
        {
            throw new ArgumentException($"the size to fill is {options.MaxBytes} bytes; it cannot be negative");
        }

        var judged = candidates.DistinctBy(c => c.Name, StringComparer.Ordinal).Select(c => Judge(c, options)).ToList();
        var ranked = judged.Where(j => j.Knowledge == SwarmKnowledge.Known && (j.Counts!.Value.Seeders > 0 || j.Torrent.Held)).ToList();
        var average = ranked.Count == 0 ? 1.0 : ranked.Average(j => (double)Math.Max(1, j.Torrent.Size));
        ranked = ranked
            .Select(j => j with { Score = (j.Counts!.Value.Seeders + (options.LeecherWeight * j.Counts.Value.Leechers)) * (average / Math.Max(1, j.Torrent.Size)) })
            .OrderBy(j => j.Score).ThenBy(j => j.Torrent.Name, StringComparer.Ordinal).ToList();

        var chosen = new List<HoldingChoice>();
        var notChosen = new List<HoldingChoice>();
        var total = 0L;
        void Fill(IEnumerable<HoldingChoice> ordered, string because)
        {
            foreach (var j in ordered)
            {
                if (j.Torrent.Size <= options.MaxBytes - total)
                {
                    total += j.Torrent.Size;
                    chosen.Add(j with { Chosen = true, RunningTotal = total, Reason = because });
                }
                else
                {
                    notChosen.Add(j with { Reason = string.Create(CultureInfo.InvariantCulture, $"does not fit: {options.MaxBytes - total:N0} bytes left") });
                }
            }
        }

        Fill(ranked, "fewest seeders per byte");
        var unknown = judged.Where(j => j.Knowledge != SwarmKnowledge.Known)
            .OrderByDescending(j => j.Torrent.Held).ThenBy(j => j.Torrent.Name, StringComparer.Ordinal).ToList();
        if (options.Unknown == UnknownSwarms.Last)
        {
            Fill(unknown, "seeder count unknown: placed after every known one");
        }
        else
        {
            notChosen.AddRange(unknown.Select(j => j with { Reason = "seeder count unknown: skipped" }));
        }

        notChosen.AddRange(judged
            .Where(j => j.Knowledge == SwarmKnowledge.Known && j.Counts!.Value.Seeders == 0 && !j.Torrent.Held)
            .OrderBy(j => j.Torrent.Name, StringComparer.Ordinal)
            .Select(j => j with { Reason = "no seeders and not held: nothing to fetch it from" }));
        return new HoldingsPlan(options.MaxBytes, chosen, notChosen);
    }

    /// <summary>The counts to use: among fresh successful scrapes, the tracker reporting the most seeders (peers announce to every tracker, so counts are not added).</summary>
    public static HoldingChoice Judge(HoldingCandidate torrent, HoldingsOptions options)
    {
        var succeeded = torrent.Scrapes.Where(s => s.Counts is not null && s.ScrapedAt is not null)
            .OrderByDescending(s => s.Counts!.Value.Seeders).ThenByDescending(s => s.Counts!.Value.Leechers).ThenBy(s => s.Tracker, StringComparer.Ordinal).ToList();
        var fresh = succeeded.FirstOrDefault(s => options.Now - s.ScrapedAt!.Value <= options.MaxAge);
        var failing = torrent.Scrapes.Where(s => s.Error is not null).OrderByDescending(s => s.AttemptedAt).ToList();
        var failNote = failing.Count == 0 ? null : $"{failing.Count} tracker{(failing.Count == 1 ? string.Empty : "s")} failing, latest: {failing[0].Tracker}: {failing[0].Error}";
        if (fresh is not null)
        {
            return Choice(torrent, SwarmKnowledge.Known, fresh, failNote);
        }

        if (succeeded.Count > 0)
        {
            var newest = succeeded.MaxBy(s => s.ScrapedAt)!;
            return Choice(torrent, SwarmKnowledge.Stale, newest, $"counts from {newest.ScrapedAt:u} are older than {options.MaxAge.TotalDays.ToString("0.##", CultureInfo.InvariantCulture)} days" + (failNote is null ? string.Empty : $"; {failNote}"));
        }

        return failing.Count > 0
            ? Choice(torrent, SwarmKnowledge.Failed, null, failNote)
            : Choice(torrent, SwarmKnowledge.NeverScraped, null, "never scraped");
    }

    private static HoldingChoice Choice(HoldingCandidate torrent, SwarmKnowledge knowledge, TrackerScrape? from, string? note) =>
        new(torrent, knowledge, from?.Counts, from?.Tracker, from?.ScrapedAt, note, Score: null, Chosen: false, RunningTotal: 0, Reason: string.Empty);
}
