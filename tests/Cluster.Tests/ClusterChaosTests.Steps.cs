using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace LibraryCluster.Cluster.Tests;

/// <summary>The faults, one method each, in the order the test injects them.</summary>
public sealed partial class ClusterChaosTests
{
    /// <summary>The sample starts on node1's volume a only; the cluster spreads it to two copies of every torrent.</summary>
    private async Task InitialSpreadAsync()
    {
        var settlement = await SettledAsync("the sample spread from node1 to 2 Healthy copies of every torrent", StartLimit);
        HealFigures("start", "nodes ready", _ready, settlement);
        await DownloadsAsync("after the initial spread", Cluster.Sample.Spread());
    }

    /// <summary>Step 1: the directory of the volume holding the most Healthy copies is deleted with everything in it.</summary>
    private async Task<string> VolumeFailsAsync()
    {
        const string Step = "1 volume failure";
        var before = await Cluster.Tables.ReadAsync(Token);
        var copies = before.Replicas
            .Where(r => r.State == "Healthy" && RunningIds.Contains(r.Node))
            .GroupBy(r => r.VolumeId)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .First().ToList();
        var node = Cluster.Node(copies[0].Node);
        var volume = copies[0].Volume;
        var volumeId = copies[0].VolumeId;
        var lost = copies.Select(r => r.Torrent).ToList();

        var at = DateTimeOffset.UtcNow;
        Directory.Delete(node.VolumePath(volume), recursive: true);
        Log($"{Step}: deleted {node.VolumePath(volume)} ({volumeId}, Healthy copies of {string.Join(", ", lost)})");

        var failedInMap = await UntilAsync($"volume {volumeId} Failed in the map after its directory was deleted", StepLimit, s =>
            s.Volume(volumeId) is { State: "Failed" } ? null : $"{volumeId} is {s.Volume(volumeId)?.State ?? "missing"}");
        _figures.Time(Step, "directory deleted → map says Failed", failedInMap.ReadAt - at);

        var settlement = await SettledAsync($"every torrent back to 2 Healthy copies after {volumeId} failed", StepLimit);
        HealFigures(Step, "directory deleted", at, settlement);

        // The journal tells it: the volume Failed, each copy on it Lost, then each made again elsewhere.
        var journal = await Cluster.Tables.JournalSinceAsync(at.ToUnixTimeMilliseconds(), Token);
        var missing = new List<string>();
        if (journal.FirstOrDefault(j => j.Node == node.Id && j.Torrent is null && j.Volume == volume && j.To == "Failed") is { } failed)
        {
            _figures.Time(Step, "directory deleted → the node journals the volume Failed", TimeSpan.FromMilliseconds(failed.At - at.ToUnixTimeMilliseconds()));
        }
        else
        {
            missing.Add($"no journal entry for volume {volumeId} turning Failed");
        }

        var relocated = 0;
        foreach (var torrent in lost)
        {
            var lostEntry = journal.FirstOrDefault(j => j.Node == node.Id && j.Torrent == torrent && j.Volume == volume && j.To == "Lost");
            var remade = lostEntry is null ? null : journal.FirstOrDefault(j => j.Torrent == torrent && j.Seq > lostEntry.Seq && j.From == "Fetching" && j.To == "Healthy" && !(j.Node == node.Id && j.Volume == volume));
            if (lostEntry is null)
            {
                missing.Add($"{torrent}: no 'Lost' entry on {volumeId}");
            }
            else if (remade is null)
            {
                missing.Add($"{torrent}: Lost on {volumeId} but no Fetching → Healthy entry after it");
            }
            else if (remade.Node == node.Id)
            {
                relocated++;
            }
        }

        AssertJournal(Step, missing, journal);
        _figures.Note($"{Step}: {volumeId} held {lost.Count} Healthy copies; {relocated} were made again on {node.Id}'s other volume, {lost.Count - relocated} on other nodes");
        await DownloadsAsync($"after {volumeId} failed", Cluster.Sample.Spread());
        return node.Id;
    }

