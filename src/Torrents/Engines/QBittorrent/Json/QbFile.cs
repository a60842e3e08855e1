using System.Text.Json.Serialization;

namespace LibraryCluster.Torrents.Engines.QBittorrent.Json;

/// <summary>One entry of torrents/files.</summary>
internal sealed class QbFile
{
    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    [JsonPropertyName("size")]
    public long Size { get; set; }

    [JsonPropertyName("progress")]
    public double Progress { get; set; }

    [JsonPropertyName("priority")]
    public int Priority { get; set; }

    [JsonPropertyName("piece_range")]
    public int[]? PieceRange { get; set; }
}
