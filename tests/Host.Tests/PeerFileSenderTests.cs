using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Host.Cluster;
using LibraryCluster.Host.Monitoring;
using LibraryCluster.Host.Node;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LibraryCluster.Host.Tests;

/// <summary>
/// Peers' file requests answered by sendfile in front of Kestrel (a real Kestrel on loopback): whole files and
/// ranges over kept-alive and pipelined connections, a PeerFetcher copying through it, and everything it must not
/// answer left, unread, to the HTTP endpoint behind it.
/// </summary>
public sealed class PeerFileSenderTests : IAsyncLifetime
{
    private const string Token = "peer-file-sender-test-token";
    private const string Torrent = "r_7000";
    private const int PieceLength = 16 * 1024;

    private readonly TempDirectory _temp = new();
    private readonly Files _files = new();
    private WebApplication _app = null!;
    private TorrentMetainfo _metainfo = null!;
    private string _save = null!;
    private int _answeredByKestrel;

    public async Task InitializeAsync()
    {
        (_metainfo, _, _save) = await TestData.MultiFileTorrentAsync(_temp, Torrent, PieceLength,
            ("a.pdf", 5 * PieceLength + 1_234), ("b.epub", 1), ("c/d.djvu", 3 * PieceLength + 99), ("e.txt", 0));
        foreach (var file in _metainfo.Files.Where(f => !f.IsPadding))
        {
            _files.Held[file.Index] = new PeerFile(PathOf(file.Index), file.Length);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IPeerFiles>(_files);
        builder.Services.AddSingleton(new NodeDrain(NullLogger<NodeDrain>.Instance));
        builder.Services.AddSingleton<NodeMetrics>();
        builder.Services.AddSingleton<PeerFileSender>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(PeerFileSender.Install));
        _app = builder.Build();
        // Behind the sender, as the node's own endpoint is: whatever reaches it was left to Kestrel.
        _app.MapMethods("/internal/replicas/{name}/files/{index:int}", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
        {
            Interlocked.Increment(ref _answeredByKestrel);
            context.Response.Headers["X-Answered-By"] = "kestrel";
            return Results.StatusCode(StatusCodes.Status418ImATeapot);
        });
        _app.MapGet("/healthz", () => "ok");
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _temp.Dispose();
    }

    private Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    [Fact]
    public async Task A_Peer_Copies_A_Replica_Through_It_Byte_For_Byte_And_Kestrel_Answers_Nothing()
    {
        using var http = new HttpClient();
        var destination = _temp.Join("copy");

        var report = await new PeerFetcher(http, Token, new TransferGate(new TransferOptions()))
            .FetchAsync(Torrent, _metainfo, destination, [new PeerSource("peer", BaseAddress)], healing: true, progress: null, CancellationToken.None);

        Assert.Equal(_metainfo.PieceCount, report.PiecesFetched);
        foreach (var file in _metainfo.Files.Where(f => !f.IsPadding))
        {
            Assert.Equal(await File.ReadAllBytesAsync(PathOf(file.Index)), await File.ReadAllBytesAsync(Path.Join([destination, .. file.PathComponents])));
        }

        Assert.Equal(0, _answeredByKestrel);
    }

    [Fact]
    public async Task Whole_Files_Ranges_And_Empty_Files_Over_One_Pipelined_Connection()
    {
        await using var connection = await RawConnection.OpenAsync(BaseAddress);

        // Four requests in one write: the sender must answer each in turn, from the bytes already buffered.
        await connection.SendAsync(
            Request(0) + Request(2, "bytes=100-4195") + Request(2, $"bytes={3 * PieceLength}-") + Request(3));

        var whole = await connection.ReadResponseAsync();
        var range = await connection.ReadResponseAsync();
        var open = await connection.ReadResponseAsync();
        var empty = await connection.ReadResponseAsync();

        var a = await File.ReadAllBytesAsync(PathOf(0));
        var d = await File.ReadAllBytesAsync(PathOf(2));
        Assert.Equal(200, whole.Status);
        Assert.Equal(a, whole.Body);
        Assert.Equal(206, range.Status);
        Assert.Equal($"bytes 100-4195/{d.Length}", range.Headers["content-range"]);
        Assert.Equal(d[100..4196], range.Body);
        Assert.Equal(206, open.Status);
        Assert.Equal(d[(3 * PieceLength)..], open.Body);
        Assert.Equal(200, empty.Status);
        Assert.Empty(empty.Body);
        Assert.Equal(0, _answeredByKestrel);
    }

