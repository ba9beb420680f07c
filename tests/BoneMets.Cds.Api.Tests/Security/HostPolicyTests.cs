using System.Net;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// Issue 4 item 5: Development convenience without a hole (no-header calls only from loopback, with a warning, only in
/// Development), and the start-up refusals: no trusted client in Production, symmetric or "none" algorithms, http JWKS
/// URLs outside Development, no or non-https public base URL in Production, CORS "*", and other client faults.
/// </summary>
public sealed class HostPolicyTests
{
    private static readonly string GoodFile = TestEhr.JwksFile;

    // ---- Development anonymous --------------------------------------------------------------------------------------

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task Development_NoHeaderFromLoopback_200_WithWarning(string address)
    {
        using var host = new SecurityHost(environment: "Development", remoteAddress: IPAddress.Parse(address));

        using var response = await host.PostHookAsync(bearer: null);

        await SecurityAssert.OkAsync(response);
        Assert.Contains(host.Logs.Lines, l => l.Contains("Warning", StringComparison.Ordinal)
            && l.Contains("Unauthenticated POST hook call accepted from loopback (Development only)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.1.20")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("fe80::1")]
    public async Task Development_NoHeaderFromOtherAddress_401(string address)
    {
        using var host = new SecurityHost(environment: "Development", remoteAddress: IPAddress.Parse(address));
        Assert.Equal("NotBearer", await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(bearer: null)));
    }

