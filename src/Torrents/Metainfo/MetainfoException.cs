namespace LibraryCluster.Torrents.Metainfo;

/// <summary>A .torrent that decodes as bencode but is not valid metainfo; names the field at fault.</summary>
public sealed class MetainfoException : TorrentException
{
    public MetainfoException(string field, string problem)
        : base($"{field}: {problem}")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>Where in the metainfo, e.g. <c>info.files[3].path[1]</c>.</summary>
    public string Field { get; }

    public string Problem { get; }
}