    /// <summary>Step 2: bytes flipped in the middle of a book in a Healthy copy; an operator asks that node to verify.</summary>
    private async Task BitsFlipAsync(string avoid)
    {
        const string Step = "2 bit flips";
        var before = await Cluster.Tables.ReadAsync(Token);
        var candidates = before.Replicas
            .Where(r => r.State == "Healthy" && r.Node != avoid && RunningIds.Contains(r.Node) && r.Torrent.StartsWith("r_", StringComparison.Ordinal))
            .ToList();
        var replica = candidates[candidates.Count / 2];
        var node = Cluster.Node(replica.Node);
        var record = Cluster.Sample.Servable.Where(r => r.Torrent == replica.Torrent && r.ZipEntry is null).MaxBy(r => r.Size)!;
        var path = Path.Join([node.VolumePath(replica.Volume), replica.Torrent, .. record.PathInTorrent!.Split('/')]);
        FlipBytes(path, 16);
        Log($"{Step}: flipped 16 bytes in the middle of {path} ({record.Size} bytes) on {replica.VolumeId}");

        var at = DateTimeOffset.UtcNow;
        using (var admin = new HttpClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.Endpoint, $"api/admin/torrents/{replica.Torrent}/verify"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LocalCluster.Token);
            using var response = await admin.SendAsync(request, Token);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST verify {replica.Torrent} on {node.Id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Token)}");
        }

        var mine = (Func<JournalRow, bool>)(j => j.Node == node.Id && j.Torrent == replica.Torrent);
        var damaged = await UntilJournalAsync($"{replica.Torrent} on {node.Id} found Damaged by the verification", StepLimit, at, j => mine(j) && j.To == "Damaged");
        _figures.Time(Step, "verify asked → Damaged", TimeSpan.FromMilliseconds(damaged.At - at.ToUnixTimeMilliseconds()));

        // Once the check has found the damage, the node must never hand out the flipped bytes: it serves a peer's copy.
        var (problem, servedBy, _) = await _downloads.DownloadAsync(node, record, 3, Token);
        if (problem is not null)
        {
            Finding($"{Step}: GET /files/{record.Md5} through {node.Id} after its copy was found Damaged: {problem}");
        }

        Log($"{Step}: the damaged file through {node.Id} right after the check: {problem ?? $"right bytes, served by {servedBy ?? $"{node.Id} itself (already repaired)"}"}");

        var repaired = await UntilJournalAsync($"{replica.Torrent} on {node.Id} repaired to Healthy", StepLimit, at, j => mine(j) && j.Seq > damaged.Seq && j.From == "Repairing" && j.To == "Healthy");
        _figures.Time(Step, "verify asked → repaired from a peer (Healthy)", TimeSpan.FromMilliseconds(repaired.At - at.ToUnixTimeMilliseconds()));
        var settlement = await SettledAsync($"every torrent with 2 Healthy copies after {replica.Torrent} was repaired", StepLimit);
        HealFigures(Step, "verify asked", at, settlement);

        var journal = await Cluster.Tables.JournalSinceAsync(at.ToUnixTimeMilliseconds(), Token);
        var story = journal.Where(mine).Select(j => j.To).ToList();
        var missing = IsSubsequence(["Verifying", "Damaged", "Repairing", "Healthy"], story)
            ? []
            : new List<string> { $"{replica.Torrent} on {node.Id} went {string.Join(" → ", story)}, not Verifying → Damaged → Repairing → Healthy" };
        AssertJournal(Step, missing, journal);

        var onDisk = Convert.ToHexStringLower(MD5.HashData(await File.ReadAllBytesAsync(path, Token)));
        Assert.True(onDisk == record.Md5, $"{path} was repaired but its MD5 is {onDisk}, not {record.Md5}");
        await DownloadsAsync($"after {replica.Torrent} was repaired", [.. Cluster.Sample.Spread(), record]);
    }

    /// <summary>Step 3: the node with the most Healthy copies is killed with SIGKILL and stays away until it is Out.</summary>
    private async Task<NodeProcess> NodeIsKilledAsync(string avoid)
    {
        const string Step = "3 node killed";
        var before = await Cluster.Tables.ReadAsync(Token);
        var victim = Cluster.Nodes
            .Where(n => n.Id != avoid && !_stopped.Contains(n.Id))
            .OrderByDescending(n => before.Replicas.Count(r => r.Node == n.Id && r.State == "Healthy")).ThenBy(n => n.Id, StringComparer.Ordinal)
            .First();
        var held = before.Replicas.Where(r => r.Node == victim.Id && r.State == "Healthy").Select(r => r.Torrent).ToList();

        var at = DateTimeOffset.UtcNow;
        _stopped.Add(victim.Id);
        victim.Kill();
        Log($"{Step}: killed {victim.Id} (pid {victim.ProcessId}) holding Healthy copies of {string.Join(", ", held)}");

        var down = await UntilAsync($"{victim.Id} Down after kill -9", StepLimit, s => s.Node(victim.Id)?.State is "Down" or "Out" ? null : $"{victim.Id} is {s.Node(victim.Id)?.State}");
        var toDown = TimeSpan.FromMilliseconds(down.Node(victim.Id)!.StateSince - at.ToUnixTimeMilliseconds());
        _figures.Time(Step, "kill → Down", toDown);
        if (toDown > TimeSpan.FromSeconds(10))
        {
            Finding($"{Step}: {victim.Id} was marked Down {Seconds(toDown)} after it was killed, more than 10 s");
        }

        // While it is Down, reads route around it: a file of every torrent it held, through every running node.
        var heldFiles = Cluster.Sample.Servable.Where(r => held.Contains(r.Torrent!)).DistinctBy(r => r.Torrent).ToList();
        await DownloadsAsync($"while {victim.Id} is Down", heldFiles);

        var outState = await UntilAsync($"{victim.Id} Out after the down-out interval ({DownOut.TotalSeconds:0} s)", StepLimit, s => s.Node(victim.Id)?.State == "Out" ? null : $"{victim.Id} is {s.Node(victim.Id)?.State}");
        var outAt = outState.Node(victim.Id)!.StateSince;
        _figures.Time(Step, "kill → Out", TimeSpan.FromMilliseconds(outAt - at.ToUnixTimeMilliseconds()));

        var settlement = await SettledAsync($"every torrent back to 2 Healthy copies on the {RunningIds.Count} running nodes after {victim.Id} went Out", StepLimit);
        HealFigures(Step, "Out", DateTimeOffset.FromUnixTimeMilliseconds(outAt), settlement);
        _figures.Time(Step, "kill → every torrent has 2 Healthy copies on the running nodes", settlement.HealedAt - at);

        var journal = await Cluster.Tables.JournalSinceAsync(at.ToUnixTimeMilliseconds(), Token);
        var missing = held
            .Where(t => !journal.Any(j => j.Torrent == t && j.Node != victim.Id && j.From == "Fetching" && j.To == "Healthy" && j.At >= outAt))
            .Select(t => $"{t}: held by {victim.Id}, but no Fetching → Healthy entry on another node after it went Out")
            .ToList();
        AssertJournal(Step, missing, journal);
        await DownloadsAsync($"after {victim.Id} went Out", Cluster.Sample.Spread());
        return victim;
    }

    /// <summary>
    /// Step 4: PostgreSQL stopped under the running nodes for <see cref="DatabaseOutage"/>, files downloaded while it
    /// is down, then started again. The outage outlasts the heartbeat lease (DownAfter, 5 s), as a restart with crash
    /// recovery or a failover does: no node can renew its lease meanwhile, and none stopped.
    /// </summary>
    private async Task DatabaseRestartsAsync()
    {
        const string Step = "4 database restart";
        var running = Cluster.Nodes.Where(n => !_stopped.Contains(n.Id)).ToList();
        var stopAt = DateTimeOffset.UtcNow;
        await Cluster.Postgres.StopServerAsync();
        var stopped = DateTimeOffset.UtcNow;
        Log($"{Step}: PostgreSQL stopped ({Seconds(stopped - stopAt)} to stop)");

        // The nodes keep serving from what they hold and from their last view of who holds what: right after the
        // database went, and again once every heartbeat lease has lapsed.
        var few = Cluster.Sample.Spread().DistinctBy(r => r.Torrent).ToList();
        var early = await _downloads.CheckAsync(running, few, attempts: 1, Token);
        Log($"{Step}: downloads just after the database stopped: {early}");
        var left = DatabaseOutage - (DateTimeOffset.UtcNow - stopAt);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, Token);
        }

        var late = await _downloads.CheckAsync(running, few, attempts: 1, Token);
        Log($"{Step}: downloads {Seconds(DateTimeOffset.UtcNow - stopAt)} into the outage: {late}");
        var during = new DownloadReport(early.Downloads + late.Downloads, early.Local + late.Local, early.Forwarded + late.Forwarded, early.Retried + late.Retried, [.. early.Failures, .. late.Failures]);

        await Cluster.Postgres.StartServerAsync();
        var startedAt = DateTimeOffset.UtcNow;
        _figures.Time(Step, "database unreachable (stop begun → started again)", startedAt - stopAt);
        if (during.Failures.Count > 0)
        {
            throw await FailureAsync($"{Step}: downloads while the database was down failed: {during}:\n{string.Join('\n', during.Failures.Take(30))}");
        }

        var since = startedAt.ToUnixTimeMilliseconds();
        var beating = await UntilAsync("every running node heartbeating again after the database restart", StepLimit, s =>
            running.Where(n => s.Node(n.Id) is not { State: "Up" } row || row.Heartbeat < since).Select(n => $"{n.Id} {s.Node(n.Id)?.State}, last heartbeat {s.Node(n.Id)?.Heartbeat - since} ms after the restart").FirstOrDefault());
        _figures.Time(Step, "database started → every running node heartbeating", beating.ReadAt - startedAt);
        var settlement = await SettledAsync("every torrent with 2 Healthy copies after the database restart", StepLimit);
        HealFigures(Step, "database started", startedAt, settlement);

        // Nobody stopped: no node should have been thought Down, and no copy should have changed.
        var flaps = Watch.Changes.Where(c => c.Kind == "node" && c.SeenAt >= stopAt && c.To is "Down" or "Out").ToList();
        if (flaps.Count > 0)
        {
            Finding($"{Step}: running nodes were marked Down after a database outage of {Seconds(startedAt - stopAt)} (DownAfter is 5 s): {string.Join("; ", flaps.Select(f => $"{f.Id} {f.From} → {f.To} at {f.SeenAt:HH:mm:ss.fff} ({f.Reason})"))}");
        }

        var journal = await Cluster.Tables.JournalSinceAsync(stopAt.ToUnixTimeMilliseconds(), Token);
        var changed = journal.Where(j => j.Torrent is not null).ToList();
        if (changed.Count > 0)
        {
            Finding($"{Step}: the restart changed copies: {string.Join("; ", changed.Take(10).Select(Describe))}");
        }

        _figures.Note($"{Step}: {during.Downloads} downloads through {running.Count} nodes while the database was down, all with the right bytes ({during.Local} local, {during.Forwarded} forwarded)");
        await DownloadsAsync("after the database restart", Cluster.Sample.Spread());
    }

    /// <summary>Step 5: the killed node, Out by now, starts again over the same data directory.</summary>
    private async Task KilledNodeReturnsAsync(NodeProcess node)
    {
        const string Step = "5 node returns";
        var before = await Cluster.Tables.ReadAsync(Token);
        var itsCopies = before.Replicas.Where(r => r.Node == node.Id && r.State != "Lost").Select(r => r.Torrent).ToList();
        Assert.True(before.Node(node.Id)?.State == "Out", $"{node.Id} should be Out before it returns, is {before.Node(node.Id)?.State}");

        var at = DateTimeOffset.UtcNow;
        node.Start();
        _stopped.Remove(node.Id);
        Log($"{Step}: started {node.Id} again over {node.Directory}; the map still lists {itsCopies.Count} copies there");
        await Cluster.WaitReadyAsync(node, StepLimit, Token);

        var up = await UntilAsync($"{node.Id} Up again after it returned", StepLimit, s => s.Node(node.Id)?.State == "Up" ? null : $"{node.Id} is {s.Node(node.Id)?.State}");
        var rejoined = up.Node(node.Id)!;
        _figures.Time(Step, "process started → Up in the map", TimeSpan.FromMilliseconds(rejoined.StateSince - at.ToUnixTimeMilliseconds()));
        if (!rejoined.Reason.Contains("Out", StringComparison.Ordinal))
        {
            Finding($"{Step}: {node.Id} rejoined with reason '{rejoined.Reason}', not as a node that was Out");
        }

        var settlement = await SettledAsync($"every torrent with exactly 2 Healthy copies after {node.Id} returned", StepLimit);
        HealFigures(Step, "process started", at, settlement);

        // Every copy it had is checked again before it counts; then placement keeps it or retires it.
        var journal = await Cluster.Tables.JournalSinceAsync(at.ToUnixTimeMilliseconds(), Token);
        var missing = new List<string>();
        foreach (var torrent in itsCopies)
        {
            var verifying = journal.FirstOrDefault(j => j.Node == node.Id && j.Torrent == torrent && j.To == "Verifying");
            if (verifying is null)
            {
                missing.Add($"{torrent}: {node.Id} had a copy but journaled no Verifying after it returned");
            }
            else if (!journal.Any(j => j.Node == node.Id && j.Torrent == torrent && j.Seq > verifying.Seq && j.To is "Healthy" or "Retiring" or "Gone"))
            {
                missing.Add($"{torrent}: {node.Id} verified its copy but it neither turned Healthy nor was retired");
            }
        }

        AssertJournal(Step, missing, journal);
        var verified = itsCopies.Count(t => journal.Any(j => j.Node == node.Id && j.Torrent == t && j.To == "Verifying"));
        var kept = settlement.State.Replicas.Count(r => r.Node == node.Id && r.State == "Healthy");
        var retiredThere = journal.Count(j => j.Node == node.Id && j.To == "Gone");
        var retiredElsewhere = journal.Count(j => j.Node != node.Id && j.To == "Gone");
        _figures.Note($"{Step}: {node.Id} came back with {itsCopies.Count} copies and journaled a new check of {verified}; {kept} Healthy there in the end, {retiredThere} retired there, {retiredElsewhere} copies made while it was Out retired elsewhere");
        await DownloadsAsync($"after {node.Id} returned", Cluster.Sample.Spread());
    }

    /// <summary>The journal must tell the step; a finding names the entries missing, with what the journal did say.</summary>
    private void AssertJournal(string step, List<string> missing, IReadOnlyList<JournalRow> journal)
    {
        if (missing.Count == 0)
        {
            Log($"{step}: journal has {journal.Count} entries since the step began, telling it as expected");
            return;
        }

        Finding($"{step}: the journal does not tell the story:\n  - {string.Join("\n  - ", missing)}\n  journal since the step began:\n    {string.Join("\n    ", journal.Take(80).Select(Describe))}");
    }

    private static string Describe(JournalRow j) =>
        $"#{j.Seq} {DateTimeOffset.FromUnixTimeMilliseconds(j.At):HH:mm:ss.fff} {j.Node} {j.Torrent ?? "(volume)"} {j.Volume} {j.From} → {j.To}: {j.Reason}";

    private static bool IsSubsequence(IReadOnlyList<string> wanted, IReadOnlyList<string> seen)
    {
        var i = 0;
        foreach (var state in seen)
        {
            if (i < wanted.Count && state == wanted[i])
            {
                i++;
            }
        }

        return i == wanted.Count;
    }

    /// <summary>Inverts <paramref name="count"/> bytes in the middle of a file, keeping its size.</summary>
    private static void FlipBytes(string path, int count)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var middle = file.Length / 2;
        var bytes = new byte[count];
        file.Position = middle;
        file.ReadExactly(bytes);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= 0xFF;
        }

        file.Position = middle;
        file.Write(bytes);
        file.Flush(flushToDisk: true);
    }
}
