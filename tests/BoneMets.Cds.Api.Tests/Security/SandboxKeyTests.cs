using System.Collections.Frozen;
using BoneMets.Cds.Api.Security;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// The CDS Hooks sandbox's private key is public: outside Development its public key is refused under any issuer, whether
/// configured as a key file or served in a fetched key set.
/// </summary>
[Collection(SecuritySerialGroup.Name)]
public sealed class SandboxKeyTests
{
    private static readonly string SandboxJwksFile = Path.Combine(RepoPaths.Root, "cds-services", TrustedClientRegistry.SandboxJwksFile);
    private static readonly string SandboxJwksJson = File.ReadAllText(SandboxJwksFile);
    private const string SandboxKid = "44823f3d-0b01-4a6c-a80e-b9d3e8a7226f";

    [Theory]
    [InlineData("Production")]
    [InlineData("Testing")]
    public void SandboxKeyFile_UnderAnotherIssuer_RefusesToStart(string environment)
    {
        using var host = new SecurityHost(new SecuritySettings().Client("https://innocent-looking.test/issuer", SandboxJwksFile).Build(), environment);
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains("sandbox", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SandboxKeyFile_UnderAnotherIssuer_InDevelopment_Starts()
    {
        using var host = new SecurityHost(new SecuritySettings().Client("https://innocent-looking.test/issuer", SandboxJwksFile).Build(), "Development");
        Assert.Null(host.StartupFailure());
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task FetchedKeySet_WithTheSandboxKey_DropsItOutsideDevelopment(bool refusesSandboxKey, bool sandboxKeyUsable)
    {
        using var jwks = JwksServer.Start();
        var own = TestKey.Ec("ES384");
        var sandbox = System.Text.Json.Nodes.JsonNode.Parse(SandboxJwksJson)!["keys"]![0]!.DeepClone();
        var set = System.Text.Json.Nodes.JsonNode.Parse(TestKey.Jwks(own))!;
        set["keys"]!.AsArray().Add(sandbox);
        jwks.ServeBody(set.ToJsonString());
        var client = new TrustedClient(
            "https://ehr-fetched.test/issuer",
            new Uri(jwks.Url),
            staticKeys: null,
            FrozenSet<string>.Empty,
            new[] { "ES384" }.ToFrozenSet(),
            TimeSpan.FromMinutes(15),
            TimeSpan.FromMinutes(1),
            FrozenSet<string>.Empty,
            permitLimit: null,
            isSandbox: false,
            refusesSandboxKey: refusesSandboxKey);
        var cache = new JwksCache(new PlainHttp(), Options.Create(new CdsAuthOptions()), TimeProvider.System, NullLogger<JwksCache>.Instance);

        Assert.NotNull(await cache.FindKeyAsync(client, own.Kid, CancellationToken.None));
        var sandboxKey = await cache.FindKeyAsync(client, SandboxKid, CancellationToken.None);

        Assert.Equal(sandboxKeyUsable, sandboxKey is not null);
        Assert.Equal(1, jwks.RequestCount); // the dropped key does not count as "unknown kid → refresh"
    }

    private sealed class PlainHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
