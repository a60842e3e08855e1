using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LibraryCluster.Deploy.Tests;

/// <summary>
/// The repository's k8s/ folder rendered the way an administrator applies it: `kubectl kustomize` for each
/// overlay, read as JSON through k8s/validate/tojson.mjs (Node.js, with the packages k8s/validate/package.json
/// names; scripts/test.sh installs them).
/// </summary>
public sealed class Manifests
{
    public static readonly string[] Overlays = ["k8s/base", "k8s/overlays/dev", "k8s/overlays/prod"];

    private readonly Dictionary<string, Rendered> _rendered = [];

    public static string Root { get; } = FindRoot();

    public static string ValidateDirectory => Path.Join(Root, "k8s", "validate");

    /// <summary>The objects an overlay renders to (rendered once per test run).</summary>
    public Rendered Render(string overlay)
    {
        lock (_rendered)
        {
            if (!_rendered.TryGetValue(overlay, out var rendered))
            {
                var yaml = Kustomize(overlay);
                var json = Run("node", [Path.Join(ValidateDirectory, "tojson.mjs")], yaml);
                Assert.True(json.ExitCode == 0, $"tojson.mjs failed: {json.Error}");
                rendered = new Rendered(overlay, JsonNode.Parse(json.Output)!.AsArray().Select(o => o!.AsObject()).ToList());
                _rendered[overlay] = rendered;
            }

            return rendered;
        }
    }

    /// <summary>`kubectl kustomize OVERLAY`: the YAML an administrator's `kubectl apply -k` sends.</summary>
    public static string Kustomize(string overlay)
    {
        var result = Run("kubectl", ["kustomize", Path.Join(Root, overlay)]);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize {overlay} failed ({result.ExitCode}): {result.Error}");
        return result.Output;
    }

    public static (int ExitCode, string Output, string Error) Run(string program, IEnumerable<string> arguments, string? input = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is not installed here ({e.Message}); scripts/test.sh installs what these tests need", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(input ?? string.Empty);
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish in 5 minutes");
            }

            return (process.ExitCode, output.Result, error.Result);
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Join(directory.FullName, "LibraryCluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("LibraryCluster.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>One overlay's rendered objects, with the questions the tests ask of them.</summary>
public sealed record Rendered(string Overlay, IReadOnlyList<JsonObject> Objects)
{
    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind, string name) =>
        Assert.Single(Objects, o => (string?)o["kind"] == kind && (string?)o["metadata"]!["name"] == name);

    public JsonObject StatefulSet => Single("StatefulSet", "librarycluster");

    public JsonObject PodSpec => StatefulSet["spec"]!["template"]!["spec"]!.AsObject();

    public JsonObject Container(string name) =>
        Assert.Single(PodSpec["containers"]!.AsArray().Concat(PodSpec["initContainers"]?.AsArray() ?? []), c => (string?)c!["name"] == name)!.AsObject();

    public IEnumerable<JsonObject> AllContainers =>
        PodSpec["containers"]!.AsArray().Concat(PodSpec["initContainers"]?.AsArray() ?? []).Select(c => c!.AsObject());

    /// <summary>The ConfigMap the node takes its settings from (generated, so its name has a hash suffix).</summary>
    public JsonObject Options
    {
        get
        {
            var name = (string)Assert.Single(Container("node")["envFrom"]!.AsArray())!["configMapRef"]!["name"]!;
            return Single("ConfigMap", name);
        }
    }

    /// <summary>
    /// The node container's environment as the node sees it: the ConfigMap's keys, then its own variables over
    /// them, with $(VAR) references expanded, the downward API's fields given for pod <paramref name="pod"/>, and
    /// each Secret reference given <paramref name="secret"/>(name, key).
    /// </summary>
    public Dictionary<string, string> NodeEnvironment(string pod, Func<string, string, string> secret)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Options["data"]!.AsObject())
        {
            environment[key] = (string)value!;
        }

        var ns = (string?)StatefulSet["metadata"]!["namespace"] ?? "default";
        foreach (var variable in Container("node")["env"]!.AsArray().Select(v => v!.AsObject()))
        {
            var name = (string)variable["name"]!;
            if (variable["value"] is { } value)
            {
                environment[name] = System.Text.RegularExpressions.Regex.Replace((string)value!, @"\$\((\w+)\)", m => environment.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
            }
            else if (variable["valueFrom"]!["fieldRef"] is { } field)
            {
                environment[name] = (string)field["fieldPath"]! switch
                {
                    "metadata.name" => pod,
                    "metadata.namespace" => ns,
                    "spec.nodeName" => "k8s-host-1",
                    var other => throw new InvalidOperationException("a field the test does not know: " + other),
                };
            }
            else if (variable["valueFrom"]!["secretKeyRef"] is { } reference)
            {
                environment[name] = secret((string)reference["name"]!, (string)reference["key"]!);
            }
        }

        return environment;
    }

    /// <summary>A container's port number by name.</summary>
    public static int Port(JsonObject container, string name) =>
        (int)Assert.Single(container["ports"]!.AsArray(), p => (string?)p!["name"] == name)!["containerPort"]!;

    public static Dictionary<string, string> Mounts(JsonObject container) =>
        container["volumeMounts"]!.AsArray().ToDictionary(m => (string)m!["name"]!, m => (string)m!["mountPath"]!, StringComparer.Ordinal);

    public static string[] Strings(JsonNode? array) => array?.AsArray().Select(s => (string)s!).ToArray() ?? [];
}
