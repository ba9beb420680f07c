using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// Keys behind an allow-listed <c>JwksUrl</c>, served by WireMock on loopback (http: the hosts run in Development with
/// unauthenticated loopback calls off, and the in-memory server has no remote address anyway): J16 (one rate-limited
/// refresh on an unknown kid), J17 (a <c>jku</c> that is not allow-listed is never fetched), J18 (a failing JWK Set
/// endpoint; last good keys kept), the fetch limits (size cap, redirects, timeout), and the J21 positive controls for
/// fetched keys, including an Inferno-shaped token.
/// </summary>
[Collection(SecuritySerialGroup.Name)]
public sealed class JwksUrlTests(ITestOutputHelper output)
{
    private const string IssuerA = "https://ehr-a.test/issuer";

    private static SecuritySettings Settings(string jwksUrl, string issuer = IssuerA) => new SecuritySettings()
        .Client(issuer, jwksUrl: jwksUrl)
        .Set("Cds:Auth:AllowAnonymousLoopbackInDevelopment", "false");

    private static SecurityHost DevHost(SecuritySettings settings) => new(settings.Build(), "Development");

    // ---- J16 --------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task J16_KidMissing_401_JwksNeverFetched()
    {
        var key = TestKey.Ec();
        using var jwks = JwksServer.Start().Serve(key);
        using var host = DevHost(Settings(jwks.Url));

        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(key, IssuerA, tweak: s => s.Kid = string.Empty)));

        Assert.Equal("UnknownKey", fault);
        Assert.Equal(0, jwks.RequestCount);
    }

    [Fact]
    public async Task J16_UnknownKid_ExactlyOneRefresh_ThenNoFetchWithinMinInterval()
    {
        var key = TestKey.Ec();
        using var jwks = JwksServer.Start().Serve(key);
        using var host = DevHost(Settings(jwks.Url));

        using (var ok = await host.PostHookAsync(host.Token(key, IssuerA)))
        {
            await SecurityAssert.OkAsync(ok);
        }

        Assert.Equal(1, jwks.RequestCount);

        // Past the refresh interval (60 s default), an unknown kid triggers exactly one refresh, then is refused.
        host.Clock.Advance(TimeSpan.FromSeconds(61));
        var first = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(key, IssuerA, tweak: s => s.Kid = "made-up-1")));
        Assert.Equal("UnknownKey", first);
        Assert.Equal(2, jwks.RequestCount);

        // A second unknown kid within the interval: no fetch at all.
        host.Clock.Advance(TimeSpan.FromSeconds(10));
        var second = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(key, IssuerA, tweak: s => s.Kid = "made-up-2")));
        Assert.Equal("UnknownKey", second);
        Assert.Equal(2, jwks.RequestCount);

        // The known key still works from the cache.
        using var again = await host.PostHookAsync(host.Token(key, IssuerA));
        await SecurityAssert.OkAsync(again);
        Assert.Equal(2, jwks.RequestCount);
    }

    [Fact]
    public async Task J16_StreamOfUnknownKids_AtMostOneFetchPerInterval()
    {
        var key = TestKey.Ec();
        using var jwks = JwksServer.Start().Serve(key);
        using var host = DevHost(Settings(jwks.Url));

        for (var i = 0; i < 20; i++)
        {
            var kid = "made-up-" + i;
            await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(key, IssuerA, tweak: s => s.Kid = kid)));
        }

        Assert.Equal(1, jwks.RequestCount); // the first use fetched; the rest were inside the interval
    }

    [Fact]
    public async Task J16_KeyRotation_NewKidAcceptedAfterOneRefresh_OncePastTheInterval()
    {
        var oldKey = TestKey.Ec();
        var newKey = TestKey.Rsa();
        using var jwks = JwksServer.Start().Serve(oldKey);
        using var host = DevHost(Settings(jwks.Url).Set("Cds:Auth:JwksRefreshMinInterval", "00:00:30"));
        using (var ok = await host.PostHookAsync(host.Token(oldKey, IssuerA)))
        {
            await SecurityAssert.OkAsync(ok);
        }

        jwks.Serve(oldKey, newKey);

        // Inside the (configured) 30 s interval the new kid is refused without a fetch...
        host.Clock.Advance(TimeSpan.FromSeconds(20));
        await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(newKey, IssuerA)));
        Assert.Equal(1, jwks.RequestCount);

        // ...and accepted after one refresh once the interval has passed.
        host.Clock.Advance(TimeSpan.FromSeconds(11));
        using var rotated = await host.PostHookAsync(host.Token(newKey, IssuerA));
        await SecurityAssert.OkAsync(rotated);
        Assert.Equal(2, jwks.RequestCount);
    }

    // ---- J17 --------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task J17_JkuNotAllowListed_CanaryWouldVerify_401_CanaryReceivesNothing()
    {
        var trusted = TestKey.Ec();
        var attacker = TestKey.Ec();
        using var jwks = JwksServer.Start().Serve(trusted);
        using var canary = JwksServer.Start().Serve(attacker);
        using var host = DevHost(Settings(jwks.Url));

        var token = host.Token(attacker, IssuerA, tweak: s => s.Jku = canary.Url);
        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(token));

        Assert.Equal("KeyUrl", fault);
        Assert.Equal(0, canary.RequestCount);
        Assert.Equal(0, jwks.RequestCount);
        Assert.Empty(host.Outbound);
    }

    [Fact]
    public async Task J17_JkuNotAllowListed_EvenWithTheTrustedKey_401_CanaryReceivesNothing()
    {
        var trusted = TestKey.Ec();
        using var jwks = JwksServer.Start().Serve(trusted);
        using var canary = JwksServer.Start().Serve(trusted);
        using var host = DevHost(Settings(jwks.Url));

        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(trusted, IssuerA, tweak: s => s.Jku = canary.Url)));

        Assert.Equal("KeyUrl", fault);
        Assert.Equal(0, canary.RequestCount);
        Assert.Equal(0, jwks.RequestCount);
    }

    [Theory]
    [InlineData("trailing slash")]
    [InlineData("query")]
    [InlineData("localhost for 127.0.0.1")]
    [InlineData("upper-case path")]
    [InlineData("fragment")]
    public async Task J17_JkuAlmostTheAllowListedUrl_401_NothingFetched(string variant)
    {
        // jku must equal the allow-listed URL exactly: even a URL that reaches the same server is refused unfetched.
        var trusted = TestKey.Ec();
        using var jwks = JwksServer.Start().Serve(trusted);
        using var host = DevHost(Settings(jwks.Url));
        var jku = variant switch
        {
            "trailing slash" => jwks.Url + "/",
            "query" => jwks.Url + "?v=2",
            "localhost for 127.0.0.1" => jwks.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal),
            "upper-case path" => jwks.Root + JwksServer.DefaultPath.ToUpperInvariant(),
            _ => jwks.Url + "#keys",
        };
        output.WriteLine($"allow-listed {jwks.Url}, jku {jku}");
        Assert.NotEqual(jwks.Url, jku);

        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(trusted, IssuerA, tweak: s => s.Jku = jku)));

        Assert.Equal("KeyUrl", fault);
        Assert.Equal(0, jwks.RequestCount);
        Assert.Empty(host.Outbound);
    }

    [Fact]
    public async Task J17_OutOfBandClient_AnyJku_401_CanaryReceivesNothing()
    {
        // A client with a JWKS file and no JwksUrl has no allow-listed jku: a token naming one is refused unfetched.
        var trusted = TestKey.Ec();
        using var canary = JwksServer.Start().Serve(trusted);
        using var host = DevHost(new SecuritySettings()
            .Client(IssuerA, jwksFile: TestKey.WriteJwksFile(trusted))
            .Set("Cds:Auth:AllowAnonymousLoopbackInDevelopment", "false"));

        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(trusted, IssuerA, tweak: s => s.Jku = canary.Url)));

        Assert.Equal("KeyUrl", fault);
        Assert.Equal(0, canary.RequestCount);
        Assert.Empty(host.Outbound);
    }

    [Fact]
    public async Task J17_JkuOfAnotherTrustedClient_401_NotFetched()
    {
        // Client B's allow-listed URL is not allow-listed for A.
        var keyA = TestKey.Ec();
        var keyB = TestKey.Ec();
        using var jwksA = JwksServer.Start().Serve(keyA);
        using var jwksB = JwksServer.Start().Serve(keyB);
        using var host = DevHost(Settings(jwksA.Url).Client("https://ehr-b.test/issuer", jwksUrl: jwksB.Url));

        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(keyB, IssuerA, tweak: s => s.Jku = jwksB.Url)));

        Assert.Equal("KeyUrl", fault);
        Assert.Equal(0, jwksA.RequestCount);
        Assert.Equal(0, jwksB.RequestCount);
    }

    [Fact]
    public async Task J17_JkuNotAString_401()
    {
        var trusted = TestKey.Ec();
        using var jwks = JwksServer.Start().Serve(trusted);
        using var host = DevHost(Settings(jwks.Url));
        var header = CraftedTokens.Header(trusted);
        header["jku"] = new JsonArray(jwks.Url);
        var token = CraftedTokens.SignExactly(trusted, header, CraftedTokens.Claims(IssuerA, SecurityHost.UrlOf(Hooks.ServicePath), CdsApiFactory.Anchor));

        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(token));

        Assert.True(fault is "KeyUrl" or "Malformed", fault);
        Assert.Equal(0, jwks.RequestCount);
    }

    // ---- J18 --------------------------------------------------------------------------------------------------------

    public static TheoryData<string> BrokenJwks => ["500", "503", "404", "invalid JSON", "HTML page", "empty keys", "no keys member", "only unusable keys"];

    private static IResponseBuilder Broken(string variant, TestKey key) => variant switch
    {
        "500" => Response.Create().WithStatusCode(500).WithBody("boom"),
        "503" => Response.Create().WithStatusCode(503),
        "404" => Response.Create().WithStatusCode(404),
        "invalid JSON" => Json("{\"keys\": [ {\"kty\": \"EC\", "),
        "HTML page" => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html><body>login</body></html>"),
        "empty keys" => Json("{\"keys\": []}"),
        "no keys member" => Json("{}"),
        _ => Json(UnusableKeySet(key)),
    };

    private static IResponseBuilder Json(string body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);

    /// <summary>The key with private material added, an oct key, and the key without its kid: nothing usable.</summary>
    private static string UnusableKeySet(TestKey key)
    {
        var withD = key.PublicJwk.DeepClone().AsObject();
        withD["d"] = "AAAA";
        var noKid = key.PublicJwk.DeepClone().AsObject();
        noKid.Remove("kid");
        var oct = new JsonObject { ["kty"] = "oct", ["k"] = "c2VjcmV0", ["kid"] = key.Kid + "-oct" };
        return new JsonObject { ["keys"] = new JsonArray(withD, noKid, oct) }.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(BrokenJwks))]
    public async Task J18_JwksEndpointBroken_401(string variant)
    {
        var key = TestKey.Ec();
        using var jwks = JwksServer.Start().Respond(Broken(variant, key));
        using var host = DevHost(Settings(jwks.Url));

        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(key, IssuerA, tweak: s => s.Jku = jwks.Url)));

        Assert.Equal("UnknownKey", fault);
        Assert.InRange(jwks.RequestCount, 1, 2); // one attempt, plus at most one retry for a 5xx
        Assert.Contains(host.Logs.Lines, l => l.Contains("could not be fetched", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("500")]
    [InlineData("invalid JSON")]
    [InlineData("empty keys")]
    public async Task J18_CachedKeys_RefreshFailsAfterTtl_LastGoodKeysStillAccepted(string variant)
    {
        // Pinned behaviour: when a refresh fails, the last good keys stay in use.
        var key = TestKey.Ec();
        using var jwks = JwksServer.Start().Serve(key);
        using var host = DevHost(Settings(jwks.Url).Set("Cds:Auth:JwksCacheTtl", "00:10:00"));
        using (var ok = await host.PostHookAsync(host.Token(key, IssuerA)))
        {
            await SecurityAssert.OkAsync(ok);
        }

        jwks.Respond(Broken(variant, key));
        host.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        using var stale = await host.PostHookAsync(host.Token(key, IssuerA));
        await SecurityAssert.OkAsync(stale);
        Assert.True(jwks.RequestCount >= 2, "the stale set was not refreshed");
        Assert.Contains(host.Logs.Lines, l => l.Contains("could not be fetched", StringComparison.Ordinal) && l.Contains("last good keys kept: True", StringComparison.Ordinal));

        // The failed refresh counts against the interval: the next call does not fetch again.
        var fetched = jwks.RequestCount;
        using var next = await host.PostHookAsync(host.Token(key, IssuerA));
        await SecurityAssert.OkAsync(next);
        Assert.Equal(fetched, jwks.RequestCount);
    }

    [Fact]
    public async Task J18_SuccessfulRefreshWithoutTheKey_KeyNoLongerAccepted()
    {
        // A good refresh replaces the set: a key the client withdrew is refused once the cache expires.
        var withdrawn = TestKey.Ec();
        var current = TestKey.Ec();
        using var jwks = JwksServer.Start().Serve(withdrawn, current);
        using var host = DevHost(Settings(jwks.Url).Set("Cds:Auth:JwksCacheTtl", "00:10:00"));
        using (var ok = await host.PostHookAsync(host.Token(withdrawn, IssuerA)))
        {
            await SecurityAssert.OkAsync(ok);
        }

        jwks.Serve(current);
        host.Clock.Advance(TimeSpan.FromMinutes(11));

        using (var stillCurrent = await host.PostHookAsync(host.Token(current, IssuerA)))
        {
            await SecurityAssert.OkAsync(stillCurrent);
        }

        Assert.Equal(2, jwks.RequestCount);
        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(withdrawn, IssuerA)));
        Assert.Equal("UnknownKey", fault);
    }

    [Fact]
    public async Task Jwks_LargerThanCap_401()
    {
        var key = TestKey.Ec();
        var body = JsonNode.Parse(TestKey.Jwks(key))!.AsObject();
        body["padding"] = new string(' ', 8 * 1024);
        using var jwks = JwksServer.Start().ServeBody(body.ToJsonString());
        using var host = DevHost(Settings(jwks.Url).Set("Cds:Auth:JwksMaxBytes", "4096"));

        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(key, IssuerA)));

        Assert.Equal("UnknownKey", fault);
        Assert.Equal(1, jwks.RequestCount);
    }

    [Fact]
    public async Task Jwks_Control_UnderTheCap_200()
    {
        var key = TestKey.Ec();
        using var jwks = JwksServer.Start().Serve(key);
        using var host = DevHost(Settings(jwks.Url).Set("Cds:Auth:JwksMaxBytes", "4096"));

        using var response = await host.PostHookAsync(host.Token(key, IssuerA));

        await SecurityAssert.OkAsync(response);
    }

    [Fact]
    public async Task Jwks_RedirectToAnotherServer_NotFollowed_401_TargetReceivesNothing()
    {
        var key = TestKey.Ec();
        using var canary = JwksServer.Start().Serve(key);
        using var jwks = JwksServer.Start().Respond(Response.Create().WithStatusCode(302).WithHeader("Location", canary.Url));
        using var host = DevHost(Settings(jwks.Url));

        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(key, IssuerA)));

        Assert.Equal("UnknownKey", fault);
        Assert.Equal(1, jwks.RequestCount);
        Assert.Equal(0, canary.RequestCount);
    }

    [Fact]
    public async Task Jwks_SlowEndpoint_TimesOut_401_WithinTheTimeout()
    {
        var key = TestKey.Ec();
        using var jwks = JwksServer.Start().Respond(Json(TestKey.Jwks(key)).WithDelay(TimeSpan.FromSeconds(10)));
        using var host = DevHost(Settings(jwks.Url).Set("Cds:Auth:JwksTimeout", "00:00:00.600"));
        _ = host.Client;

        var watch = Stopwatch.StartNew();
        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync(host.Token(key, IssuerA)));
        watch.Stop();

        output.WriteLine($"refused after {watch.ElapsedMilliseconds} ms");
        Assert.Equal("UnknownKey", fault);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"answered after {watch.ElapsedMilliseconds} ms");
        Assert.Contains(host.Logs.Lines, l => l.Contains("could not be fetched (timed out)", StringComparison.Ordinal));
    }

    // ---- J21 (keys from a JwksUrl) -----------------------------------------------------------------------------------

    [Theory]
    [InlineData("ES384", true)]
    [InlineData("ES384", false)]
    [InlineData("RS384", true)]
    [InlineData("RS384", false)]
    public async Task J21_AllowListedJwksUrl_Es384AndRs384_WithAndWithoutJku_200(string alg, bool sendJku)
    {
        var key = alg == "ES384" ? TestKey.Ec() : TestKey.Rsa();
        using var jwks = JwksServer.Start().Serve(TestKey.Ec(), key);
        using var host = DevHost(Settings(jwks.Url));

        using var response = await host.PostHookAsync(host.Token(key, IssuerA, tweak: s => s.Jku = sendJku ? jwks.Url : null));

        await SecurityAssert.OkAsync(response);
        Assert.Equal(1, jwks.RequestCount);
    }

    [Theory]
    [InlineData("ES384", "4b49a739d1eb115b3225f4cf9beb6d1b")]
    [InlineData("RS384", "b41528b6f37a9500edb8a905a595bdd7")]
    public async Task J21_InfernoShapedToken_200(string alg, string kid)
    {
        // Inferno's CRD client: iss <base>/custom/crd_server, jku <base>/custom/crd_server/jwks.json, kid from its
        // crd_jwks.json, claims iss aud exp iat jti only (no tenant, no sub), jti 64 hex characters, exp = iat + 5 min.
        var key = alg == "ES384" ? TestKey.Ec("ES384", kid) : TestKey.Rsa("RS384", kid);
        using var inferno = JwksServer.Start("/custom/crd_server/jwks.json").Serve(key);
        var issuer = inferno.Root + "/custom/crd_server";
        using var host = DevHost(Settings(inferno.Url, issuer));
        var token = host.Token(key, issuer, tweak: s =>
        {
            s.Jku = inferno.Url;
            s.TokenId = RandomNumberGenerator.GetHexString(64, lowercase: true);
        });
        var claims = CraftedTokens.PayloadOf(token);
        Assert.Equal(["aud", "exp", "iat", "iss", "jti"], claims.Select(c => c.Key).Order(StringComparer.Ordinal));

        using var response = await host.PostHookAsync(token);

        await SecurityAssert.OkAsync(response);
        Assert.Equal(1, inferno.RequestCount);
    }
}
