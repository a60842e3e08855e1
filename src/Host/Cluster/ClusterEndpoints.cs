using LibraryCluster.Actors.Node;
using LibraryCluster.Host.Api;
using LibraryCluster.Host.Serving;

namespace LibraryCluster.Host.Cluster;

/// <summary>
/// What nodes ask each other: a file of a replica this node holds intact, by byte range, for a peer filling its
/// own copy. Cluster token required; only data the last verification found complete is sent.
/// </summary>
public static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/internal/replicas/{torrent}/files/{index:int}", [HttpMethods.Get, HttpMethods.Head], ReplicaFile).ExcludeFromDescription();

        // A scrub an operator asked of another node (libcluster torrents scrub): the answer is how many copies here will be scrubbed.
        app.MapPost("/internal/replicas/{torrent}/scrub", (string torrent, HttpContext context, ClusterRuntime cluster, ClusterAdmin admin) =>
            Peer(context, cluster) ?? Results.Ok(admin.ScrubHere(torrent))).ExcludeFromDescription();
        app.MapPost("/internal/scrub", (HttpContext context, ClusterRuntime cluster, ClusterAdmin admin) =>
            Peer(context, cluster) ?? Results.Ok(admin.ScrubHere(null))).ExcludeFromDescription();
    }

    /// <summary>Null when the request carries the cluster token, else the refusal.</summary>
    private static IResult? Peer(HttpContext context, ClusterRuntime cluster) =>
        cluster.Enabled && BearerToken.Matches(context.Request, cluster.Options.Token!)
            ? null
            : Answers.Problem(context, StatusCodes.Status401Unauthorized, "Cluster token required", "This endpoint is for the cluster's nodes; send Authorization: Bearer <Cluster:Token>.");

    private static IResult ReplicaFile(string torrent, int index, HttpContext context, ClusterRuntime cluster, MirrorNode node)
    {
        if (!cluster.Enabled || !BearerToken.Matches(context.Request, cluster.Options.Token!))
        {
            return Answers.Problem(context, StatusCodes.Status401Unauthorized, "Cluster token required", "This endpoint is for the cluster's nodes; send Authorization: Bearer <Cluster:Token>.");
        }

        if (node.FindServable(torrent, index) is not { } file)
        {
            return Answers.Problem(context, StatusCodes.Status404NotFound, "Not held intact here", $"this node has no verified copy of file {index} of {torrent}");
        }

        var info = new FileInfo(file.Path);
        if (file.ChangedSinceVerified(info) is { } change)
        {
            node.ReportReadError(torrent, $"{change} (a peer asked for it)");
            return Answers.Problem(context, StatusCodes.Status503ServiceUnavailable, "Being checked", $"{torrent}'s copy here is being checked again");
        }

        return WholeFileResult.Handles(context.Request)
            ? new WholeFileResult(file.Path, file.Length, "application/octet-stream", info.Name, info.LastWriteTimeUtc, null, detail => node.ReportReadError(torrent, detail))
            : Results.File(file.Path, "application/octet-stream", enableRangeProcessing: true);
    }
}
