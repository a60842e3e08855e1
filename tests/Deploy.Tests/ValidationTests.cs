namespace LibraryCluster.Deploy.Tests;

/// <summary>Every overlay renders with kubectl and its objects pass the API-schema validator (k8s/validate).</summary>
[Trait("Category", "Integration")]
public sealed class ValidationTests
{
    public static TheoryData<string> Overlays => new(Manifests.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_overlay_renders_objects_the_Kubernetes_API_schema_accepts(string overlay)
    {
        var yaml = Manifests.Kustomize(overlay);

        var result = Manifests.Run("node", [Path.Join(Manifests.ValidateDirectory, "validate.mjs")], yaml);

        Assert.True(result.ExitCode == 0, $"{overlay}:\n{result.Output}{result.Error}");
        Assert.Matches(@"(?m)^\d+ valid, 0 invalid$", result.Output);
        Assert.Contains("ok apps/v1 StatefulSet librarycluster", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_refuses_what_the_API_server_would()
    {
        const string broken = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: broken
            spec:
              serviceName: x
              selector: {}
              template:
                spec:
                  containers:
                    - name: node
                      livenesProbe: {}
                      ports:
                        - containerPort: http
                    - image: no-name
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudgett
            metadata:
              name: x
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: fine
            """;

        var result = Manifests.Run("node", [Path.Join(Manifests.ValidateDirectory, "validate.mjs")], broken);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/spec/template/spec/containers/0/ports/0/containerPort must be integer", result.Output, StringComparison.Ordinal);
        Assert.Contains("/spec/template/spec/containers/1 must have required property name", result.Output, StringComparison.Ordinal);
        Assert.Contains("kind PodDisruptionBudgett is not in policy/v1", result.Output, StringComparison.Ordinal);
        Assert.Contains("ok v1 Service fine", result.Output, StringComparison.Ordinal);
        Assert.Contains("1 valid, 2 invalid", result.Output, StringComparison.Ordinal);

        // A field the API does not have, alone (the schema allows unknown fields; the field lists do not).
        var typo = Manifests.Run("node", [Path.Join(Manifests.ValidateDirectory, "validate.mjs")], broken.Split("ports:")[0]);
        Assert.Contains("/spec/template/spec/containers/0/livenesProbe: unknown field", typo.Output, StringComparison.Ordinal);
    }
}
