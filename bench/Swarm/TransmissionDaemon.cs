using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LibraryCluster.Testing;

namespace LibraryCluster.Bench.Swarm;

/// <summary>
/// A private transmission-daemon (Debian's 3.00) for the side-by-side figure: its own config folder, RPC and peers
/// on 127.0.0.1 only, DHT, LPD, PeX, uTP and port forwarding off, no queueing, and a minimal RPC client (the
/// X-Transmission-Session-Id handshake, one JSON POST per call). Bench code only: the product has no Transmission engine.
/// </summary>
internal sealed class TransmissionDaemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new();
    private readonly Uri _rpc;
    private string _session = string.Empty;

    private TransmissionDaemon(Process process, int rpcPort)
    {
        _process = process;
        _rpc = new Uri($"http://127.0.0.1:{rpcPort}/transmission/rpc");
    }

    public int ProcessId => _process.Id;

    public static async Task<TransmissionDaemon> StartAsync(string configDirectory, string downloadDirectory)
    {
        Directory.CreateDirectory(configDirectory);
        var rpcPort = LoopbackPorts.Free();
        var settings = new JsonObject
        {
            ["bind-address-ipv4"] = "127.0.0.1",
            ["bind-address-ipv6"] = "::1",
            ["rpc-bind-address"] = "127.0.0.1",
            ["rpc-port"] = rpcPort,
            ["rpc-enabled"] = true,
            ["rpc-authentication-required"] = false,
            ["rpc-whitelist-enabled"] = true,
            ["rpc-whitelist"] = "127.0.0.1",
            ["rpc-host-whitelist-enabled"] = true,
            ["rpc-host-whitelist"] = "127.0.0.1,localhost",
            ["peer-port"] = LoopbackPorts.Free(),
            ["peer-port-random-on-start"] = false,
            ["port-forwarding-enabled"] = false,
            ["dht-enabled"] = false,
            ["lpd-enabled"] = false,
            ["pex-enabled"] = false,
            ["utp-enabled"] = false,
            ["blocklist-enabled"] = false,
            ["download-dir"] = downloadDirectory,
            ["incomplete-dir-enabled"] = false,
            ["watch-dir-enabled"] = false,
            ["start-added-torrents"] = true,
            ["speed-limit-down-enabled"] = false,
            ["speed-limit-up-enabled"] = false,
            ["alt-speed-enabled"] = false,
            ["ratio-limit-enabled"] = false,
            ["idle-seeding-limit-enabled"] = false,
            ["queue-stalled-enabled"] = false,
            ["download-queue-enabled"] = false,
            ["seed-queue-enabled"] = false,
            ["message-level"] = 1,
        };
        await File.WriteAllTextAsync(Path.Join(configDirectory, "settings.json"), settings.ToJsonString());
        var start = new ProcessStartInfo("transmission-daemon") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-f", "-g", configDirectory, "--logfile", Path.Join(configDirectory, "daemon.log") })
        {
            start.ArgumentList.Add(arg);
        }

        var daemon = new TransmissionDaemon(Process.Start(start) ?? throw new InvalidOperationException("could not start transmission-daemon"), rpcPort);
        daemon._process.OutputDataReceived += (_, _) => { };
        daemon._process.ErrorDataReceived += (_, _) => { };
        daemon._process.BeginOutputReadLine();
        daemon._process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                var version = await daemon.CallAsync("session-get", new JsonObject { ["fields"] = new JsonArray("version", "rpc-version") }, limit.Token);
                daemon.Version = version["version"]!.GetValue<string>();
                return daemon;
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException && !daemon._process.HasExited)
            {
                await Task.Delay(50, limit.Token);
            }
        }
    }

    public string Version { get; private set; } = string.Empty;

    /// <summary>One RPC call; the answer's "arguments", or an exception with its "result" when that is not "success".</summary>
    public async Task<JsonNode> CallAsync(string method, JsonObject arguments, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["method"] = method, ["arguments"] = arguments }.ToJsonString();
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _rpc) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Transmission-Session-Id", Volatile.Read(ref _session));
            using var response = await _http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Conflict && attempt < 3)
            {
                // The first call of a session, or the id changed: take the new one and ask again.
                Volatile.Write(ref _session, response.Headers.GetValues("X-Transmission-Session-Id").First());
                continue;
            }

            response.EnsureSuccessStatusCode();
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            var result = answer["result"]?.GetValue<string>();
            return result == "success" ? answer["arguments"]! : throw new InvalidOperationException($"transmission {method}: {result}");
        }
    }

    /// <summary>Adds a .torrent whose data is in <paramref name="downloadDirectory"/>; Transmission verifies it (3.00 cannot skip that).</summary>
    public async Task AddAsync(byte[] metainfo, string downloadDirectory, CancellationToken cancellationToken = default)
    {
        var added = await CallAsync("torrent-add", new JsonObject { ["metainfo"] = Convert.ToBase64String(metainfo), ["download-dir"] = downloadDirectory }, cancellationToken);
        if (added["torrent-added"] is null)
        {
            throw new InvalidOperationException($"transmission did not add the torrent: {added.ToJsonString()}");
        }
    }

    /// <summary>Every torrent's status (0 stopped … 2 checking … 6 seeding) and bytes left.</summary>
    public async Task<List<(string Hash, int Status, long Left)>> ListAsync(CancellationToken cancellationToken = default)
    {
        var answer = await CallAsync("torrent-get", new JsonObject { ["fields"] = new JsonArray("hashString", "status", "leftUntilDone") }, cancellationToken);
        return [.. answer["torrents"]!.AsArray().Select(t => (t!["hashString"]!.GetValue<string>(), t["status"]!.GetValue<int>(), t["leftUntilDone"]!.GetValue<long>()))];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM lets it write its resume files; it is thrown away with its folder anyway.
            await ChildProcess.TerminateAsync(_process, TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
        _http.Dispose();
    }
}
