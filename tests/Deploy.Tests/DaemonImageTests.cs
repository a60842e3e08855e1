using System.Diagnostics;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines.QBittorrent;

namespace LibraryCluster.Deploy.Tests;

/// <summary>
/// The daemon image's entrypoint (docker/qbittorrent/entrypoint.sh) writes what the node writes for a daemon it
/// runs itself (QBittorrentConfig), so that the sidecar behaves as docs/swarm.md says; and a real qbittorrent-nox
/// started through it answers the node's engine with those settings.
/// </summary>
public sealed class DaemonImageTests
{
    private static string Entrypoint => Path.Join(Manifests.Root, "docker", "qbittorrent", "entrypoint.sh");

    [Fact]
    [Trait("Category", "Integration")]
    public void The_entrypoint_writes_the_settings_the_node_writes_for_its_own_daemon()
    {
        using var temp = new TempDirectory();
        var result = Manifests.Run("env", ["QBT_PROFILE=" + temp.Path, "QBT_WEBUI_PORT=8082", "QBT_LISTEN_PORT=7000", "QBT_DHT=false", "QBT_EXECUTABLE=true", "sh", Entrypoint]);
        Assert.True(result.ExitCode == 0, result.Error);

        var written = Parse(File.ReadAllText(Path.Join(temp.Path, "qBittorrent", "config", "qBittorrent.conf")));
        var node = QBittorrentConfig.Settings(new QBittorrentDaemonOptions
        {
            ProfileDirectory = temp.Path,
            WebUiPort = 8082,
            ListenPort = 7000,
            // The node's settings' defaults (SwarmOptions), which the entrypoint's defaults follow.
            Dht = false,
            PeerExchange = true,
            LocalPeerDiscovery = false,
            CheckingSlots = 16,
            RefreshInterval = TimeSpan.FromMilliseconds(250),
        });

        Assert.Equal(node.Select(s => $"[{s.Section}] {s.Key}={s.Value}").Order(StringComparer.Ordinal), written.Order(StringComparer.Ordinal));
    }