    [Theory]
    [InlineData("wrong token")]
    [InlineData("no token")]
    [InlineData("file not held")]
    [InlineData("HEAD")]
    [InlineData("range past the end")]
    [InlineData("two ranges")]
    [InlineData("conditional")]
    [InlineData("index out of range")]
    public async Task What_It_Must_Not_Answer_Goes_To_Kestrel_With_The_Rest_Of_The_Connection(string what)
    {
        await using var connection = await RawConnection.OpenAsync(BaseAddress);
        var request = what switch
        {
            "wrong token" => Request(0, token: "not-the-token"),
            "no token" => Request(0, token: null),
            "file not held" => Request(1, torrent: "r_9000"),
            "HEAD" => Request(0).Replace("GET ", "HEAD ", StringComparison.Ordinal),
            "range past the end" => Request(0, $"bytes={_metainfo.Files[0].Length}-"),
            "two ranges" => Request(0, "bytes=0-1,5-9"),
            "conditional" => Request(0, extra: "If-None-Match: \"x\"\r\n"),
            _ => Request(17),
        };

        // A good request the sender answers, then the refused one and a good one after it on the same connection:
        // Kestrel answers those two.
        await connection.SendAsync(Request(1));
        var sent = await connection.ReadResponseAsync();
        await connection.SendAsync(request);
        var refused = await connection.ReadResponseAsync(expectBody: what != "HEAD");
        await connection.SendAsync(Request(1));
        var next = await connection.ReadResponseAsync();

        Assert.Equal(200, sent.Status);
        Assert.False(sent.Headers.ContainsKey("x-answered-by"));
        Assert.Equal(418, refused.Status);
        Assert.Equal("kestrel", refused.Headers["x-answered-by"]);
        Assert.Equal(418, next.Status);
        Assert.Equal(2, _answeredByKestrel);
    }

    [Fact]
    public async Task A_File_Changed_Since_It_Verified_Is_Left_To_Kestrel()
    {
        await File.WriteAllBytesAsync(PathOf(2), new byte[10]);
        await using var connection = await RawConnection.OpenAsync(BaseAddress);

        await connection.SendAsync(Request(2));
        var answer = await connection.ReadResponseAsync();

        Assert.Equal(418, answer.Status);
        Assert.Equal(1, _answeredByKestrel);
    }

    [Fact]
    public async Task Other_Requests_And_A_Head_Sent_In_Pieces_Are_Read_Right()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        Assert.Equal("ok", await http.GetStringAsync("healthz"));

        // A peer's head arriving a few bytes at a time is still the sender's.
        await using var connection = await RawConnection.OpenAsync(BaseAddress);
        var bytes = Encoding.ASCII.GetBytes(Request(1));
        foreach (var part in bytes.Chunk(7))
        {
            await connection.SendAsync(part);
            await Task.Yield();
        }

