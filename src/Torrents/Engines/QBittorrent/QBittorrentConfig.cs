using System.Globalization;
using System.Text;

namespace LibraryCluster.Torrents.Engines.QBittorrent;

/// <summary>
/// Writes our settings into a profile's qBittorrent.conf (Qt's INI format) before the daemon starts: the file
/// must exist before the first start, and qBittorrent reads it only then. Other keys in the file (the daemon's
/// own, an operator's) are kept; ours replace theirs. Keys and values as verified against 4.5.2.
/// </summary>
public static class QBittorrentConfig
{
    /// <summary>The settings the node insists on, then the options' additional ones, as (section, key, value).</summary>
    public static IReadOnlyList<(string Section, string Key, string Value)> Settings(QBittorrentDaemonOptions options)
    {
        var refresh = (int)Math.Clamp(options.RefreshInterval.TotalMilliseconds, 30, 60_000);
        return
        [
            // 4.5.2 has no --confirm-legal-notice; without this it waits for a keypress.
            ("LegalNotice", "Accepted", "true"),
            ("BitTorrent", "Session\\Port", Number(options.ListenPort)),
            ("BitTorrent", "Session\\Interface", Token(options.ListenInterface, "ListenInterface")),
            ("BitTorrent", "Session\\InterfaceName", Token(options.ListenInterface, "ListenInterface")),
            ("BitTorrent", "Session\\InterfaceAddress", Token(options.ListenAddress, "ListenAddress")),
            ("BitTorrent", "Session\\BTProtocol", options.PeerProtocol switch { PeerProtocol.Tcp => "TCP", PeerProtocol.Utp => "UTP", _ => "Both" }),
            ("BitTorrent", "Session\\DHTEnabled", Bool(options.Dht)),
            ("BitTorrent", "Session\\PeXEnabled", Bool(options.PeerExchange)),
            ("BitTorrent", "Session\\LSDEnabled", Bool(options.LocalPeerDiscovery)),
            // Queueing would keep all but 5 torrents inactive; we seed thousands.
            ("BitTorrent", "Session\\QueueingSystemEnabled", "false"),
            // libtorrent allows one connection per IP per torrent; several peers behind one address (NAT, loopback) need more.
            ("BitTorrent", "Session\\MultiConnectionsPerIp", "true"),
            ("BitTorrent", "Session\\MaxActiveCheckingTorrents", Number(options.CheckingSlots)),
            // Plain reads and writes: libtorrent 2.0's default mmap I/O makes the daemon's memory look like the data's size.
            ("BitTorrent", "Session\\DiskIOType", "Posix"),
            ("BitTorrent", "Session\\RefreshInterval", Number(refresh)),
            // Seed for ever: no ratio or time limit stops a torrent.
            ("BitTorrent", "Session\\GlobalMaxRatio", "-1"),
            ("BitTorrent", "Session\\GlobalMaxSeedingMinutes", "-1"),
            ("BitTorrent", "Session\\TempPathEnabled", "false"),
            ("Network", "PortForwardingEnabled", "false"),
            ("Preferences", "Connection\\UPnP", "false"),
            // Else it downloads a GeoIP database at start.
            ("Preferences", "Connection\\ResolvePeerCountries", "false"),
            ("Preferences", "WebUI\\Enabled", "true"),
            // Loopback only, so that no login is needed and no one else can drive it.
            ("Preferences", "WebUI\\Address", "127.0.0.1"),
            ("Preferences", "WebUI\\Port", Number(options.WebUiPort)),
            ("Preferences", "WebUI\\LocalHostAuth", "false"),
            ("Preferences", "WebUI\\UseUPnP", "false"),
            .. options.AdditionalSettings,
        ];
    }

    /// <summary>Writes the settings into the profile's config file (atomically), creating it and its folders if needed.</summary>
    public static void Write(QBittorrentDaemonOptions options)
    {
        var path = options.ConfigPath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var existing = File.Exists(path) ? File.ReadAllText(path) : null;
        var temporary = path + ".librarycluster.tmp";
        File.WriteAllText(temporary, Merge(existing, Settings(options)), new UTF8Encoding(false));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Sets each key in its section of an INI text, keeping every other line as it was.</summary>
    public static string Merge(string? existing, IEnumerable<(string Section, string Key, string Value)> settings)
    {
        var sections = new List<(string Name, List<string> Lines)>();
        var current = (Name: string.Empty, Lines: new List<string>());
        sections.Add(current);
        foreach (var line in (existing ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
            {
                current = (trimmed[1..^1], new List<string>());
                sections.Add(current);
            }
            else if (trimmed.Length > 0)
            {
                current.Lines.Add(line);
            }
        }

        foreach (var (section, key, value) in settings)
        {
            var lines = sections.FirstOrDefault(s => s.Name == section).Lines;
            if (lines is null)
            {
                lines = [];
                sections.Add((section, lines));
            }

            var at = lines.FindIndex(l => l.Split('=', 2)[0].Trim() == key);
            if (at >= 0)
            {
                lines[at] = $"{key}={value}";
            }
            else
            {
                lines.Add($"{key}={value}");
            }
        }

        var text = new StringBuilder();
        foreach (var (name, lines) in sections.Where(s => s.Name.Length > 0 || s.Lines.Count > 0))
        {
            if (name.Length > 0)
            {
                text.Append('[').Append(name).Append("]\n");
            }

            foreach (var line in lines)
            {
                text.Append(line).Append('\n');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Interface names and addresses go in unquoted; anything Qt would quote or escape is refused.</summary>
    private static string Token(string value, string setting) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '-' or '_' or '%')
            ? value
            : throw new ArgumentException($"{setting} \"{value}\" may hold only letters, digits, '.', ':', '-', '_' and '%'", nameof(value));
}
