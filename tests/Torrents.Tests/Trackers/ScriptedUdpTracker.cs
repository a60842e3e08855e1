using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace LibraryCluster.Torrents.Tests.Trackers;

/// <summary>
/// A UDP peer on 127.0.0.1 that answers each packet as the test scripts it: the misbehaving trackers (wrong
/// transaction ids, error packets, short packets, silence) that a real tracker cannot be made to be. Records what it received.
/// </summary>
internal sealed class ScriptedUdpTracker : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();

    public ScriptedUdpTracker(Func<byte[], IEnumerable<byte[]>> answer)
    {
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult packet;
                try
                {
                    packet = await _socket.ReceiveAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                Received.Enqueue(packet.Buffer);
                foreach (var reply in answer(packet.Buffer))
                {
                    await _socket.SendAsync(reply, packet.RemoteEndPoint);
                }
            }
        });
    }

    public string AnnounceUrl => $"udp://127.0.0.1:{((IPEndPoint)_socket.Client.LocalEndPoint!).Port}/announce";

    public ConcurrentQueue<byte[]> Received { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
