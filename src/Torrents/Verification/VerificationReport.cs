using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Verification;

/// <summary>The result of verifying a torrent's data against its piece hashes.</summary>
public sealed record VerificationReport
{
    public required TorrentMetainfo Torrent { get; init; }

    /// <summary>The pieces that were in scope.</summary>
    public required Range Scope { get; init; }

    /// <summary>One state per piece of the torrent (<see cref="PieceState.NotChecked"/> outside the scope).</summary>
    public required IReadOnlyList<PieceState> Pieces { get; init; }

    /// <summary>One verdict per file of the torrent, padding files included.</summary>
    public required IReadOnlyList<FileVerification> Files { get; init; }

    /// <summary>Bytes read and hashed.</summary>
    public required long BytesChecked { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public int ValidPieces => Pieces.Count(p => p == PieceState.Valid);

    public int DamagedPieces => Pieces.Count(p => p == PieceState.Damaged);

    public int UnavailablePieces => Pieces.Count(p => p == PieceState.Unavailable);

    /// <summary>True when every piece in scope is valid and every file in scope is complete.</summary>
    public bool IsComplete =>
        DamagedPieces == 0 && UnavailablePieces == 0 && Files.All(f => f.State is FileState.Complete or FileState.NotChecked);

    /// <summary>The files that are not complete, in torrent order.</summary>
    public IEnumerable<FileVerification> Problems => Files.Where(f => f.State is not (FileState.Complete or FileState.NotChecked));

    public double MegabytesPerSecond => Elapsed.TotalSeconds > 0 ? BytesChecked / 1e6 / Elapsed.TotalSeconds : 0;
}
