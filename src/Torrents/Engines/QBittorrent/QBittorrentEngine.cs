using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LibraryCluster.Torrents.Engines.QBittorrent.Json;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Engines.QBittorrent;

/// <summary>
/// <see cref="ITorrentEngine"/> over qBittorrent's WebAPI v2 as in qbittorrent-nox 4.5.2 (WebAPI 2.8.19).
/// Logs in only when the daemon asks (HTTP 403), once per refusal; see docs/swarm.md for the daemon's quirks.
/// </summary>
public sealed partial class QBittorrentEngine : ITorrentEngine, IDisposable
{
    /// <summary>How long an added torrent may take to appear in the daemon (libtorrent adds asynchronously).</summary>
    private static readonly TimeSpan AppearLimit = TimeSpan.FromSeconds(15);

    private readonly QBittorrentConnection _connection;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _login = new(1, 1);
    private readonly SemaphoreSlim _poll = new(1, 1);
    private readonly QBittorrentSync _sync = new();

    public QBittorrentEngine(QBittorrentConnection connection)
    {
        _connection = connection;
        var handler = new SocketsHttpHandler
        {
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseProxy = false,
        };
        var baseUrl = connection.WebUiUrl.AbsoluteUri.EndsWith('/') ? connection.WebUiUrl : new Uri(connection.WebUiUrl.AbsoluteUri + "/");
        _http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl, "api/v2/"), Timeout = connection.RequestTimeout };
        Description = $"qBittorrent at {baseUrl}";
    }

    public string Description { get; }

    public async Task<EngineHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await GetTextAsync("app/version", cancellationToken).ConfigureAwait(false);
            var api = await GetTextAsync("app/webapiVersion", cancellationToken).ConfigureAwait(false);
            return new EngineHealth { Answering = true, Version = version.Trim(), ApiVersion = api.Trim() };
        }
        catch (TorrentEngineException e)
        {
            return new EngineHealth { Answering = false, Problem = e.Message, Error = e.Kind };
        }
    }

    public async Task<EngineOutcome> AddAsync(TorrentAddRequest request, CancellationToken cancellationToken = default)
    {
        var metainfo = MetainfoParser.Parse(request.Metainfo);
        var hash = metainfo.InfoHash;
        var wanted = request.WantedFiles;
        foreach (var index in wanted ?? [])
        {
            if (index < 0 || index >= metainfo.Files.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(request), $"WantedFiles: file {index} does not exist in {metainfo.Name} ({metainfo.Files.Count} files)");
            }
        }

        MultipartFormDataContent Form()
        {
            var form = new MultipartFormDataContent();
            var file = new ReadOnlyMemoryContent(request.Metainfo);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/x-bittorrent");
            form.Add(file, "torrents", hash + ".torrent");
            form.Add(new StringContent(request.SavePath), "savepath");
            // Explicit, so that a daemon's own defaults (automatic management, subfolder layouts) cannot move our data.
            form.Add(new StringContent("false"), "autoTMM");
            form.Add(new StringContent("Original"), "contentLayout");
            form.Add(new StringContent(request.SkipChecking ? "true" : "false"), "skip_checking");
            form.Add(new StringContent(request.Paused || wanted is not null ? "true" : "false"), "paused");
            return form;
        }

        var body = await PostAsync("torrents/add", Form, $"add {metainfo.Name} ({hash})", cancellationToken).ConfigureAwait(false);
        if (body.StartsWith("Fails.", StringComparison.Ordinal))
        {
            // 4.5.2 says only "Fails." for a duplicate (and for a refusal it does not explain).
            if (await IsHeldAsync(hash, cancellationToken).ConfigureAwait(false))
            {
                return EngineOutcome.AlreadyThere;
            }

            throw new TorrentEngineException(EngineErrorKind.Rejected, $"{Description} refused to add {metainfo.Name} ({hash}) without saying why (\"Fails.\"); its log may tell");
        }

        if (wanted is not null)
        {
            await WaitUntilHeldAsync(hash, cancellationToken).ConfigureAwait(false);
            var skipped = Enumerable.Range(0, metainfo.Files.Count).Except(wanted).ToList();
            if (skipped.Count > 0)
            {
                await SetFilePriorityAsync(hash, skipped, FilePriority.Skip, cancellationToken).ConfigureAwait(false);
            }

            if (!request.Paused)
            {
                await ResumeAsync([hash], cancellationToken).ConfigureAwait(false);
            }
        }

        return EngineOutcome.Done;
    }

    public Task PauseAsync(IReadOnlyCollection<InfoHash> torrents, CancellationToken cancellationToken = default) =>
        PostHashesAsync("torrents/pause", torrents, cancellationToken);

    public Task ResumeAsync(IReadOnlyCollection<InfoHash> torrents, CancellationToken cancellationToken = default) =>
        PostHashesAsync("torrents/resume", torrents, cancellationToken);

    public Task RecheckAsync(IReadOnlyCollection<InfoHash> torrents, CancellationToken cancellationToken = default) =>
        PostHashesAsync("torrents/recheck", torrents, cancellationToken);

    public async Task<EngineOutcome> RemoveAsync(InfoHash torrent, bool deleteFiles, CancellationToken cancellationToken = default)
    {
        // The daemon answers 200 for a hash it does not hold, so ask first.
        if (!await IsHeldAsync(torrent, cancellationToken).ConfigureAwait(false))
        {
            return EngineOutcome.UnknownTorrent;
        }

        await PostFormAsync("torrents/delete", [new("hashes", torrent.ToString()), new("deleteFiles", deleteFiles ? "true" : "false")], $"remove {torrent}", cancellationToken).ConfigureAwait(false);
        return EngineOutcome.Done;
    }

    public async Task<EngineOutcome> SetFilePriorityAsync(InfoHash torrent, IReadOnlyCollection<int> fileIndexes, FilePriority priority, CancellationToken cancellationToken = default)
    {
        if (fileIndexes.Count == 0)
        {
            return EngineOutcome.Done;
        }

        var ids = string.Join('|', fileIndexes.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        var fields = new KeyValuePair<string, string>[] { new("hash", torrent.ToString()), new("id", ids), new("priority", ((int)priority).ToString(CultureInfo.InvariantCulture)) };
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "torrents/filePrio") { Content = new FormUrlEncodedContent(fields) }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return EngineOutcome.UnknownTorrent;
        }

        await EnsureSuccessAsync(response, $"set the priority of files {ids} of {torrent}", cancellationToken).ConfigureAwait(false);
        return EngineOutcome.Done;
    }

    public async Task<EngineTorrent?> GetTorrentAsync(InfoHash torrent, CancellationToken cancellationToken = default)
    {
        var held = await GetJsonAsync($"torrents/info?hashes={torrent}", QbJsonContext.Default.ListQbTorrentPatch, $"look up {torrent}", cancellationToken).ConfigureAwait(false);
        return held.Count > 0 ? QBittorrentSync.ToEngineTorrent(torrent, held[0]) : null;
    }

    public async Task<IReadOnlyList<EngineFile>?> GetFilesAsync(InfoHash torrent, CancellationToken cancellationToken = default)
    {
        var files = await GetJsonOrNotFoundAsync($"torrents/files?hash={torrent}", QbJsonContext.Default.ListQbFile, $"list the files of {torrent}", cancellationToken).ConfigureAwait(false);
        return files?.Select(f => new EngineFile
        {
            Index = f.Index,
            Path = f.Name,
            Size = f.Size,
            Progress = f.Progress,
            Priority = (FilePriority)f.Priority,
            FirstPiece = f.PieceRange is [var first, _] ? first : 0,
            LastPiece = f.PieceRange is [_, var last] ? last : 0,
        }).ToList();
    }

    public async Task<IReadOnlyList<EngineTracker>?> GetTrackersAsync(InfoHash torrent, CancellationToken cancellationToken = default)
    {
        var trackers = await GetJsonOrNotFoundAsync($"torrents/trackers?hash={torrent}", QbJsonContext.Default.ListQbTracker, $"list the trackers of {torrent}", cancellationToken).ConfigureAwait(false);
        // The pseudo-trackers "** [DHT] **", "** [PeX] **", "** [LSD] **" are not trackers.
        return trackers?.Where(t => !t.Url.StartsWith("** [", StringComparison.Ordinal)).Select(t => new EngineTracker
        {
            Url = t.Url,
            Status = Enum.IsDefined((TrackerStatus)t.Status) ? (TrackerStatus)t.Status : TrackerStatus.NotWorking,
            Seeds = t.Seeds,
            Leechers = t.Leechers,
            Downloaded = t.Downloaded,
            Message = t.Message,
        }).ToList();
    }

    public async Task<EngineTransfer> GetTransferAsync(CancellationToken cancellationToken = default)
    {
        var state = await GetJsonAsync("transfer/info", QbJsonContext.Default.QbServerState, "read the transfer rates", cancellationToken).ConfigureAwait(false);
        return state.ToTransfer();
    }

    public async Task<EngineChanges> PollAsync(CancellationToken cancellationToken = default)
    {
        await _poll.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var data = await GetJsonAsync($"sync/maindata?rid={_sync.Rid.ToString(CultureInfo.InvariantCulture)}", QbJsonContext.Default.QbMaindata, "poll its state (sync/maindata)", cancellationToken).ConfigureAwait(false);
            return _sync.Apply(data);
        }
        finally
        {
            _poll.Release();
        }
    }

    /// <summary>Asks the daemon to quit (app/shutdown); true when it accepted.</summary>
    public async Task<bool> ShutdownAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await PostFormAsync("app/shutdown", [], "shut down", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TorrentEngineException)
        {
            return false;
        }
    }

    /// <summary>The daemon's preferences (app/preferences) as JSON, for checks and diagnostics.</summary>
    public async Task<JsonDocument> GetPreferencesAsync(CancellationToken cancellationToken = default) =>
        JsonDocument.Parse(await GetTextAsync("app/preferences", cancellationToken).ConfigureAwait(false));

    public void Dispose()
    {
        _http.Dispose();
        _login.Dispose();
        _poll.Dispose();
    }

    private async Task<bool> IsHeldAsync(InfoHash torrent, CancellationToken cancellationToken) =>
        await GetTorrentAsync(torrent, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>libtorrent adds a torrent asynchronously: "Ok." comes before the torrent can be addressed.</summary>
    private async Task WaitUntilHeldAsync(InfoHash torrent, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(AppearLimit);
        try
        {
            while (!await IsHeldAsync(torrent, limit.Token).ConfigureAwait(false))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), limit.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TorrentEngineException(EngineErrorKind.Protocol, $"{Description} accepted {torrent} but did not show it within {AppearLimit.TotalSeconds:0} s");
        }
    }

    private Task PostHashesAsync(string path, IReadOnlyCollection<InfoHash> torrents, CancellationToken cancellationToken) =>
        torrents.Count == 0
            ? Task.CompletedTask
            : PostFormAsync(path, [new("hashes", string.Join('|', torrents))], $"{path} {torrents.Count} torrents", cancellationToken);
}