        var answer = await connection.ReadResponseAsync();
        Assert.Equal(200, answer.Status);
        Assert.Equal(await File.ReadAllBytesAsync(PathOf(1)), answer.Body);
        Assert.Equal(0, _answeredByKestrel);
    }

    [Theory]
    [InlineData("GET /internal/replicas/r_1/files/0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n", "Complete")]
    [InlineData("GET /internal/replicas/r_1/files/0 HTTP/1.1\r\nHost: x\r\n", "Incomplete")]
    [InlineData("GET /internal/repl", "Incomplete")]
    [InlineData("GET /files/abc HTTP/1.1\r\nHost: x\r\n\r\n", "Other")]
    [InlineData("GET /internal/replicas/r_1/files/0 HTTP/1.0\r\nHost: x\r\n\r\n", "Other")]
    [InlineData("GET /internal/replicas/r_1/files/0 HTTP/1.1\r\n\r\n", "Other")]
    [InlineData("GET /internal/replicas/r_1/files/0?x=1 HTTP/1.1\r\nHost: x\r\n\r\n", "Other")]
    [InlineData("GET /internal/replicas/r%2F1/files/0 HTTP/1.1\r\nHost: x\r\n\r\n", "Other")]
    [InlineData("GET /internal/replicas/r_1/files/0 HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", "Other")]
    [InlineData("GET /internal/replicas/r_1/files/0 HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", "Other")]
    [InlineData("GET /internal/replicas/r_1/files/0 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "Other")]
    [InlineData("GET /internal/replicas/r_1/files/0 HTTP/1.1\r\nHost: x\r\nRange: bytes=-5\r\n\r\n", "Other")]
    [InlineData("GET /internal/replicas/r_1/files/0 HTTP/1.1\r\nHost: x\r\nRange: bytes=9-5\r\n\r\n", "Other")]
    public void Request_Heads_Are_Read_Strictly(string head, string verdict)
    {
        var result = PeerFileRequest.TryRead(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(head)), out _, out _);

        Assert.Equal(verdict, result.ToString());
    }

    private string PathOf(int index) => Path.Join([_save, .. _metainfo.Files[index].PathComponents]);

    private string Request(int index, string? range = null, string? token = Token, string torrent = Torrent, string extra = "") =>
        $"GET /internal/replicas/{Uri.EscapeDataString(torrent)}/files/{index} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + (token is null ? "" : $"Authorization: Bearer {token}\r\n")
        + (range is null ? "" : $"Range: {range}\r\n")
        + extra + "\r\n";

    private sealed class Files : IPeerFiles
    {
        public Dictionary<int, PeerFile> Held { get; } = [];

        public string? Token => PeerFileSenderTests.Token;

        public PeerFile? Find(string torrent, int fileIndex) => torrent == Torrent && Held.TryGetValue(fileIndex, out var file) ? file : null;

        public void ReportReadError(string torrent, string detail)
        {
        }
    }

    /// <summary>One TCP connection speaking HTTP/1.1 by hand, so that requests can be pipelined and split.</summary>
    private sealed class RawConnection : IAsyncDisposable
    {
        private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly List<byte> _buffered = [];

        private RawConnection(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
        }

        public static async Task<RawConnection> OpenAsync(Uri address)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, address.Port);
            return new RawConnection(socket);
        }

        public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

        public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

        public async Task<(int Status, Dictionary<string, string> Headers, byte[] Body)> ReadResponseAsync(bool expectBody = true)
        {
            using var timeout = new CancellationTokenSource(Limit);
            int end;
            while ((end = IndexOfEndOfHead()) < 0)
            {
                await FillAsync(timeout.Token);
            }

            var head = Encoding.ASCII.GetString([.. _buffered.Take(end)]).Split("\r\n");
            _buffered.RemoveRange(0, end + 4);
            var status = int.Parse(head[0].Split(' ')[1], CultureInfo.InvariantCulture);
            var headers = head.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
            var length = expectBody && headers.TryGetValue("content-length", out var l) ? int.Parse(l, CultureInfo.InvariantCulture) : 0;
            while (_buffered.Count < length)
            {
                await FillAsync(timeout.Token);
            }

            var body = _buffered.Take(length).ToArray();
            _buffered.RemoveRange(0, length);
            return (status, headers, body);
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            var chunk = new byte[64 * 1024];
            var read = await _stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the server closed the connection");
            }

            _buffered.AddRange(chunk.AsSpan(0, read));
        }

        private int IndexOfEndOfHead()
        {
            for (var i = 0; i + 3 < _buffered.Count; i++)
            {
                if (_buffered[i] == '\r' && _buffered[i + 1] == '\n' && _buffered[i + 2] == '\r' && _buffered[i + 3] == '\n')
                {
                    return i;
                }
            }

            return -1;
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            _socket.Dispose();
        }
    }
}
