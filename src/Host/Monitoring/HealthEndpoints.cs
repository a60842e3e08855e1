using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Volumes;
using LibraryCluster.Host.Node;
using LibraryCluster.Host.Swarm;

namespace LibraryCluster.Host.Monitoring;

/// <summary>/healthz (the process answers), /readyz (store and volumes checked; the swarm's state on a second line), /metrics (Prometheus text).</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n")).WithSummary("Alive: the process answers.");
        app.MapGet("/readyz", ReadyAsync).WithSummary("Ready: the node started, its store answers and at least one volume works.");
        app.MapGet("/metrics", async (MirrorNode node, NodeMetrics metrics, CancellationToken ct) =>
            Results.Text(metrics.Render(node, await node.GetVolumesAsync(ct).ConfigureAwait(false)), "text/plain; version=0.0.4; charset=utf-8")).ExcludeFromDescription();
    }

    /// <summary>Ready while the stores answer and at least one volume works; failed volumes are listed either way.</summary>
    private static async Task<IResult> ReadyAsync(NodeLifetime lifetime, NodeDrain drain, MirrorNode node, CatalogReader catalog, SwarmRuntime swarm, CancellationToken cancellationToken)
    {
        if (!lifetime.Started)
        {
            return Results.Text("starting\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (drain.Draining)
        {
            // Asked to drain before a planned stop (POST /drain): take no new requests, finish those in flight.
            return Results.Text($"draining: {drain.InFlight} requests in flight\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var problems = new List<string>();
        var storesAnswer = true;
        try
        {
            node.Store.Ping();
            catalog.Read(s => s.HasRecords());
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or Catalog.CatalogException)
        {
            storesAnswer = false;
            problems.Add($"store: {e.Message}");
        }

        var volumes = await node.GetVolumesAsync(cancellationToken).ConfigureAwait(false);
        problems.AddRange(volumes.Where(v => v.State != VolumeState.In).Select(v => $"volume {v.Id} {v.State}: {v.Reason}"));
        var ready = storesAnswer && volumes.Any(v => v.State == VolumeState.In);
        // Seeding is not needed to serve: the swarm's state is a second line, not a reason to be unready.
        var text = (ready ? "ready" : "not ready") + (problems.Count > 0 ? ": " + string.Join("; ", problems) : string.Empty) + "\n"
            + "swarm: " + await swarm.DescribeAsync(cancellationToken).ConfigureAwait(false)
            + (node.Seeding is { LastPass: not null } seeding ? $"; {seeding.Seeding} torrents seeding, {seeding.Paused} paused{(seeding.Problem is { } p ? $" ({p})" : string.Empty)}" : string.Empty) + "\n";
        return Results.Text(text, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
