namespace LibraryCluster.Torrents.Verification;

/// <summary>A progress report: pieces and bytes done out of those in scope.</summary>
public readonly record struct VerificationProgress(int PiecesDone, int PiecesTotal, long BytesDone, long BytesTotal);
