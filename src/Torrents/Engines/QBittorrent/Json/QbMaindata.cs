using System.Text.Json.Serialization;

namespace LibraryCluster.Torrents.Engines.QBittorrent.Json;

/// <summary>A sync/maindata answer: everything (full_update) or only what changed since the rid we sent.</summary>
internal sealed class QbMaindata
{
    [JsonPropertyName("rid")]
    public long Rid { get; set; }

    [JsonPropertyName("full_update")]
    public bool FullUpdate { get; set; }

    [JsonPropertyName("torrents")]
    public Dictionary<string, QbTorrentPatch>? Torrents { get; set; }

    [JsonPropertyName("torrents_removed")]
    public List<string>? TorrentsRemoved { get; set; }

    [JsonPropertyName("server_state")]
    public QbServerState? ServerState { get; set; }
}
