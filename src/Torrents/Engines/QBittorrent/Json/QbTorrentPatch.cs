using System.Text.Json.Serialization;

namespace LibraryCluster.Torrents.Engines.QBittorrent.Json;

/// <summary>
/// One torrent in qBittorrent's sync/maindata (or torrents/info): every field is optional because an
/// incremental update carries only the fields that changed. Only the fields we use are read.
/// </summary>
internal sealed class QbTorrentPatch
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("state")]
    public string? State { get; set; }

    [JsonPropertyName("progress")]
    public double? Progress { get; set; }

    [JsonPropertyName("amount_left")]
    public long? AmountLeft { get; set; }

    [JsonPropertyName("size")]
    public long? Size { get; set; }

    [JsonPropertyName("total_size")]
    public long? TotalSize { get; set; }

    [JsonPropertyName("save_path")]
    public string? SavePath { get; set; }

    [JsonPropertyName("dlspeed")]
    public long? DownloadSpeed { get; set; }

    [JsonPropertyName("upspeed")]
    public long? UploadSpeed { get; set; }

    [JsonPropertyName("downloaded")]
    public long? Downloaded { get; set; }

    [JsonPropertyName("uploaded")]
    public long? Uploaded { get; set; }

    [JsonPropertyName("num_seeds")]
    public int? ConnectedSeeds { get; set; }

    [JsonPropertyName("num_leechs")]
    public int? ConnectedPeers { get; set; }

    [JsonPropertyName("num_complete")]
    public int? SwarmSeeds { get; set; }

    [JsonPropertyName("num_incomplete")]
    public int? SwarmPeers { get; set; }

    [JsonPropertyName("added_on")]
    public long? AddedOn { get; set; }

    [JsonPropertyName("completion_on")]
    public long? CompletionOn { get; set; }

    /// <summary>Copies the fields this patch carries onto <paramref name="target"/>.</summary>
    public void ApplyTo(QbTorrentPatch target)
    {
        target.Name = Name ?? target.Name;
        target.State = State ?? target.State;
        target.Progress = Progress ?? target.Progress;
        target.AmountLeft = AmountLeft ?? target.AmountLeft;
        target.Size = Size ?? target.Size;
        target.TotalSize = TotalSize ?? target.TotalSize;
        target.SavePath = SavePath ?? target.SavePath;
        target.DownloadSpeed = DownloadSpeed ?? target.DownloadSpeed;
        target.UploadSpeed = UploadSpeed ?? target.UploadSpeed;
        target.Downloaded = Downloaded ?? target.Downloaded;
        target.Uploaded = Uploaded ?? target.Uploaded;
        target.ConnectedSeeds = ConnectedSeeds ?? target.ConnectedSeeds;
        target.ConnectedPeers = ConnectedPeers ?? target.ConnectedPeers;
        target.SwarmSeeds = SwarmSeeds ?? target.SwarmSeeds;
        target.SwarmPeers = SwarmPeers ?? target.SwarmPeers;
        target.AddedOn = AddedOn ?? target.AddedOn;
        target.CompletionOn = CompletionOn ?? target.CompletionOn;
    }
}
