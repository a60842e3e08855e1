using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using LibraryCluster.Host;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Host.Node;
using LibraryCluster.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Deploy.Tests;

/// <summary>
/// The rendered manifests against the node itself: its option classes and validators, its routes, its drain
/// command, its settings folder. They render with kubectl and read through Node.js, hence Integration.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ManifestTests(Manifests manifests) : IClassFixture<Manifests>
{
    public static TheoryData<string> Overlays => new(Manifests.Overlays);

    public static TheoryData<string> Deployable => new("k8s/overlays/dev", "k8s/overlays/prod");

    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [NodeOptions.Section] = typeof(NodeOptions),
        [ClusterOptions.Section] = typeof(ClusterOptions),
        [SwarmOptions.Section] = typeof(SwarmOptions),
    };

    /// <summary>Variables the node container has that are not settings: ASP.NET Core's listen address, and the downward API's values the settings refer to.</summary>
    private static readonly string[] NotSettings = ["ASPNETCORE_URLS", "POD_NAME", "POD_NAMESPACE"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_variable_of_the_node_is_a_real_setting(string overlay)
    {
        var environment = manifests.Render(overlay).NodeEnvironment("librarycluster-0", (_, _) => "secret");

        foreach (var name in environment.Keys.Where(n => !NotSettings.Contains(n)))
        {
            var path = name.Split("__");
            var type = path.Length > 1 ? Sections.GetValueOrDefault(path[0]) : null;
            Assert.True(type is not null, $"{overlay}: {name} is in no section of the node's settings");
            Assert.True(IsSetting(type, path[1..]), $"{overlay}: {name} names no setting of {type.Name} (docs/node.md, cluster.md, swarm.md)");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_settings_make_a_valid_cluster_node_named_after_its_pod(string overlay)
    {
        var rendered = manifests.Render(overlay);
        var configuration = Configuration(rendered, "librarycluster-2");
        var node = Bind<NodeOptions>(configuration);
        var cluster = Bind<ClusterOptions>(configuration);
        var swarm = Bind<SwarmOptions>(configuration);

        Assert.Empty(new NodeOptionsValidator().Validate(null, node).Failures ?? []);
        Assert.Empty(new ClusterOptionsValidator().Validate(null, cluster).Failures ?? []);
        Assert.Empty(new SwarmOptionsValidator().Validate(null, swarm).Failures ?? []);
        Assert.True(cluster.Enabled, "the node runs as a cluster node (Cluster:Database)");
        Assert.Equal("librarycluster-2", cluster.NodeId);

        // Peers reach it through the headless Service, on the port it listens on.
        var ns = (string?)rendered.StatefulSet["metadata"]!["namespace"] ?? "default";
        var peers = (string)rendered.StatefulSet["spec"]!["serviceName"]!;
        var headless = rendered.Single("Service", peers);
        Assert.Equal("None", (string?)headless["spec"]!["clusterIP"]);
        var endpoint = new Uri(cluster.Endpoint!);
        Assert.Equal($"librarycluster-2.{peers}.{ns}.svc", endpoint.Host);
        Assert.Equal(HttpPort(rendered), endpoint.Port);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Ports_match_the_node_and_the_daemon_settings(string overlay)
    {
        var rendered = manifests.Render(overlay);
        var configuration = Configuration(rendered, "librarycluster-0");
        var daemon = rendered.Container("qbittorrent");
        var daemonEnv = daemon["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string)e!["value"]!);

        // The node listens on the container's http port.
        var listen = new Uri(configuration["urls"]!.Replace("+", "listen", StringComparison.Ordinal));
        Assert.Equal(Rendered.Port(rendered.Container("node"), "http"), listen.Port);

        // The node reaches the daemon's WebUI on the pod's loopback at the port the daemon is given.
        var swarm = Bind<SwarmOptions>(configuration);
        var webUi = new Uri(swarm.WebUiUrl!);
        Assert.Equal("127.0.0.1", webUi.Host);
        Assert.Equal(int.Parse(daemonEnv["QBT_WEBUI_PORT"], System.Globalization.CultureInfo.InvariantCulture), webUi.Port);
        Assert.False(swarm.RunsDaemon, "the daemon is the sidecar's, not the node's");

        // The daemon's BitTorrent port is exposed, TCP and uTP (UDP).
        var listenPort = int.Parse(daemonEnv["QBT_LISTEN_PORT"], System.Globalization.CultureInfo.InvariantCulture);
        var ports = daemon["ports"]!.AsArray().Select(p => p!.AsObject()).ToList();
        Assert.Contains(ports, p => (int)p["containerPort"]! == listenPort && (string?)p["protocol"] == "TCP");
        Assert.Contains(ports, p => (int)p["containerPort"]! == listenPort && (string?)p["protocol"] == "UDP");

        // Every Service port goes to a named port some container has.
        var named = rendered.AllContainers.SelectMany(c => c["ports"]?.AsArray() ?? []).Select(p => (string)p!["name"]!).ToHashSet();
        foreach (var service in rendered.OfKind("Service").Where(s => (string?)s["metadata"]!["name"] != "postgres"))
        {
            foreach (var port in service["spec"]!["ports"]!.AsArray())
            {
                Assert.Contains((string)port!["targetPort"]!, named);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_volume_claim_template_is_mounted_in_both_containers_and_configured_as_the_data_directory_or_a_node_volume(string overlay)
    {
        var rendered = manifests.Render(overlay);
        var node = Bind<NodeOptions>(Configuration(rendered, "librarycluster-0"));
        var claims = rendered.StatefulSet["spec"]!["volumeClaimTemplates"]!.AsArray().Select(c => (string)c!["metadata"]!["name"]!).ToList();
        var nodeMounts = Rendered.Mounts(rendered.Container("node"));
        var daemonMounts = Rendered.Mounts(rendered.Container("qbittorrent"));

        Assert.True(claims.Count >= 3, "a claim for the data directory and one per disk, several disks");
        var configured = node.Volumes.Select(v => v.Path).Append(node.DataDirectory).ToList();
        foreach (var claim in claims)
        {
            Assert.True(nodeMounts.TryGetValue(claim, out var path), $"{claim} is not mounted in the node");
            Assert.Contains(path, configured);
            // The daemon reads and writes the same files at the same paths as the node asks it to.
            Assert.Equal(path, daemonMounts.GetValueOrDefault(claim));
        }

        // ...and every configured volume, and the data directory, is such a claim: no disk is an ephemeral folder.
        Assert.Equal(configured.Order(StringComparer.Ordinal), claims.Select(c => nodeMounts[c]).Order(StringComparer.Ordinal));
        Assert.Equal(claims.Count - 1, node.EffectiveVolumes.Count);
        Assert.Equal(Path.Join(node.DataDirectory, "qbittorrent"), rendered.Container("qbittorrent")["env"]!.AsArray().Single(e => (string?)e!["name"] == "QBT_PROFILE")!["value"]!.ToString());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_probes_and_the_preStop_drain_answer_on_a_node_started_with_the_manifest_settings(string overlay)
    {
        var rendered = manifests.Render(overlay);
        var node = rendered.Container("node");
        using var temp = new TempDirectory();

        // The manifest's settings, with its absolute paths moved under a temporary folder, on a free loopback port,
        // without the cluster database (no PostgreSQL here: a single node serves the same routes).
        var settings = Configuration(rendered, "librarycluster-0").AsEnumerable()
            .Where(s => s.Value is not null && !s.Key.StartsWith("Cluster:Database", StringComparison.Ordinal) && s.Key != "urls")
            .Select(s => $"--{s.Key}={(s.Value!.StartsWith('/') ? temp.Path + s.Value : s.Value)}")
            .Concat(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"])
            .ToArray();
        await using var app = NodeApplication.Create(settings);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Path: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .ToList();

        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            var get = node[probe]!["httpGet"]!;
            Assert.Equal(HttpPort(rendered), Rendered.Port(node, (string)get["port"]!));
            var path = (string)get["path"]!;
            Assert.Contains(("GET", path), routes);
            await Eventually.UntilAsync(() => client.GetAsync(path), r => r.StatusCode == HttpStatusCode.OK);
        }

        // preStop: the node's own drain command from the image's entrypoint, at the node's port on this host.
        var command = Rendered.Strings(node["lifecycle"]!["preStop"]!["exec"]!["command"]);
        Assert.Equal(DockerEntrypoint(), command[0]);
        Assert.Equal("drain", command[1]);
        var target = new Uri(command[2]);
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(target.Host)), "the drain is asked on the pod's loopback (only this host may drain)");
        Assert.Equal(HttpPort(rendered), target.Port);
        Assert.Contains(("POST", NodeDrain.Route), routes);

        using var output = new StringWriter();
        var code = await NodeDrain.RunClientAsync([app.Urls.First(), .. command[3..]], output, TextWriter.Null);
        Assert.Equal(0, code);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync((string)node["readinessProbe"]!["httpGet"]!["path"]!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync((string)node["livenessProbe"]!["httpGet"]!["path"]!)).StatusCode);

        // The grace period covers the drain's delay and timeout and then the host's own shutdown (30 s).
        var delay = int.Parse(command[Array.IndexOf(command, "--delay") + 1], System.Globalization.CultureInfo.InvariantCulture);
        var timeout = int.Parse(command[Array.IndexOf(command, "--timeout") + 1], System.Globalization.CultureInfo.InvariantCulture);
        var shutdown = app.Services.GetRequiredService<IOptions<Microsoft.Extensions.Hosting.HostOptions>>().Value.ShutdownTimeout;
        Assert.True((int)rendered.PodSpec["terminationGracePeriodSeconds"]! >= delay + timeout + shutdown.TotalSeconds + 10, "terminationGracePeriodSeconds too short for the drain and the shutdown");
        await app.StopAsync();
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_zone_init_container_writes_the_host_zone_where_the_node_reads_it(string overlay)
    {
        var rendered = manifests.Render(overlay);
        var init = rendered.Container("zone");
        var node = rendered.Container("node");
        var settingsDirectory = Bind<NodeOptions>(Configuration(rendered, "librarycluster-0")).SettingsDirectory!;
        Assert.Equal(settingsDirectory, Rendered.Mounts(init)["settings"]);
        Assert.Equal(settingsDirectory, Rendered.Mounts(node)["settings"]);
        Assert.Equal("spec.nodeName", (string?)init["env"]!.AsArray().Single(e => (string?)e!["name"] == "NODE_NAME")!["valueFrom"]!["fieldRef"]!["fieldPath"]);
        // The zone comes first: the node starts after every init container (and the daemon is the sidecar after it).
        Assert.Equal(["zone", "qbittorrent"], rendered.PodSpec["initContainers"]!.AsArray().Select(c => (string)c!["name"]!));

        // Run the init container's script here, with a stand-in kubectl that answers as the API would.
        using var temp = new TempDirectory();
        var script = Rendered.Strings(init["command"]).Last().Replace(settingsDirectory, temp.Join("settings"), StringComparison.Ordinal);
        Directory.CreateDirectory(temp.Join("settings"));
        temp.Write("bin/kubectl", System.Text.Encoding.UTF8.GetBytes("#!/bin/sh\n[ \"$1 $2 $3\" = \"get node k8s-host-1\" ] || { echo \"unexpected: $*\" >&2; exit 9; }\nprintf '%s' \"$ZONE\"\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp.Join("bin", "kubectl"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var shell = Rendered.Strings(init["command"]);
        string[] arguments = [.. shell[1..^1], script];
        var path = temp.Join("bin") + ":" + Environment.GetEnvironmentVariable("PATH");

        var result = Manifests.Run("env", ["NODE_NAME=k8s-host-1", "ZONE=eu-west-1b", "PATH=" + path, shell[0], .. arguments]);
        Assert.True(result.ExitCode == 0, result.Error);
        await using (var app = NodeApplication.Create(["--data-dir", temp.Join("data"), "--settings-dir", temp.Join("settings")]))
        {
            Assert.Equal("eu-west-1b", app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.Zone);
        }

        // A host without the label: nothing written, the zone stays "default".
        File.Delete(temp.Join("settings", "Cluster__Zone"));
        result = Manifests.Run("env", ["NODE_NAME=k8s-host-1", "ZONE=", "PATH=" + path, shell[0], .. arguments]);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Empty(Directory.GetFiles(temp.Join("settings")));

        // The service account may read nodes, and the binding is to the pod's account in the pod's namespace.
        var account = (string)rendered.PodSpec["serviceAccountName"]!;
        var binding = Assert.Single(rendered.OfKind("ClusterRoleBinding"));
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal(account, (string?)subject["name"]);
        Assert.Equal((string?)rendered.StatefulSet["metadata"]!["namespace"] ?? "default", (string?)subject["namespace"]);
        var role = rendered.Single("ClusterRole", (string)binding["roleRef"]!["name"]!);
        var rule = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal(["nodes"], Rendered.Strings(rule["resources"]));
        Assert.Equal(["get"], Rendered.Strings(rule["verbs"]));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_container_runs_unprivileged_on_a_read_only_root_with_requests_and_limits(string overlay)
    {
        var rendered = manifests.Render(overlay);
        var pod = rendered.PodSpec["securityContext"]!;
        Assert.True((bool)pod["runAsNonRoot"]!);
        // The uid both images run as (the .NET image's "app" user; the daemon image's user of the same uid).
        Assert.Equal(1654, (int)pod["runAsUser"]!);
        Assert.Equal(1654, (int)pod["fsGroup"]!);
        Assert.Contains("USER $APP_UID", File.ReadAllText(Path.Join(Manifests.Root, "Dockerfile")), StringComparison.Ordinal);
        Assert.Contains("USER 1654:1654", File.ReadAllText(Path.Join(Manifests.Root, "docker", "qbittorrent", "Dockerfile")), StringComparison.Ordinal);

        foreach (var container in rendered.AllContainers)
        {
            var name = (string)container["name"]!;
            var security = container["securityContext"]!;
            Assert.True((bool)security["readOnlyRootFilesystem"]!, name);
            Assert.False((bool)security["allowPrivilegeEscalation"]!, name);
            Assert.Equal(["ALL"], Rendered.Strings(security["capabilities"]!["drop"]));
            foreach (var kind in new[] { "requests", "limits" })
            {
                Assert.NotNull(container["resources"]![kind]!["cpu"]);
                Assert.NotNull(container["resources"]![kind]!["memory"]);
            }
        }

        // Where the node and the daemon write is a volume: the data directory and disks (claims), /tmp (emptyDir).
        foreach (var name in new[] { "node", "qbittorrent" })
        {
            Assert.Equal("/tmp", Rendered.Mounts(rendered.Container(name))["tmp"]);
        }

        // Only the zone init container carries an API token.
        Assert.False((bool)rendered.PodSpec["automountServiceAccountToken"]!);
        var withToken = rendered.AllContainers.Where(c => Rendered.Mounts(c).ContainsKey("kube-api-access")).Select(c => (string)c["name"]!);
        Assert.Equal(["zone"], withToken);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void One_node_at_a_time_may_be_disrupted(string overlay)
    {
        var rendered = manifests.Render(overlay);
        var budget = Assert.Single(rendered.OfKind("PodDisruptionBudget"));
        Assert.Equal(1, (int)budget["spec"]!["maxUnavailable"]!);
        var labels = rendered.StatefulSet["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        foreach (var (key, value) in budget["spec"]!["selector"]!["matchLabels"]!.AsObject())
        {
            Assert.Equal((string?)value, (string?)labels[key]);
        }

        Assert.Equal("RollingUpdate", (string?)rendered.StatefulSet["spec"]!["updateStrategy"]!["type"]);
        Assert.Equal("Retain", (string?)rendered.StatefulSet["spec"]!["persistentVolumeClaimRetentionPolicy"]!["whenScaled"]);
        Assert.Equal("Retain", (string?)rendered.StatefulSet["spec"]!["persistentVolumeClaimRetentionPolicy"]!["whenDeleted"]);
    }

    [Theory]
    [MemberData(nameof(Deployable))]
    public void The_node_takes_its_tokens_and_database_from_the_secret(string overlay)
    {
        var rendered = manifests.Render(overlay);
        var references = rendered.Container("node")["env"]!.AsArray()
            .Where(e => e!["valueFrom"]?["secretKeyRef"] is not null)
            .ToDictionary(e => (string)e!["name"]!, e => ((string)e!["valueFrom"]!["secretKeyRef"]!["name"]!, (string)e!["valueFrom"]!["secretKeyRef"]!["key"]!));

        Assert.Equal("admin-token", references["Node__AdminToken"].Item2);
        Assert.Equal("cluster-token", references["Cluster__Token"].Item2);
        Assert.Equal("database", references["Cluster__Database"].Item2);
        Assert.DoesNotContain(rendered.Options["data"]!.AsObject(), o => o.Key.Contains("Token", StringComparison.Ordinal) || o.Key.Contains("Database", StringComparison.Ordinal));
    }

    [Fact]
    public void Dev_is_one_node_with_its_PostgreSQL_in_the_namespace_and_the_demo()
    {
        var rendered = manifests.Render("k8s/overlays/dev");
        Assert.Equal(1, (int)rendered.StatefulSet["spec"]!["replicas"]!);
        var secret = Assert.Single(rendered.OfKind("Secret"), s => ((string)s["metadata"]!["name"]!).StartsWith("librarycluster-secrets", StringComparison.Ordinal));
        var configuration = Configuration(rendered, "librarycluster-0", (name, key) => name == (string)secret["metadata"]!["name"]!
            ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(((string)secret["data"]![key]!).Replace("\n", string.Empty, StringComparison.Ordinal)))
            : throw new InvalidOperationException($"secret {name} is not rendered"));
        var node = Bind<NodeOptions>(configuration);
        var cluster = Bind<ClusterOptions>(configuration);

        Assert.True(node.Demo);
        Assert.Equal(1, cluster.ReplicationFactor);
        var database = new Npgsql.NpgsqlConnectionStringBuilder(cluster.Database);
        var service = rendered.Single("Service", database.Host!);
        Assert.Equal(database.Port, (int)service["spec"]!["ports"]![0]!["port"]!);
        var postgres = rendered.Single("StatefulSet", "postgres");
        var env = postgres["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.Equal(database.Username, (string?)env.Single(e => (string?)e!["name"] == "POSTGRES_USER")!["value"]);
        Assert.Equal(database.Database, (string?)env.Single(e => (string?)e!["name"] == "POSTGRES_DB")!["value"]);
        var postgresSecret = Assert.Single(rendered.OfKind("Secret"), s => (string?)s["metadata"]!["name"] == (string?)env.Single(e => (string?)e!["name"] == "POSTGRES_PASSWORD")!["valueFrom"]!["secretKeyRef"]!["name"]);
        Assert.Equal(database.Password, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)postgresSecret["data"]!["password"]!)));
        Assert.All(rendered.Objects.Where(o => o["metadata"]!["namespace"] is not null), o => Assert.Equal("librarycluster-dev", (string?)o["metadata"]!["namespace"]));
    }

    [Fact]
    public void Prod_is_three_nodes_or_more_one_per_host_spread_over_zones_behind_an_ingress_with_no_secret_in_the_repository()
    {
        var rendered = manifests.Render("k8s/overlays/prod");
        Assert.True((int)rendered.StatefulSet["spec"]!["replicas"]! >= 3);
        var labels = rendered.StatefulSet["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var affinity = rendered.PodSpec["affinity"]!["podAntiAffinity"]!;
        var required = Assert.Single(affinity["requiredDuringSchedulingIgnoredDuringExecution"]!.AsArray())!;
        Assert.Equal("kubernetes.io/hostname", (string?)required["topologyKey"]);
        Assert.True(Selects(required["labelSelector"]!, labels));
        var zone = Assert.Single(affinity["preferredDuringSchedulingIgnoredDuringExecution"]!.AsArray())!["podAffinityTerm"]!;
        Assert.Equal("topology.kubernetes.io/zone", (string?)zone["topologyKey"]);
        Assert.True(Selects(zone["labelSelector"]!, labels));
        var spread = Assert.Single(rendered.PodSpec["topologySpreadConstraints"]!.AsArray())!;
        Assert.Equal("topology.kubernetes.io/zone", (string?)spread["topologyKey"]);
        Assert.True(Selects(spread["labelSelector"]!, labels));

        // With two copies of every torrent, one node down (the budget) never takes the last copy away.
        Assert.True(Bind<ClusterOptions>(Configuration(rendered, "librarycluster-0")).ReplicationFactor >= 2);

        var ingress = Assert.Single(rendered.OfKind("Ingress"));
        var backend = ingress["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!;
        var frontend = rendered.Single("Service", (string)backend["name"]!);
        Assert.Contains(frontend["spec"]!["ports"]!.AsArray(), p => (string?)p!["name"] == (string?)backend["port"]!["name"]);
        Assert.True(Selects(new JsonObject { ["matchLabels"] = frontend["spec"]!["selector"]!.DeepClone() }, labels));

        Assert.Empty(rendered.OfKind("Secret"));
        Assert.All(rendered.AllContainers.Where(c => (string?)c["name"] == "qbittorrent").SelectMany(c => c["ports"]!.AsArray()), p => Assert.NotNull(p!["hostPort"]));
    }

    [Fact]
    public void The_image_builds_every_project_the_node_and_the_CLI_need_with_the_central_package_versions()
    {
        var dockerfile = File.ReadAllLines(Path.Join(Manifests.Root, "Dockerfile"));
        var copied = dockerfile.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("global.json", copied);
        Assert.Contains("Directory.Build.props", copied);
        Assert.Contains("Directory.Packages.props", copied);

        foreach (var project in Closure("src/Host/LibraryCluster.Host.csproj").Concat(Closure("src/Cli/LibraryCluster.Cli.csproj")))
        {
            Assert.Contains(project, copied);
        }

        Assert.Contains(dockerfile, l => l.Contains("dotnet publish src/Host/LibraryCluster.Host.csproj", StringComparison.Ordinal));
        // The daemon image runs the entrypoint this repository tests (tests/Deploy.Tests/DaemonImageTests).
        Assert.Contains("COPY entrypoint.sh", File.ReadAllText(Path.Join(Manifests.Root, "docker", "qbittorrent", "Dockerfile")), StringComparison.Ordinal);
    }

    /// <summary>The image's entrypoint (the node binary), which the preStop hook runs with "drain".</summary>
    private static string DockerEntrypoint()
    {
        var line = File.ReadAllLines(Path.Join(Manifests.Root, "Dockerfile")).Single(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal));
        return System.Text.Json.JsonSerializer.Deserialize<string[]>(line["ENTRYPOINT".Length..])![0];
    }

    /// <summary>A project and every project it references, as paths from the repository's root.</summary>
    private static IEnumerable<string> Closure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var next = new Stack<string>([project]);
        while (next.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            var document = System.Xml.Linq.XDocument.Load(Path.Join(Manifests.Root, current));
            foreach (var reference in document.Descendants("ProjectReference").Select(r => (string)r.Attribute("Include")!))
            {
                var full = Path.GetFullPath(Path.Join(Manifests.Root, Path.GetDirectoryName(current), reference.Replace('\\', '/')));
                next.Push(Path.GetRelativePath(Manifests.Root, full).Replace('\\', '/'));
            }
        }

        return seen;
    }

    private static bool Selects(JsonNode selector, JsonObject labels) =>
        selector["matchLabels"]!.AsObject().All(l => (string?)labels[l.Key] == (string?)l.Value);

    private static int HttpPort(Rendered rendered) => Rendered.Port(rendered.Container("node"), "http");

    /// <summary>The node's configuration as ASP.NET Core builds it from the pod's environment (Section__Key → Section:Key; ASPNETCORE_URLS → urls).</summary>
    private static IConfiguration Configuration(Rendered rendered, string pod, Func<string, string, string>? secret = null)
    {
        var environment = rendered.NodeEnvironment(pod, secret ?? ((_, key) => key switch
        {
            "database" => "Host=db;Username=librarycluster;Password=x;Database=librarycluster",
            _ => "a-secret-of-at-least-16-characters",
        }));
        return new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key == "ASPNETCORE_URLS" ? "urls" : e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
            .Build();
    }

    private static T Bind<T>(IConfiguration configuration)
        where T : new() =>
        configuration.GetSection((string)typeof(T).GetField("Section")!.GetValue(null)!).Get<T>() ?? new T();

    /// <summary>Whether a path of keys (Volumes, 0, Id) names a setting of <paramref name="type"/> the binder fills.</summary>
    private static bool IsSetting(Type type, ReadOnlySpan<string> path)
    {
        if (path.IsEmpty)
        {
            return true;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            return int.TryParse(path[0], out _) && IsSetting(type.GetGenericArguments()[0], path[1..]);
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is { CanWrite: true } && IsSetting(property.PropertyType, path[1..]);
    }
}
