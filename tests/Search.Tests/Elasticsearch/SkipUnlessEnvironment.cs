using Xunit.Abstractions;
using Xunit.Sdk;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>
/// On a test class: its <see cref="BackendFactAttribute"/> and <see cref="BackendTheoryAttribute"/> tests are
/// reported as skipped, with <paramref name="reason"/>, unless the environment variable is set. The run says so
/// plainly ("[SKIP]" with the reason) instead of passing them silently.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SkipUnlessEnvironmentAttribute(string variable, string reason) : Attribute
{
    public string Variable { get; } = variable;

    public string Reason { get; } = reason;

    /// <summary>The skip reason for a test class, or null when its tests should run.</summary>
    internal static string? For(ITypeInfo testClass)
    {
        foreach (var attribute in testClass.GetCustomAttributes(typeof(SkipUnlessEnvironmentAttribute).AssemblyQualifiedName))
        {
            var arguments = attribute.GetConstructorArguments().ToList();
            var variable = (string)arguments[0];
            if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable)))
            {
                return $"{variable} is not set: {(string)arguments[1]}";
            }
        }

        return null;
    }
}

/// <summary>A fact of a behavioural suite shared by several backends; skipped where the class says its backend is absent.</summary>
[XunitTestCaseDiscoverer("LibraryCluster.Search.Tests.Elasticsearch.BackendFactDiscoverer", "LibraryCluster.Search.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class BackendFactAttribute : FactAttribute;

/// <summary>A theory of a behavioural suite shared by several backends; skipped where the class says its backend is absent.</summary>
[XunitTestCaseDiscoverer("LibraryCluster.Search.Tests.Elasticsearch.BackendTheoryDiscoverer", "LibraryCluster.Search.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class BackendTheoryAttribute : TheoryAttribute;

public sealed class BackendFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        SkipUnlessEnvironmentAttribute.For(testMethod.TestClass.Class) is { } reason
            ? [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, factAttribute);
}

public sealed class BackendTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        SkipUnlessEnvironmentAttribute.For(testMethod.TestClass.Class) is { } reason
            ? [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
}
