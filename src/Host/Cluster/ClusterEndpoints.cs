using System.Security.Cryptography;
using System.Text;
using LibraryCluster.Actors.Node;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Host.Cluster;

/// <summary>
/// What nodes ask each other: a file of a replica this node holds intact, by byte range, for a peer filling its
/// own copy. Cluster token required; only data the last verification found complete is sent.
/// </summary>
public static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app) =>
        app.MapMethods("/internal/replicas/{torrent}/files/{index:int}", [HttpMethods.Get, HttpMethods.Head], ReplicaFile).ExcludeFromDescription();

    private static IResult ReplicaFile(string torrent, int index, HttpContext context, ClusterRuntime cluster, MirrorNode node)
    {
        if (!cluster.Enabled || !Authorized(context, cluster.Options.Token!))
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Cluster token required", detail: "This endpoint is for the cluster's nodes; send Authorization: Bearer <Cluster:Token>.");
        }

        var held = node.View.Torrent(torrent);
        var replica = node.View.Replica(torrent);
        if (held is null || replica is null || index < 0 || index >= held.Metainfo.Files.Count || !replica.CanServe(index))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not held intact here", detail: $"this node has no verified copy of file {index} of {torrent}");
        }

        var entry = held.Metainfo.Files[index];
        var path = TorrentPath.Resolve(held.SaveDirectory, entry.PathComponents, out var refusal);
        if (path is null || new FileInfo(path) is not { Exists: true } info || info.Length != entry.Length)
        {
            node.ReportReadError(torrent, $"file {index} of {torrent} is not as verified when a peer asked for it ({refusal ?? "size changed or missing"})");
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Being checked", detail: $"{torrent}'s copy here is being checked again");
        }

        return Results.File(path, "application/octet-stream", enableRangeProcessing: true);
    }

    private static bool Authorized(HttpContext context, string token)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return header.StartsWith(Bearer, StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Bearer.Length..]), Encoding.UTF8.GetBytes(token));
    }
}
