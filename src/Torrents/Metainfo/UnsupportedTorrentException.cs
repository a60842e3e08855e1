namespace LibraryCluster.Torrents.Metainfo;

/// <summary>A valid torrent of a kind this library does not handle (pure BitTorrent v2).</summary>
public sealed class UnsupportedTorrentException(string message) : TorrentException(message);
