using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Testing;

/// <summary>
/// A private opentracker (Debian's package; scripts/test.sh installs it) on 127.0.0.1, TCP and UDP on one free port,
/// with a temp rootdir and a whitelist of the test's info-hashes (Debian builds it whitelist-only). As root it chroots
/// into the rootdir and drops to <c>nobody</c>, so the folder and whitelist are made world-readable.
/// <see cref="AnnounceAsync"/> adds peers by plain HTTP announces, so scrape counts are known.
/// </summary>
public sealed class OpentrackerServer : IAsyncDisposable
{
    private readonly TempDirectory _folder;
    private readonly Process _process;
    // opentracker closes every connection after one reply: never reuse one (a request on it would be reset).
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero });

    private OpentrackerServer(Process process, int port, TempDirectory folder)
    {
        _process = process;
        Port = port;
        _folder = folder;
    }

    public int Port { get; }

    public string HttpAnnounceUrl => $"http://127.0.0.1:{Port}/announce";

    public string UdpAnnounceUrl => $"udp://127.0.0.1:{Port}/announce";

    /// <param name="whitelist">The info-hashes it tracks (Debian's opentracker tracks no others).</param>
    /// <param name="port">Its TCP and UDP port, e.g. from <see cref="FreePort"/> when .torrent files must name it first; a free one by default.</param>
    public static async Task<OpentrackerServer> StartAsync(IReadOnlyList<InfoHash> whitelist, int? port = null)
    {
        var binary = new[] { "/usr/bin/opentracker", "/usr/sbin/opentracker" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("opentracker is not installed: apt-get install opentracker, or run scripts/test.sh, which does");
        var folder = new TempDirectory();
        var root = !OperatingSystem.IsWindows() && Environment.UserName == "root";
        if (root && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.GetDirectoryName(folder.Path)!, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(folder.Path, (UnixFileMode)0b111_101_101);
        }

        var whitelistFile = folder.Write("whitelist.txt", Encoding.ASCII.GetBytes(string.Concat(whitelist.Select(h => h + "\n"))));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(whitelistFile, (UnixFileMode)0b110_100_100);
        }

        port ??= FreePort();
        // The whitelist path is inside the chroot when opentracker chroots (as root).
        var config = $"""
            listen.tcp 127.0.0.1:{port}
            listen.udp 127.0.0.1:{port}
            access.whitelist {(root ? "/whitelist.txt" : whitelistFile)}
            {(root ? $"tracker.rootdir {folder.Path}\ntracker.user nobody" : string.Empty)}
            """;
        var configFile = folder.Write("opentracker.conf", Encoding.ASCII.GetBytes(config));
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder.Path };
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(configFile);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start opentracker");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new OpentrackerServer(process, port.Value, folder);
        try
        {
            await server.WaitUntilListeningAsync(output);
            if (whitelist.Count > 0)
            {
                await server.WaitUntilWhitelistedAsync(whitelist[0]);
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// One HTTP announce from peer port <paramref name="peerPort"/> on 127.0.0.1 (opentracker tells peers apart by
    /// address and port): <paramref name="left"/> 0 makes a seeder, more a leecher; <c>completed</c> counts a download.
    /// </summary>
    public async Task AnnounceAsync(InfoHash hash, int peerPort, long left, string? @event = null)
    {
        var reply = await TryAnnounceAsync(hash, peerPort, left, @event);
        if (reply.Contains("failure reason", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"opentracker refused the announce of {hash}: {reply}");
        }
    }

    private async Task<string> TryAnnounceAsync(InfoHash hash, int peerPort, long left, string? @event)
    {
        var peerId = $"-LC0001-{peerPort:D12}";
        var url = $"{HttpAnnounceUrl}?info_hash={Escape(hash)}&peer_id={peerId}&port={peerPort}&uploaded=0&downloaded=0&left={left}&compact=1"
            + (@event is null ? string.Empty : $"&event={@event}");
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { ConnectionClose = true } };
        using var response = await _http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        _http.Dispose();
        _folder.Dispose();
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Escape(InfoHash hash) => string.Concat(hash.Bytes.ToArray().Select(b => $"%{b:X2}"));

    private async Task WaitUntilListeningAsync(StringBuilder output)
    {
        using var timeout = new CancellationTokenSource(Eventually.Patience);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"opentracker exited with {_process.ExitCode}: {output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(10, timeout.Token);
            }
        }
    }

    /// <summary>
    /// opentracker loads its whitelist on a thread of its own after it starts listening. A "stopped" announce is
    /// answered without the whitelist check, so the probe is a "started" one, then withdrawn so no peer is left.
    /// </summary>
    private async Task WaitUntilWhitelistedAsync(InfoHash hash)
    {
        using var timeout = new CancellationTokenSource(Eventually.Patience);
        while ((await TryAnnounceAsync(hash, 1, 0, "started")).Contains("failure reason", StringComparison.Ordinal))
        {
            await Task.Delay(10, timeout.Token);
        }

        await AnnounceAsync(hash, 1, 0, "stopped");
    }

    /// <summary>A port free for both TCP and UDP on 127.0.0.1.</summary>
    public static int FreePort()
    {
        while (true)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP: try another.
            }
        }
    }
}
