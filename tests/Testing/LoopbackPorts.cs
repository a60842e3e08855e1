using System.Net;
using System.Net.Sockets;

namespace LibraryCluster.Testing;

/// <summary>Ports for test servers on 127.0.0.1.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// A port free for TCP and UDP on 127.0.0.1, below Linux's ephemeral range (32768 and up), so that no outgoing
    /// connection takes it before the server binds it, nor while a killed server is away and binds it again.
    /// </summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var tcp = new TcpListener(IPAddress.Loopback, port);
                tcp.Start();
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        throw new InvalidOperationException("no free port between 20000 and 32000 on 127.0.0.1");
    }
}
