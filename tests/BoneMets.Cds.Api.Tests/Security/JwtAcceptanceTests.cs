using System.Net;
using BoneMets.Cds.Api.Security;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// J21 positive controls with out-of-band keys and the CDS Hooks sandbox issuer (trusted only in Development), and J22:
/// discovery and feedback repeat J1, J4 and J10 with their own audience.
/// </summary>
public sealed class JwtAcceptanceTests(TrustedClientsHost fixture) : IClassFixture<TrustedClientsHost>
{
    private const string SandboxKid = "44823f3d-0b01-4a6c-a80e-b9d3e8a7226f";

    private readonly SecurityHost _host = fixture.Host;

    // ---- J21 --------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task J21_Es384_JwksFile_NoJku_200()
    {
        var token = _host.TestEhrToken();
        Assert.DoesNotContain("jku", System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(token.Split('.')[0])), StringComparison.Ordinal);
        using var response = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
        Assert.Empty(_host.Outbound);
    }

    [Fact]
    public async Task J21_Rs384_JwksFile_NoJku_200()
    {
        using var response = await _host.PostHookAsync(_host.Token(fixture.RsaKey, TrustedClientsHost.RsaIssuer));
        await SecurityAssert.OkAsync(response);
        Assert.Empty(_host.Outbound);
    }

    [Fact]
    public async Task J21_InfernoShapedClaimsOutOfBand_NoTenantNoSubHexJti_200()
    {
        var token = _host.TestEhrToken(tweak: s => s.TokenId = System.Security.Cryptography.RandomNumberGenerator.GetHexString(64, lowercase: true));
        Assert.False(CraftedTokens.PayloadOf(token).ContainsKey("sub"));
        Assert.False(CraftedTokens.PayloadOf(token).ContainsKey("tenant"));
        using var response = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
    }

    [Fact]
    public void J21_Sandbox_TrustedInDevelopmentOnly_WithTheShippedKeySet()
    {
        using var development = new SecurityHost(environment: "Development");
        using var developmentOff = new SecurityHost(new SecuritySettings().Set("Cds:Auth:TrustSandboxInDevelopment", "false").Build(), "Development");
        using var testing = new SecurityHost();
        using var production = new SecurityHost(environment: "Production");

        var sandbox = Registry(development).Find(TrustedClientRegistry.SandboxIssuer);
        Assert.NotNull(sandbox);
        Assert.True(sandbox.IsSandbox);
        Assert.Equal(TrustedClientRegistry.SandboxJwksUrl, sandbox.JwksUrl?.OriginalString);
        Assert.NotNull(sandbox.StaticKeys);
        Assert.True(sandbox.StaticKeys.ContainsKey(SandboxKid), "the shipped sandbox key set lacks the sandbox's kid");
        Assert.Equal(["ES384"], sandbox.Algorithms);

        Assert.Null(Registry(developmentOff).Find(TrustedClientRegistry.SandboxIssuer));
        Assert.Null(Registry(testing).Find(TrustedClientRegistry.SandboxIssuer));
        Assert.Null(Registry(production).Find(TrustedClientRegistry.SandboxIssuer));
    }

    [Fact]
    public async Task J21_SandboxShapedToken_Development_IssuerAndKeyKnown_NotSignedBySandbox_401_NothingFetched()
    {
        // We cannot sign as the sandbox; a sandbox-shaped token signed with our key gets as far as the signature check in
        // Development (issuer trusted, jku allow-listed, kid found in the shipped key set), and the sandbox's jku is never
        // fetched (its keys ship as a file).
        using var host = new SecurityHost(new SecuritySettings().Set("Cds:Auth:AllowAnonymousLoopbackInDevelopment", "false").Build(), "Development");
        var token = SandboxShaped(host);

        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(token));

        Assert.Equal("Signature", fault);
        Assert.Empty(host.Outbound);
    }

    [Theory]
    [InlineData("Testing")]
    [InlineData("Production")]
    public async Task J21_SandboxShapedToken_OutsideDevelopment_UnknownIssuer_401(string environment)
    {
        using var host = new SecurityHost(environment: environment);
        var token = SandboxShaped(host);

        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(token));

        Assert.Equal("UnknownIssuer", fault);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Testing")]
    public void J21_SandboxIssuerConfiguredOutsideDevelopment_HostRefusesToStart(string environment)
    {
        using var host = new SecurityHost(new SecuritySettings()
            .Client(TrustedClientRegistry.SandboxIssuer, jwksFile: Path.Combine(RepoPaths.CdsServices, "trust", "cds-hooks-sandbox.jwks.json"))
            .Build(), environment);

        var refusal = host.StartupFailure();

        Assert.NotNull(refusal);
        Assert.Contains("sandbox", refusal.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https://sandbox.cds-hooks.org/", null)]
    [InlineData("HTTPS://SANDBOX.CDS-HOOKS.ORG", null)]
    [InlineData("https://sandbox.cds-hooks.org/issuer", null)]
    [InlineData("https://my-ehr.test/issuer", "https://sandbox.cds-hooks.org/.well-known/jwks.json")]
    public void J21_SandboxUnderAnotherSpelling_OutsideDevelopment_HostRefusesToStart(string issuer, string? jwksUrl)
    {
        // Anyone can mint tokens with the sandbox's published private key, for any iss: trusting its issuer under another
        // spelling, or its key set URL, is trusting the sandbox.
        using var host = new SecurityHost(new SecuritySettings()
            .Client(issuer, jwksFile: jwksUrl is null ? Path.Combine(RepoPaths.CdsServices, "trust", "cds-hooks-sandbox.jwks.json") : null, jwksUrl: jwksUrl)
            .Build(), "Production");

        var refusal = host.StartupFailure();

        Assert.NotNull(refusal);
        Assert.Contains("sandbox", refusal.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static string SandboxShaped(SecurityHost host) =>
        host.Token(TestKey.Ec("ES384", SandboxKid), TrustedClientRegistry.SandboxIssuer, tweak: s => s.Jku = TrustedClientRegistry.SandboxJwksUrl);

    private static TrustedClientRegistry Registry(SecurityHost host)
    {
        _ = host.Client;
        return host.Services.GetRequiredService<TrustedClientRegistry>();
    }

    // ---- J22: discovery ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task J22_Discovery_J1_NoHeader_PublicByDefault_200()
    {
        using var response = await _host.GetDiscoveryAsync(bearer: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"services\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task J22_Discovery_ValidTokenWithDiscoveryAudience_200()
    {
        using var response = await _host.GetDiscoveryAsync(_host.TestEhrToken(SecurityHost.DiscoveryPath));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task J22_Discovery_J4_ExpiredToken_401_EvenThoughPublic()
    {
        var token = _host.TestEhrToken(SecurityHost.DiscoveryPath, s => s.IssuedAt = CdsApiFactory.Anchor.AddMinutes(-10));
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.GetDiscoveryAsync(token));
        Assert.Equal("Expired", fault);
    }

    [Theory]
    [InlineData(Hooks.ServicePath)]
    [InlineData(SecurityHost.FeedbackPath)]
    [InlineData("/cds-services/other")]
    public async Task J22_Discovery_J10_OtherEndpointsAudience_401(string audiencePath)
    {
        var token = _host.TestEhrToken(tweak: s => s.Audience = SecurityHost.UrlOf(audiencePath));
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.GetDiscoveryAsync(token));
        Assert.Equal("Audience", fault);
    }

    [Fact]
    public async Task J22_Discovery_GarbageToken_401()
    {
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.GetDiscoveryAsync("not-a-jwt"));
        Assert.Equal("Malformed", fault);
    }

    [Fact]
    public async Task J22_Discovery_RequireOnDiscovery_NoHeader401_ValidToken200_WrongAudience401()
    {
        using var host = new SecurityHost(new SecuritySettings().Set("Cds:Auth:RequireOnDiscovery", "true").Build());

        Assert.Equal("NotBearer", await SecurityAssert.RefusedAsync(host, () => host.GetDiscoveryAsync(bearer: null)));
        Assert.Equal("Expired", await SecurityAssert.RefusedAsync(host, () =>
            host.GetDiscoveryAsync(host.TestEhrToken(SecurityHost.DiscoveryPath, s => s.IssuedAt = CdsApiFactory.Anchor.AddMinutes(-10)))));
        Assert.Equal("Audience", await SecurityAssert.RefusedAsync(host, () => host.GetDiscoveryAsync(host.TestEhrToken())));

        using var ok = await host.GetDiscoveryAsync(host.TestEhrToken(SecurityHost.DiscoveryPath));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task J22_Discovery_TrailingSlashPath_SameRules()
    {
        var token = _host.TestEhrToken(tweak: s => s.Audience = SecurityHost.UrlOf(Hooks.ServicePath));
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.SendAsync(HttpMethod.Get, "/cds-services/", "Bearer " + token, body: null));
        Assert.Equal("Audience", fault);
    }

    // ---- J22: feedback ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task J22_Feedback_J1_NoHeader_401()
    {
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostFeedbackAsync(bearer: null));
        Assert.Equal("NotBearer", fault);
    }

    [Fact]
    public async Task J22_Feedback_J4_Expired_401()
    {
        var token = _host.TestEhrToken(SecurityHost.FeedbackPath, s => s.IssuedAt = CdsApiFactory.Anchor.AddMinutes(-10));
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostFeedbackAsync(token));
        Assert.Equal("Expired", fault);
    }

    [Theory]
    [InlineData(Hooks.ServicePath)] // F13 pinned: the service URL is not the feedback audience
    [InlineData(SecurityHost.DiscoveryPath)]
    [InlineData("/cds-services/other/feedback")]
    public async Task J22_Feedback_J10_OtherEndpointsAudience_401(string audiencePath)
    {
        var token = _host.TestEhrToken(tweak: s => s.Audience = SecurityHost.UrlOf(audiencePath));
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostFeedbackAsync(token));
        Assert.Equal("Audience", fault);
    }

    [Fact]
    public async Task J22_Feedback_J11_Replay_401()
    {
        var token = _host.TestEhrToken(SecurityHost.FeedbackPath);
        using var first = await _host.PostFeedbackAsync(token);
        Assert.NotEqual(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal("Replay", await SecurityAssert.RefusedAsync(_host, () => _host.PostFeedbackAsync(token)));
    }

    [Fact]
    public async Task J22_Feedback_ValidTokenWithFeedbackAudience_Not401()
    {
        // The feedback endpoint is being built elsewhere: only the authentication outcome is asserted here.
        using var response = await _host.PostFeedbackAsync(_host.TestEhrToken(SecurityHost.FeedbackPath));
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task J22_Feedback_SandboxShapedAudience_ServiceUrlPlusFeedback_Not401()
    {
        // The sandbox's feedback aud is `${serviceUrl}/feedback`.
        var token = _host.TestEhrToken(tweak: s => s.Audience = SecurityHost.UrlOf(Hooks.ServicePath) + "/feedback");
        using var response = await _host.PostFeedbackAsync(token);
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
