namespace LibraryCluster.Actors.Cluster.Transfers;

/// <summary>What a fetch did: pieces already good on disk, pieces fetched (each verified before it was written), bytes moved.</summary>
public sealed record FetchReport(int PiecesAlreadyValid, int PiecesFetched, long BytesFetched, TimeSpan Elapsed, IReadOnlyList<string> Sources);
