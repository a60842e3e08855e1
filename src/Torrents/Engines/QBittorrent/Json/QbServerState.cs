using System.Text.Json.Serialization;

namespace LibraryCluster.Torrents.Engines.QBittorrent.Json;

/// <summary>The global part of sync/maindata (server_state) and of transfer/info; fields optional as in a patch.</summary>
internal sealed class QbServerState
{
    [JsonPropertyName("dl_info_speed")]
    public long? DownloadSpeed { get; set; }

    [JsonPropertyName("up_info_speed")]
    public long? UploadSpeed { get; set; }

    [JsonPropertyName("dl_info_data")]
    public long? Downloaded { get; set; }

    [JsonPropertyName("up_info_data")]
    public long? Uploaded { get; set; }

    [JsonPropertyName("connection_status")]
    public string? ConnectionStatus { get; set; }

    [JsonPropertyName("free_space_on_disk")]
    public long? FreeSpaceOnDisk { get; set; }

    public void ApplyTo(QbServerState target)
    {
        target.DownloadSpeed = DownloadSpeed ?? target.DownloadSpeed;
        target.UploadSpeed = UploadSpeed ?? target.UploadSpeed;
        target.Downloaded = Downloaded ?? target.Downloaded;
        target.Uploaded = Uploaded ?? target.Uploaded;
        target.ConnectionStatus = ConnectionStatus ?? target.ConnectionStatus;
        target.FreeSpaceOnDisk = FreeSpaceOnDisk ?? target.FreeSpaceOnDisk;
    }

    public EngineTransfer ToTransfer() => new()
    {
        DownloadBytesPerSecond = DownloadSpeed ?? 0,
        UploadBytesPerSecond = UploadSpeed ?? 0,
        SessionDownloaded = Downloaded ?? 0,
        SessionUploaded = Uploaded ?? 0,
        ConnectionStatus = ConnectionStatus ?? string.Empty,
        FreeSpaceOnDisk = FreeSpaceOnDisk ?? -1,
    };
}
