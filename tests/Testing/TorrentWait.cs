using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Testing;

/// <summary>Bounded waits on a torrent's state in a daemon (read every 50 ms, so as not to busy the daemon).</summary>
public static class TorrentWait
{
    public static async Task<EngineTorrent> UntilAsync(ITorrentEngine engine, InfoHash torrent, Func<EngineTorrent, bool> condition) =>
        (await Eventually.UntilAsync(() => engine.GetTorrentAsync(torrent), t => t is not null && condition(t), TimeSpan.FromMilliseconds(50)))!;

    public static Task<EngineTorrent> UntilSeedingAsync(ITorrentEngine engine, InfoHash torrent) =>
        UntilAsync(engine, torrent, t => t.Activity == TorrentActivity.Seeding && t.IsComplete);
}
