using System.Text.Json.Serialization;

namespace LibraryCluster.Torrents.Engines.QBittorrent.Json;

/// <summary>One entry of torrents/trackers.</summary>
internal sealed class QbTracker
{
    [JsonPropertyName("url")]
    public string Url { get; set; } = string.Empty;

    [JsonPropertyName("status")]
    public int Status { get; set; }

    [JsonPropertyName("num_seeds")]
    public int Seeds { get; set; } = -1;

    [JsonPropertyName("num_leeches")]
    public int Leechers { get; set; } = -1;

    [JsonPropertyName("num_downloaded")]
    public int Downloaded { get; set; } = -1;

    [JsonPropertyName("msg")]
    public string Message { get; set; } = string.Empty;
}
