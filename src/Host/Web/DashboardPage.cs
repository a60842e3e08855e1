using System.Globalization;
using System.Text;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Holdings;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Actors.Volumes;
using LibraryCluster.Host.Swarm;

namespace LibraryCluster.Host.Web;

/// <summary>The operator's view: volumes (fill, state, errors), torrents with their replica states and check progress, the journal.</summary>
public static class DashboardPage
{
    /// <summary>What the trackers last said of each torrent held, judged as the holdings policy judges it.</summary>
    public static IReadOnlyDictionary<string, HoldingChoice> Swarms(MirrorNode node, ScrapeStore scrapes, DateTimeOffset now)
    {
        var byHash = scrapes.Read().ToLookup(s => s.InfoHash, StringComparer.Ordinal);
        var options = new HoldingsOptions { MaxBytes = 0, Now = now };
        return node.View.Torrents.ToDictionary(
            t => t.Name,
            t =>
            {
                var hash = t.Metainfo.InfoHash.ToString();
                return HoldingsPolicy.Judge(new HoldingCandidate(t.Name, hash, t.Metainfo.TotalLength, node.View.Replica(t.Name)?.IsHeld == true, [.. byHash[hash]]), options);
            },
            StringComparer.Ordinal);
    }

    public static string Render(MirrorNode node, IReadOnlyList<VolumeStatus> volumes, IReadOnlyList<JournalEntry> journal, string swarm, IReadOnlyDictionary<string, HoldingChoice> swarms, ScrapeRound? lastScrape)
    {
        var body = new StringBuilder("<h1>Dashboard</h1>");
        var replicas = node.View.Replicas.ToList();
        var summary = string.Join(", ", replicas.GroupBy(r => r.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
        body.Append(I($"<p class=\"meta\">{replicas.Count} torrents: {Html.Encode(summary.Length > 0 ? summary : "none yet")}. <a href=\"/metrics\">metrics</a> · <form method=\"post\" action=\"/admin/logout\" style=\"display:inline\"><button type=\"submit\">Sign out</button></form></p>"));
        body.Append(I($"<p class=\"meta\" id=\"swarm\">Swarm: {Html.Encode(swarm)}</p>"));
        body.Append(lastScrape is null
            ? "<p class=\"meta\" id=\"scrape\">Seeder counts: no scrape since the node started.</p>"
            : I($"<p class=\"meta\" id=\"scrape\">Seeder counts: last scrape {Html.Time(lastScrape.At)}, {lastScrape.WithCounts} of {lastScrape.Torrents} torrents counted; {lastScrape.TrackersAnswered} of {lastScrape.Trackers} trackers answered.</p>"));

        body.Append("<h2>Volumes</h2><div class=\"scroll\"><table id=\"volumes\"><thead><tr><th>Volume</th><th>State</th><th>Fill</th><th>Free</th><th>Torrents</th><th>Last probe</th><th>Problem</th></tr></thead><tbody>");
        foreach (var v in volumes)
        {
            var used = v.TotalBytes is { } total && v.FreeBytes is { } free && total > 0 ? (double)(total - free) / total : 0;
            var held = node.View.Torrents.Count(t => t.Volume == v.Id);
            var state = v.State == VolumeState.In ? "<span class=\"badge held\">In</span>" : "<span class=\"badge bad\">Failed</span>";
            body.Append(I($"<tr data-volume=\"{Html.Encode(v.Id)}\"><td><strong>{Html.Encode(v.Id)}</strong><div class=\"meta\">{Html.Encode(v.Path)}</div></td><td>{state}</td><td><div class=\"fill\" title=\"{used:P0}\"><span style=\"width:{used * 100:0}%\"></span></div></td><td>{Html.Bytes(v.FreeBytes)}</td><td>{held}</td><td>{Html.Time(v.LastProbe)}</td><td>{Html.Encode(v.Reason)}{(v.ConsecutiveFailures > 0 ? I($" ({v.ConsecutiveFailures} failures)") : string.Empty)}</td></tr>"));
        }

        body.Append("</tbody></table></div><h2>Torrents</h2><div class=\"scroll\"><table id=\"torrents\"><thead><tr><th>Torrent</th><th>Volume</th><th>Size</th><th>State</th><th>Seeders</th><th>Since</th><th>Last verified</th><th>Reason</th></tr></thead><tbody>");
        foreach (var torrent in node.View.Torrents)
        {
            var r = node.View.Replica(torrent.Name);
            var state = r is null ? "starting" : r.State.ToString();
            var progress = r?.Progress is { } p ? I($" {p:P0}") : string.Empty;
            body.Append(I($"<tr data-torrent=\"{Html.Encode(torrent.Name)}\"><td>{Html.Encode(torrent.Name)}</td><td>{Html.Encode(torrent.Volume)}</td><td>{Html.Bytes(torrent.Metainfo.TotalLength)}</td><td><span class=\"badge {Badge(r?.State)}\">{state}{progress}</span></td>{SwarmCell(swarms.GetValueOrDefault(torrent.Name))}<td>{Html.Time(r?.Since)}</td><td>{Html.Time(r?.LastVerified)}</td><td>{Html.Encode(r?.Reason)}</td></tr>"));
        }

        body.Append("</tbody></table></div><h2>Journal</h2><div class=\"scroll\"><table id=\"journal\"><thead><tr><th>Time</th><th>Torrent</th><th>Volume</th><th>From → to</th><th>Bytes</th><th>Reason</th></tr></thead><tbody>");
        foreach (var e in journal)
        {
            body.Append(I($"<tr><td>{Html.Time(e.At)}</td><td>{Html.Encode(e.Torrent ?? "—")}</td><td>{Html.Encode(e.Volume)}</td><td>{Html.Encode(e.From)} → {Html.Encode(e.To)}</td><td>{Html.Bytes(e.Bytes)}</td><td>{Html.Encode(e.Reason)}</td></tr>"));
        }

        body.Append("</tbody></table></div>");
        return Html.Page("Dashboard", body.ToString());
    }

    public static string Login(string? problem) => Html.Page("Sign in", $$"""
        <h1>Operator sign-in</h1>
        {{(problem is null ? string.Empty : $"<p class=\"notice\" role=\"alert\">{Html.Encode(problem)}</p>")}}
        <form method="post" action="/admin/login" class="search">
        <input type="password" name="token" placeholder="Admin token" aria-label="Admin token" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
        </form>
        """);

    private static string Badge(ReplicaState? state) => state switch
    {
        ReplicaState.Healthy or ReplicaState.Scrubbing => "held",
        ReplicaState.Damaged or ReplicaState.Lost => "bad",
        ReplicaState.Verifying or ReplicaState.Fetching or ReplicaState.Repairing => "warn",
        _ => "absent",
    };

    /// <summary>Seeders and leechers from the tracker reporting the most seeders, with where and when in the tooltip.</summary>
    private static string SwarmCell(HoldingChoice? swarm) => swarm switch
    {
        { Counts: { } c, Knowledge: var k } => I($"<td class=\"seeders\" title=\"{Html.Encode($"{swarm.Tracker}, {swarm.ScrapedAt:u}{(k == SwarmKnowledge.Stale ? " (stale)" : string.Empty)}")}\">{c.Seeders} / {c.Leechers}{(k == SwarmKnowledge.Stale ? " (old)" : string.Empty)}</td>"),
        { Note: { } note } => I($"<td class=\"seeders\" title=\"{Html.Encode(note)}\">?</td>"),
        _ => "<td class=\"seeders\">?</td>",
    };

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