    [Fact]
    public async Task Development_NoRemoteAddress_401()
    {
        using var host = new SecurityHost(environment: "Development");
        Assert.Equal("NotBearer", await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(bearer: null)));
    }

    [Fact]
    public async Task Development_LoopbackWithBadToken_401_AnonymousPathIsOnlyForNoHeader()
    {
        using var host = new SecurityHost(environment: "Development", remoteAddress: IPAddress.Loopback);
        var token = host.TestEhrToken(tweak: s => s.IssuedAt = CdsApiFactory.Anchor.AddHours(-1));
        Assert.Equal("Expired", await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(token)));
    }

    [Fact]
    public async Task Development_AnonymousSwitchedOff_Loopback_401()
    {
        using var host = new SecurityHost(new SecuritySettings().Set("Cds:Auth:AllowAnonymousLoopbackInDevelopment", "false").Build(),
            "Development", IPAddress.Loopback);
        Assert.Equal("NotBearer", await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(bearer: null)));
    }

    [Fact]
    public async Task Development_AnonymousFeedbackFromLoopback_Not401()
    {
        using var host = new SecurityHost(environment: "Development", remoteAddress: IPAddress.Loopback);
        using var response = await host.PostFeedbackAsync(bearer: null);
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(host.Logs.Lines, l => l.Contains("Unauthenticated POST feedback call accepted from loopback", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Testing")]
    [InlineData("Staging")]
    public async Task NotDevelopment_NoHeaderFromLoopback_401(string environment)
    {
        using var host = new SecurityHost(environment: environment, remoteAddress: IPAddress.Loopback);
        Assert.Equal("NotBearer", await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(bearer: null)));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("Unauthenticated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Production_ValidToken_200()
    {
        using var host = new SecurityHost(environment: "Production", remoteAddress: IPAddress.Parse("203.0.113.7"));
        using var response = await host.PostHookAsync(host.TestEhrToken());
        await SecurityAssert.OkAsync(response);
    }

    // ---- start-up refusals ------------------------------------------------------------------------------------------

    [Fact]
    public void Production_NoTrustedClient_RefusesToStart()
    {
        using var host = new SecurityHost(new SecuritySettings(0).Set("Cds:PublicBaseUrl", "https://cds.test").Build(), "Production", trustTestEhr: false);
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains("no trusted client", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Testing_NoTrustedClient_Starts_EveryCall401()
    {
        // Pinned: only Production insists on a client; elsewhere a host without one starts and refuses every call.
        using var host = new SecurityHost(new SecuritySettings(0).Set("Cds:PublicBaseUrl", "https://cds.test").Build(), "Testing", trustTestEhr: false);
        Assert.Null(host.StartupFailure());
        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.TestEhrToken()));
        Assert.True(fault is "UnknownIssuer" or "Algorithm", fault); // no client: no algorithm is accepted either
    }

    public static TheoryData<string, string, (string Key, string Value)[]> ClientFaults => new()
    {
        { "Production", "HS256", [("Algorithms:0", "HS256")] },
        { "Production", "none", [("Algorithms:0", "none")] },
        { "Production", "HS384", [("Algorithms:0", "ES384"), ("Algorithms:1", "HS384")] },
        { "Development", "HS256", [("Algorithms:0", "HS256")] },
        { "Production", "JwksUrl", [("JwksUrl", "http://keys.example.org/jwks.json")] },
        { "Testing", "JwksUrl", [("JwksUrl", "http://keys.example.org/jwks.json")] },
        { "Production", "link-local", [("JwksUrl", "https://169.254.169.254/jwks.json")] },
        { "Production", "MaxTokenLifetime", [("MaxTokenLifetime", "02:00:00")] },
        { "Production", "ClockSkew", [("ClockSkew", "00:10:00")] },
        { "Production", "PermitLimit", [("PermitLimit", "0")] },
        { "Production", "FhirServers", [("FhirServers:0", "not a url")] },
    };

    [Theory]
    [MemberData(nameof(ClientFaults))]
    public void ClientFault_RefusesToStart(string environment, string expected, (string Key, string Value)[] extra)
    {
        using var host = new SecurityHost(new SecuritySettings().Client("https://ehr-x.test/issuer", GoodFile, null, extra).Build(), environment);
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains(expected, refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Cds:Clients:1", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientWithoutKeys_RefusesToStart()
    {
        using var host = new SecurityHost(new SecuritySettings().Set("Cds:Clients:1:Issuer", "https://ehr-x.test/issuer").Build(), "Production");
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains("JwksUrl or JwksFile", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientJwksFileMissing_RefusesToStart()
    {
        using var host = new SecurityHost(new SecuritySettings().Client("https://ehr-x.test/issuer", "/nonexistent/keys.json").Build(), "Production");
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains("not found", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientJwksFileWithoutUsableKey_RefusesToStart()
    {
        var path = Path.Combine(Path.GetTempPath(), "bonemets-jwks-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\",\"kid\":\"k\"}]}");
        using var host = new SecurityHost(new SecuritySettings().Client("https://ehr-x.test/issuer", path).Build(), "Production");
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains("no usable signature key", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IssuerConfiguredTwice_RefusesToStart()
    {
        using var host = new SecurityHost(new SecuritySettings().Client(TestEhr.Issuer, GoodFile).Build(), "Production");
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains("configured twice", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_NoPublicBaseUrl_RefusesToStart()
    {
        using var host = new SecurityHost(new SecuritySettings(0).Client(TestEhr.Issuer, GoodFile).Build(), "Production", trustTestEhr: false);
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains("Cds:PublicBaseUrl is required", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production", "http://cds.test")]
    [InlineData("Production", "cds.test")]
    [InlineData("Testing", "https://cds.test/?q=1")]
    [InlineData("Testing", "ftp://cds.test")]
    public void BadPublicBaseUrl_RefusesToStart(string environment, string url)
    {
        using var host = new SecurityHost(new SecuritySettings().Set("Cds:PublicBaseUrl", url).Build(), environment);
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains("Cds:PublicBaseUrl", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_NoPublicBaseUrl_DefaultsToLaunchProfileAddress()
    {
        using var host = new SecurityHost(new SecuritySettings(0).Client(TestEhr.Issuer, GoodFile)
            .Set("Cds:Auth:AllowAnonymousLoopbackInDevelopment", "false").Build(), "Development", trustTestEhr: false);
        var token = host.TestEhrToken(tweak: s => s.Audience = "http://localhost:5080" + Hooks.ServicePath);
        using var response = await host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
    }

    [Theory]
    [InlineData("Cds:Auth:JwksTimeout", "00:00:00", "JwksTimeout")]
    [InlineData("Cds:Auth:JwksTimeout", "-00:00:01", "JwksTimeout")]
    [InlineData("Cds:Auth:JwksTimeout", "00:05:00", "JwksTimeout")]
    [InlineData("Cds:Auth:JwksMaxBytes", "0", "JwksMaxBytes")]
    [InlineData("Cds:Auth:JwksCacheTtl", "00:00:00", "JwksCacheTtl")]
    [InlineData("Cds:Auth:JwksRefreshMinInterval", "-00:00:01", "JwksRefreshMinInterval")]
    public void AuthOptionOutOfRange_RefusesToStart(string key, string value, string expected)
    {
        // Before the fix these started, and every call of a JwksUrl client was a 500 at its first key fetch.
        using var host = new SecurityHost(new SecuritySettings().Set(key, value).Build(), "Production");
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains(expected, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_ClientFhirServerHttp_RefusesToStart()
    {
        // A client's own FHIR bases join the fetch allow-list and its rules: https only in Production.
        using var host = new SecurityHost(new SecuritySettings()
            .Client("https://ehr-x.test/issuer", GoodFile, null, ("FhirServers:0", "http://ehr-x.test/fhir")).Build(), "Production");
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains("https", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://*.example.org")]
    [InlineData("https://ehr.example.org/app")]
    [InlineData("null")]
    public void CorsOriginNotAnOrigin_RefusesToStart(string origin)
    {
        using var host = new SecurityHost(new SecuritySettings().Set("Cds:Cors:AllowedOrigins:0", origin).Build(), "Production");
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains("Cds:Cors:AllowedOrigins", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusalIsLoggedCritical_AndNamesNoKeyMaterial()
    {
        var key = TestKey.Ec();
        var file = TestKey.WriteJwksFile(key);
        using var host = new SecurityHost(new SecuritySettings().Client("https://ehr-x.test/issuer", file, null, ("Algorithms:0", "HS256")).Build(), "Production");
        Assert.NotNull(host.StartupFailure());
        Assert.Contains(host.Logs.Lines, l => l.Contains("Critical", StringComparison.Ordinal) && l.Contains("Security configuration invalid", StringComparison.Ordinal));
        Assert.DoesNotContain(key.PublicJwk["x"]!.GetValue<string>(), host.AllLogs, StringComparison.Ordinal);
    }
}
