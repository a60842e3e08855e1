using LibraryCluster.Torrents.Engines.QBittorrent.Json;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Engines.QBittorrent;

/// <summary>
/// Our copy of qBittorrent's state, kept current from sync/maindata answers: the daemon sends only the fields
/// that changed since the rid we pass, so each patch is merged onto what we had, and a full_update replaces it all.
/// </summary>
internal sealed class QBittorrentSync
{
    private readonly Dictionary<InfoHash, QbTorrentPatch> _torrents = [];
    private QbServerState _server = new();

    /// <summary>The response id to send next; 0 asks for everything.</summary>
    public long Rid { get; private set; }

    public EngineChanges Apply(QbMaindata data)
    {
        var removed = new List<InfoHash>();
        var touched = new List<InfoHash>();
        if (data.FullUpdate)
        {
            var present = new HashSet<InfoHash>();
            foreach (var hex in data.Torrents?.Keys ?? Enumerable.Empty<string>())
            {
                if (InfoHash.TryParse(hex, out var hash))
                {
                    present.Add(hash);
                }
            }

            removed.AddRange(_torrents.Keys.Where(h => !present.Contains(h)));
            _torrents.Clear();
            _server = new QbServerState();
        }

        foreach (var hex in data.TorrentsRemoved ?? [])
        {
            if (InfoHash.TryParse(hex, out var hash) && _torrents.Remove(hash))
            {
                removed.Add(hash);
            }
        }

        foreach (var (hex, patch) in data.Torrents ?? [])
        {
            // qBittorrent names a v1 torrent by its v1 info-hash; anything else is not one of ours.
            if (!InfoHash.TryParse(hex, out var hash))
            {
                continue;
            }

            if (!_torrents.TryGetValue(hash, out var state))
            {
                state = new QbTorrentPatch();
                _torrents.Add(hash, state);
            }

            patch.ApplyTo(state);
            touched.Add(hash);
        }

        data.ServerState?.ApplyTo(_server);
        Rid = data.Rid;
        return new EngineChanges
        {
            FullUpdate = data.FullUpdate,
            Changed = [.. touched.Select(h => ToEngineTorrent(h, _torrents[h]))],
            Removed = removed,
            Transfer = _server.ToTransfer(),
            TorrentCount = _torrents.Count,
        };
    }

    public static EngineTorrent ToEngineTorrent(InfoHash hash, QbTorrentPatch t) => new()
    {
        Hash = hash,
        Name = t.Name ?? string.Empty,
        Activity = QBittorrentStates.ToActivity(t.State),
        EngineState = t.State ?? string.Empty,
        Progress = t.Progress ?? 0,
        BytesLeft = t.AmountLeft ?? 0,
        WantedSize = t.Size ?? 0,
        TotalSize = t.TotalSize ?? 0,
        SavePath = t.SavePath ?? string.Empty,
        DownloadBytesPerSecond = t.DownloadSpeed ?? 0,
        UploadBytesPerSecond = t.UploadSpeed ?? 0,
        Downloaded = t.Downloaded ?? 0,
        Uploaded = t.Uploaded ?? 0,
        ConnectedSeeds = t.ConnectedSeeds ?? 0,
        ConnectedPeers = t.ConnectedPeers ?? 0,
        SwarmSeeds = t.SwarmSeeds ?? -1,
        SwarmPeers = t.SwarmPeers ?? -1,
        AddedOn = Time(t.AddedOn),
        CompletedOn = Time(t.CompletionOn),
    };

    /// <summary>qBittorrent sends Unix seconds, and -1 or 0 for "never".</summary>
    private static DateTimeOffset? Time(long? unixSeconds) =>
        unixSeconds is > 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(unixSeconds.Value) : null;
}
