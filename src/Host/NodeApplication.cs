using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Actors.Volumes;
using LibraryCluster.Host.Api;
using LibraryCluster.Host.Cluster;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Host.Monitoring;
using LibraryCluster.Host.Node;
using LibraryCluster.Host.Search;
using LibraryCluster.Host.Serving;
using LibraryCluster.Host.Swarm;
using LibraryCluster.Host.Web;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host;

/// <summary>Builds the node's web application: configuration, services, endpoints. Program runs it; tests start it on a loopback port.</summary>
public static class NodeApplication
{
    /// <summary>Short switches for the settings people pass most.</summary>
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--data-dir"] = "Node:DataDirectory",
        ["--admin-token"] = "Node:AdminToken",
        ["--demo"] = "Node:Demo",
        ["--settings-dir"] = SettingsDirectoryKey,
    };

    /// <summary>
    /// A folder of settings as files, one per key (Cluster__Zone holding "zone-a"), read at start after the
    /// environment and before the command line: how a setting learnt at run time reaches the node (on Kubernetes,
    /// the zone an init container reads off the host's topology label). A missing folder is no error.
    /// </summary>
    public const string SettingsDirectoryKey = "Node:SettingsDirectory";

    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = FlagsWithValues(args), ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddCommandLine(FlagsWithValues(args), Switches);
        if (builder.Configuration[SettingsDirectoryKey] is { Length: > 0 } settingsDirectory)
        {
            builder.Configuration.AddKeyPerFile(Path.GetFullPath(settingsDirectory), optional: true);
            builder.Configuration.AddCommandLine(FlagsWithValues(args), Switches);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.MaxRequestBodySize = ApiEndpoints.MaxTorrentUpload;
            // Peers copying replicas get their files by sendfile, in front of HTTP (a node outside a cluster skips it).
            kestrel.ConfigureEndpointDefaults(PeerFileSender.Install);
        });

        var services = builder.Services;
        services.AddOptions<NodeOptions>().Bind(builder.Configuration.GetSection(NodeOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        services.AddOptions<ClusterOptions>().Bind(builder.Configuration.GetSection(ClusterOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>();
        services.AddSingleton(provider => new ClusterRuntime(provider.GetRequiredService<IOptions<ClusterOptions>>().Value, provider.GetRequiredService<IOptions<NodeOptions>>().Value));
        services.AddSingleton<ClusterAdmin>();
        services.AddSingleton<IPeerFiles, ClusterPeerFiles>();
        services.AddSingleton<PeerFileSender>();
        services.AddSingleton<CatalogImports>();
        services.AddOptions<SwarmOptions>().Bind(builder.Configuration.GetSection(SwarmOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SwarmOptions>, SwarmOptionsValidator>();
        services.AddSingleton(provider => new SwarmRuntime(
            provider.GetRequiredService<IOptions<SwarmOptions>>().Value, provider.GetRequiredService<IOptions<NodeOptions>>().Value, provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<DownloadForwarder>();
        // Where the node keeps its state: the cluster's database, or node.db for a single node (a cluster of one). Its replicas, the map and the scrapes share it.
        services.AddSingleton(provider => provider.GetRequiredService<ClusterRuntime>().Map.Database);
        services.AddSingleton(provider => CreateNode(provider.GetRequiredService<IOptions<NodeOptions>>().Value, provider.GetRequiredService<ClusterRuntime>(), provider.GetRequiredService<ClusterDatabase>(), provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<NodeLifetime>();
        services.AddHostedService(provider => provider.GetRequiredService<NodeLifetime>());
        services.AddHostedService<TorrentWatcher>();
        services.AddHostedService<SwarmService>();
        services.AddSingleton(provider => new ScrapeStore(provider.GetRequiredService<ClusterDatabase>()));
        services.AddSingleton<ScrapeService>();
        services.AddHostedService(provider => provider.GetRequiredService<ScrapeService>());
        services.AddSingleton(provider => new CatalogReader(provider.GetRequiredService<IOptions<NodeOptions>>().Value.CatalogPath));
        services.AddCatalogSearch(builder.Configuration);
        services.AddSingleton(provider => new DownloadQueue(provider.GetRequiredService<IOptions<NodeOptions>>().Value.EffectiveDownloadsAtOnce));
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<AdminAuth>();
        services.AddSingleton<NodeDrain>();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

        var app = builder.Build();
        app.Use(app.Services.GetRequiredService<NodeDrain>().TrackAsync);
        app.Use(async (context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            await next(context).ConfigureAwait(false);
            context.RequestServices.GetRequiredService<NodeMetrics>().Record(context.Response.StatusCode, HttpMethods.IsHead(context.Request.Method) ? null : context.Response.ContentLength);
        });
        app.MapOpenApi();
        app.MapGet("/site.css", () => Results.Text(Stylesheet.Value, "text/css; charset=utf-8")).ExcludeFromDescription();
        app.MapWebEndpoints();
        app.MapFileEndpoints();
        app.MapApiEndpoints();
        app.MapAdminEndpoints();
        app.MapHealthEndpoints();
        app.MapClusterEndpoints();
        app.MapDrainEndpoint();
        return app;
    }

    private static MirrorNode CreateNode(NodeOptions options, ClusterRuntime cluster, ClusterDatabase database, ILoggerFactory loggers)
    {
        var settings = new NodeSettings
        {
            Volumes = [.. options.EffectiveVolumes.Select(v => new NodeVolume(v.Id, Path.GetFullPath(v.Path), v.CapacityGigabytes is { } gb ? (long)(gb * 1e9) : null))],
            TorrentsDirectory = options.TorrentsDirectory,
            CatalogPath = options.CatalogPath,
            VolumeOptions = new VolumeOptions { ProbeInterval = options.VolumeProbeInterval },
            Scrub = new ScrubOptions
            {
                Interval = options.ScrubInterval,
                BytesPerSecond = options.ScrubMegabytesPerSecond > 0 ? (long)(options.ScrubMegabytesPerSecond * 1e6) : null,
            },
        };
        Directory.CreateDirectory(options.DataDirectory);
        // A single node keeps its replicas in node.db under one fixed id; a cluster node in the shared database under its own.
        var store = new SqlNodeStore(database, cluster.NodeId);
        return new MirrorNode(settings, store, loggers, fetcher: cluster.Fetcher);
    }

    /// <summary>"--demo" alone means "--demo true", as the configuration reader wants a value after every switch.</summary>
    private static string[] FlagsWithValues(string[] args)
    {
        var result = new List<string>(args.Length + 1);
        for (var i = 0; i < args.Length; i++)
        {
            result.Add(args[i]);
            if (args[i] == "--demo" && (i + 1 == args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
            {
                result.Add("true");
            }
        }

        return [.. result];
    }

    private static readonly Lazy<string> Stylesheet = new(() =>
    {
        using var stream = typeof(NodeApplication).Assembly.GetManifestResourceStream("LibraryCluster.Host.site.css")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
