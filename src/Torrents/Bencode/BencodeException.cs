namespace LibraryCluster.Torrents.Bencode;

/// <summary>Malformed bencode: says what was expected and at which byte offset.</summary>
public sealed class BencodeException : TorrentException
{
    public BencodeException(string problem, long offset)
        : base($"bencode error at byte {offset}: {problem}")
    {
        Problem = problem;
        Offset = offset;
    }

    /// <summary>What was wrong, without the position.</summary>
    public string Problem { get; }

    /// <summary>The byte offset in the input where the problem was found.</summary>
    public long Offset { get; }
}