    [Theory]
    [Trait("Category", "Integration")]
    [InlineData("QBT_DHT=maybe", "QBT_DHT \"maybe\" must be true or false")]
    [InlineData("QBT_LISTEN_PORT=x", "QBT_LISTEN_PORT \"x\" is not a number")]
    [InlineData("QBT_PEER_PROTOCOL=fast", "QBT_PEER_PROTOCOL \"fast\" must be Both, TCP or UTP")]
    [InlineData("QBT_LISTEN_ADDRESS=1.2.3.4\nx", "QBT_LISTEN_ADDRESS")]
    public void The_entrypoint_refuses_a_bad_setting_by_name(string setting, string expected)
    {
        using var temp = new TempDirectory();
        var result = Manifests.Run("env", ["QBT_PROFILE=" + temp.Path, setting, "QBT_EXECUTABLE=true", "sh", Entrypoint]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Swarm")]
    public async Task A_daemon_started_through_the_entrypoint_answers_the_node_with_those_settings()
    {
        if (!File.Exists("/usr/bin/qbittorrent-nox"))
        {
            throw new InvalidOperationException("qbittorrent-nox is not installed: run scripts/test.sh, which installs it");
        }

        using var temp = new TempDirectory();
        var webUi = LoopbackPorts.Free();
        var listen = LoopbackPorts.Free();
        var start = new ProcessStartInfo("sh") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Entrypoint);
        start.Environment["QBT_PROFILE"] = temp.Path;
        start.Environment["QBT_WEBUI_PORT"] = webUi.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["QBT_LISTEN_PORT"] = listen.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Tests reach no network: peers on loopback only, no DHT.
        start.Environment["QBT_LISTEN_INTERFACE"] = "lo";
        start.Environment["QBT_LISTEN_ADDRESS"] = "127.0.0.1";
        start.Environment["QBT_DHT"] = "false";
        start.Environment["QBT_PEX"] = "false";
        using var daemon = Process.Start(start)!;
        try
        {
            using var engine = new QBittorrentEngine(new QBittorrentConnection { WebUiUrl = new Uri($"http://127.0.0.1:{webUi}/") });
            var health = await Eventually.UntilAsync(() => engine.CheckHealthAsync(), h => h.Answering || daemon.HasExited);
            Assert.True(health.Answering, $"the daemon did not answer: {health.Problem}");

            using var preferences = await engine.GetPreferencesAsync();
            var p = preferences.RootElement;
            Assert.Equal(listen, p.GetProperty("listen_port").GetInt32());
            Assert.Equal("127.0.0.1", p.GetProperty("web_ui_address").GetString());
            Assert.True(p.GetProperty("bypass_local_auth").GetBoolean());
            Assert.Equal(2, p.GetProperty("disk_io_type").GetInt32());
            Assert.Equal(16, p.GetProperty("max_active_checking_torrents").GetInt32());
            Assert.False(p.GetProperty("queueing_enabled").GetBoolean());
            Assert.Equal(250, p.GetProperty("refresh_interval").GetInt32());
            Assert.Equal(-1, p.GetProperty("max_ratio").GetDouble());
            Assert.False(p.GetProperty("dht").GetBoolean());
        }
        finally
        {
            // As Kubernetes stops a container: SIGTERM, then the daemon saves its state and exits.
            Process.Start("kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!daemon.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                daemon.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>"[Section] Key=Value" for every setting in a Qt INI text.</summary>
    private static List<string> Parse(string ini)
    {
        var section = string.Empty;
        var settings = new List<string>();
        foreach (var line in ini.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            if (line.StartsWith('['))
            {
                section = line[1..^1];
            }
            else
            {
                settings.Add($"[{section}] {line}");
            }
        }

        return settings;
    }
}

/// <summary>
/// The node image's build stage run here without Docker (no engine on this machine): its COPY lines into a fresh
/// build context (less what .dockerignore leaves out), then its RUN lines, which must restore with the central
/// package versions and publish the node and the CLI.
/// </summary>
public sealed class NodeImageTests
{
    [Fact]
    [Trait("Category", "Integration")]
    public void The_build_stage_restores_and_publishes_the_node_and_the_CLI_from_what_it_copies()
    {
        using var temp = new TempDirectory();
        var context = temp.Join("src");
        var output = temp.Join("out");
        var lines = File.ReadAllText(Path.Join(Manifests.Root, "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
        var stage = lines.SkipWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Contains(stage, l => l.StartsWith("WORKDIR /src", StringComparison.Ordinal));

        foreach (var line in stage.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words[0] == "COPY")
            {
                var destination = Path.Join(context, words[^1] == "./" ? string.Empty : words[^1]);
                foreach (var source in words[1..^1])
                {
                    Copy(Path.Join(Manifests.Root, source), source.EndsWith('/') ? destination : Path.Join(destination, Path.GetFileName(source)));
                }
            }
            else if (words[0] == "RUN")
            {
                var command = line["RUN".Length..].Replace("/out/", output + "/", StringComparison.Ordinal);
                var result = Manifests.Run("sh", ["-ec", command], workingDirectory: context);
                Assert.True(result.ExitCode == 0, $"RUN {command}\n{result.Output}\n{result.Error}");
            }
        }

        Assert.True(File.Exists(Path.Join(output, "node", "LibraryCluster.Host.dll")));
        Assert.True(File.Exists(Path.Join(output, "node", "LibraryCluster.Host")), "the entrypoint /app/LibraryCluster.Host (the preStop runs it)");
        Assert.True(File.Exists(Path.Join(output, "node", "appsettings.json")));
        Assert.True(File.Exists(Path.Join(output, "cli", "libcluster")));
    }

    /// <summary>Copies a file, or a folder without bin/ and obj/ (.dockerignore).</summary>
    private static void Copy(string source, string target)
    {
        if (File.Exists(source))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target, overwrite: true);
            return;
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Join(target, relative))!);
            File.Copy(file, Path.Join(target, relative), overwrite: true);
        }
    }
}
