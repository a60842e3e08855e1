using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LibraryCluster.Search.Elasticsearch;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>Trusting the cluster's certificate through the configured CA (as Elasticsearch 8's http_ca.crt): no network.</summary>
public class CertificateAuthorityTests
{
    private static X509Certificate2 Authority(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Server(X509Certificate2 authority)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=es01", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3, 4]);
    }

    [Fact]
    public void A_Certificate_Signed_By_The_Configured_Ca_Is_Trusted_And_Others_Are_Not()
    {
        using var authority = Authority("Elasticsearch security auto-configuration HTTP CA");
        using var stranger = Authority("Someone else");
        using var server = Server(authority);
        Assert.True(ElasticsearchClient.TrustedBy(authority, server, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(ElasticsearchClient.TrustedBy(stranger, server, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(ElasticsearchClient.TrustedBy(authority, server, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.True(ElasticsearchClient.TrustedBy(stranger, server, SslPolicyErrors.None));
    }
}
