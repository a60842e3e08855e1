using LibraryCluster.Actors.Node;
using LibraryCluster.Host.Configuration;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Node;

/// <summary>
/// Registers .torrent files dropped in the watch folder. A file is taken once its size stops changing
/// (a copy in progress is left alone); taken files are removed, refused ones renamed to .rejected with the
/// reason beside them in a .error file, so the folder always says what happened.
/// </summary>
public sealed partial class TorrentWatcher(IOptions<NodeOptions> options, MirrorNode node, NodeLifetime lifetime, ILogger<TorrentWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, long> _seenSizes = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var folder = options.Value.EffectiveWatchDirectory;
        Directory.CreateDirectory(folder);
        using var timer = new PeriodicTimer(PollInterval);
        do
        {
            if (lifetime.Started)
            {
                await ScanAsync(folder, stoppingToken).ConfigureAwait(false);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task ScanAsync(string folder, CancellationToken cancellationToken)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.torrent").Order(StringComparer.Ordinal))
        {
            var size = new FileInfo(file).Length;
            if (!_seenSizes.TryGetValue(file, out var seen) || seen != size)
            {
                _seenSizes[file] = size;
                continue;
            }

            _seenSizes.Remove(file);
            var name = Path.GetFileNameWithoutExtension(file);
            try
            {
                if (!options.Value.Accepts(name))
                {
                    throw new InvalidOperationException($"this node is not configured to hold {name} (Node:Collections, Node:Torrents)");
                }

                var result = await node.AddTorrentAsync(name, await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                File.Delete(file);
                LogTaken(logger, name, result.Volume);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefused(logger, name, e.Message);
                File.Move(file, file + ".rejected", overwrite: true);
                await File.WriteAllTextAsync(file + ".error", e.Message + Environment.NewLine, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(2020, LogLevel.Information, "watch folder: {Torrent} registered on volume {Volume}")]
    private static partial void LogTaken(ILogger logger, string torrent, string volume);

    [LoggerMessage(2021, LogLevel.Warning, "watch folder: {Torrent} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string torrent, string reason);
}
