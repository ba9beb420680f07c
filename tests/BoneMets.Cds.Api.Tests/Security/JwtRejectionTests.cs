using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// cds-hooks.md §6.7 J1–J15, J19, J20 on the service endpoint, against clients whose keys are exchanged out of band:
/// every bad token is a 401 with an empty body, the hook logic is never reached, and the log names the fault. Each case
/// sits next to a positive control that differs only in the property under test, so a 401 cannot come from something else.
/// </summary>
public sealed class JwtRejectionTests(TrustedClientsHost fixture) : IClassFixture<TrustedClientsHost>
{
    private readonly SecurityHost _host = fixture.Host;

    private static string ServiceUrl => SecurityHost.UrlOf(Hooks.ServicePath);

    // ---- positive controls --------------------------------------------------------------------------------------

    [Fact]
    public async Task Control_Es384TestEhr_200()
    {
        using var response = await _host.PostHookAsync(_host.TestEhrToken());
        await SecurityAssert.OkAsync(response);
    }

    [Fact]
    public async Task Control_Rs384FromJwksFile_200()
    {
        using var response = await _host.PostHookAsync(_host.Token(fixture.RsaKey, TrustedClientsHost.RsaIssuer));
        await SecurityAssert.OkAsync(response);
    }

    // ---- J1–J3: no bearer token, or not a JWT -----------------------------------------------------------------------

    [Fact]
    public async Task J1_NoAuthorizationHeader_401()
    {
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(bearer: null));
        Assert.Equal("NotBearer", fault);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNzd29yZA==")]
    [InlineData("Digest username=\"ehr\"")]
    [InlineData("Token abc.def.ghi")]
    public async Task J2_NotBearerScheme_401(string authorization)
    {
        var fault = await SecurityAssert.RefusedAsync(_host, () =>
            _host.SendAsync(HttpMethod.Post, Hooks.ServicePath, authorization, new RequestBuilder().Build()));
        Assert.Equal("NotBearer", fault);
    }

    [Fact]
    public async Task J2_ValidTokenUnderBasicScheme_401()
    {
        var fault = await SecurityAssert.RefusedAsync(_host, () =>
            _host.SendAsync(HttpMethod.Post, Hooks.ServicePath, "Basic " + _host.TestEhrToken(), new RequestBuilder().Build()));
        Assert.Equal("NotBearer", fault);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("two.segments")]
    [InlineData("three.garbage.segments")]
    [InlineData("eyJhbGciOiJFUzM4NCJ9.eyJpc3MiOiJ4In0")]
    [InlineData("a.b.c.d.e")]
    [InlineData("..")]
    [InlineData("e30.e30.")]
    public async Task J3_GarbageOrNotThreeSegments_401(string token)
    {
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.True(fault is "Malformed" or "Type" or "Algorithm", fault);
    }

    [Fact]
    public async Task J3_TokenOver16KiB_401_Unread()
    {
        var claims = CraftedTokens.Claims(TestEhr.Issuer, ServiceUrl, CdsApiFactory.Anchor);
        claims["padding"] = new string('x', 17 * 1024);
        var token = CraftedTokens.SignExactly(TestEhr.Key, CraftedTokens.Header(TestEhr.Key), claims);

        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        Assert.Equal("Malformed", fault);
    }

    [Fact]
    public async Task J3_TwoAuthorizationHeaders_401()
    {
        var good = _host.TestEhrToken();
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.SendAsync(
            HttpMethod.Post, Hooks.ServicePath, authorization: null, new RequestBuilder().Build(),
            tweak: r => r.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + good, "Bearer " + good])));
        Assert.Equal("Malformed", fault);
    }

    // ---- J4–J7: times and required claims --------------------------------------------------------------------------

    [Fact]
    public async Task J4_ExpiredBeyondSkew_401()
    {
        // exp = now − 5 min (iat now − 10 min, lifetime 5 min): past the 60 s default skew.
        var token = _host.TestEhrToken(tweak: s => s.IssuedAt = CdsApiFactory.Anchor.AddMinutes(-10));
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("Expired", fault);
    }

    [Fact]
    public async Task J4_Control_ExpiredWithinDefaultSkewOf60s_200()
    {
        // exp = now − 30 s: within the 60 s default skew.
        var token = _host.TestEhrToken(tweak: s => s.IssuedAt = CdsApiFactory.Anchor.AddSeconds(-330));
        using var response = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
    }

    [Fact]
    public async Task J4_ExpiredBeyondClientSkew_401()
    {
        // The short client allows 5 s of skew: exp = now − 30 s is expired for it.
        var token = _host.Token(fixture.ShortKey, TrustedClientsHost.ShortIssuer, tweak: s =>
        {
            s.IssuedAt = CdsApiFactory.Anchor.AddSeconds(-90);
            s.Lifetime = TimeSpan.FromSeconds(60);
        });
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("Expired", fault);
    }

    [Fact]
    public async Task J5_LifetimeOneHour_401()
    {
        var token = _host.TestEhrToken(tweak: s => s.Lifetime = TimeSpan.FromHours(1));
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("LifetimeTooLong", fault);
    }

    [Fact]
    public async Task J5_LifetimeOneSecondOverDefault900s_401()
    {
        var token = _host.TestEhrToken(tweak: s => s.Lifetime = TimeSpan.FromSeconds(901));
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("LifetimeTooLong", fault);
    }

    [Fact]
    public async Task J5_Control_LifetimeExactly900s_200()
    {
        var token = _host.TestEhrToken(tweak: s => s.Lifetime = TimeSpan.FromSeconds(900));
        using var response = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
    }

    [Fact]
    public async Task J5_LifetimeOverClientMaximum_401()
    {
        // The short client allows 2 min; a 5 min token (fine for the default) is refused for it.
        var token = _host.Token(fixture.ShortKey, TrustedClientsHost.ShortIssuer);
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("LifetimeTooLong", fault);
    }

    [Fact]
    public async Task J5_Control_LifetimeWithinClientMaximum_200()
    {
        var token = _host.Token(fixture.ShortKey, TrustedClientsHost.ShortIssuer, tweak: s => s.Lifetime = TimeSpan.FromMinutes(2));
        using var response = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
    }

    [Fact]
    public async Task J5_ExpBeforeIat_401()
    {
        var token = _host.TestEhrToken(tweak: s => s.Lifetime = TimeSpan.FromSeconds(-30));
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("LifetimeTooLong", fault);
    }

    [Fact]
    public async Task J6_IssuedFiveMinutesInFuture_401()
    {
        var token = _host.TestEhrToken(tweak: s => s.IssuedAt = CdsApiFactory.Anchor.AddMinutes(5));
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("IssuedInFuture", fault);
    }

    [Fact]
    public async Task J6_Control_IssuedWithinSkew_200()
    {
        var token = _host.TestEhrToken(tweak: s => s.IssuedAt = CdsApiFactory.Anchor.AddSeconds(30));
        using var response = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
    }

    [Fact]
    public async Task J6_IssuedInFutureBeyondClientSkew_401()
    {
        var token = _host.Token(fixture.ShortKey, TrustedClientsHost.ShortIssuer, tweak: s =>
        {
            s.IssuedAt = CdsApiFactory.Anchor.AddSeconds(30);
            s.Lifetime = TimeSpan.FromMinutes(1);
        });
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("IssuedInFuture", fault);
    }

    [Theory]
    [InlineData(240, false)]
    [InlineData(61, false)]
    [InlineData(30, true)]
    [InlineData(-60, true)]
    public async Task J6b_NotBefore_HonouredWithSkew(int nbfSecondsFromNow, bool accepted)
    {
        // nbf is not a CDS Hooks claim, but a token that carries one must not be used before it (RFC 7519 §4.1.5).
        var claims = CraftedTokens.Claims(TestEhr.Issuer, ServiceUrl, CdsApiFactory.Anchor);
        claims["nbf"] = CdsApiFactory.Anchor.AddSeconds(nbfSecondsFromNow).ToUnixTimeSeconds();
        var token = CraftedTokens.SignExactly(TestEhr.Key, CraftedTokens.Header(TestEhr.Key), claims);

        if (accepted)
        {
            using var response = await _host.PostHookAsync(token);
            await SecurityAssert.OkAsync(response);
        }
        else
        {
            Assert.Equal("NotYetValid", await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token)));
        }
    }

    [Theory]
    [InlineData("exp")]
    [InlineData("iat")]
    [InlineData("jti")]
    [InlineData("iss")]
    [InlineData("aud")]
    public async Task J7_MissingClaim_401(string claim)
    {
        var token = _host.TestEhrToken(tweak: s =>
        {
            switch (claim)
            {
                case "exp": s.OmitExp = true; break;
                case "iat": s.OmitIat = true; break;
                case "jti": s.TokenId = null; break;
                case "iss": s.Issuer = string.Empty; break;
                case "aud": s.Audience = null; break;
            }
        });
        Assert.False(CraftedTokens.PayloadOf(token).ContainsKey(claim));

        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        Assert.Equal("MissingClaim", fault);
    }

    [Theory]
    [InlineData("exp", "\"soon\"")]
    [InlineData("iat", "\"yesterday\"")]
    [InlineData("exp", "null")]
    [InlineData("iat", "true")]
    [InlineData("exp", "{}")]
    [InlineData("jti", "42")]
    [InlineData("jti", "\"\"")]
    [InlineData("iss", "42")]
    [InlineData("aud", "42")]
    public async Task J7_ClaimOfWrongType_401(string claim, string json)
    {
        // A signed token (valid key and kid) whose claim is present but not of its type counts as missing.
        var claims = CraftedTokens.Claims(TestEhr.Issuer, ServiceUrl, CdsApiFactory.Anchor);
        claims[claim] = JsonNode.Parse(json);
        var token = CraftedTokens.SignExactly(TestEhr.Key, CraftedTokens.Header(TestEhr.Key), claims);

        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        Assert.True(fault is "MissingClaim" or "Malformed" or "Audience", fault);
    }

    [Fact]
    public async Task J7_Pinned_NumericDatesAsDigitStrings_ReadAsNumbers_200()
    {
        // Pinned (library behaviour, Microsoft.IdentityModel.JsonWebTokens): "exp": "1796..." is read as the number.
        // RFC 7519 NumericDate is a JSON number; this leniency only concerns signed claims of a trusted issuer.
        var claims = CraftedTokens.Claims(TestEhr.Issuer, ServiceUrl, CdsApiFactory.Anchor);
        claims["exp"] = claims["exp"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        claims["iat"] = claims["iat"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var token = CraftedTokens.SignExactly(TestEhr.Key, CraftedTokens.Header(TestEhr.Key), claims);

        using var response = await _host.PostHookAsync(token);

        await SecurityAssert.OkAsync(response);
    }

    // ---- J8–J10: issuer, tenant, audience ----------------------------------------------------------------------------

    [Fact]
    public async Task J8_UnknownIssuer_ValidSignatureFromUnknownKeyPair_401()
    {
        var stranger = TestKey.Ec("ES384");
        var token = _host.Token(stranger, "https://stranger.test/issuer");
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("UnknownIssuer", fault);
    }

    [Theory]
    [InlineData("https://ehr.test/issuer/")]
    [InlineData("HTTPS://EHR.TEST/ISSUER")]
    [InlineData("https://ehr.test")]
    public async Task J8_IssuerDifferingFromTrustedOne_SignedWithItsKey_401(string issuer)
    {
        // iss is compared exactly: a look-alike issuer is another, unknown issuer.
        var token = _host.Token(TestEhr.Key, issuer);
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("UnknownIssuer", fault);
    }

    [Theory]
    [InlineData("tenant-c")]
    [InlineData("TENANT-A")]
    [InlineData("")]
    [InlineData(null)]
    public async Task J9_TenantNotAllowed_401(string? tenant)
    {
        var token = _host.Token(fixture.TenantKey, TrustedClientsHost.TenantIssuer, tweak: s => s.Tenant = tenant);
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("Tenant", fault);
    }

    [Theory]
    [InlineData("tenant-a")]
    [InlineData("tenant-b")]
    public async Task J9_Control_AllowedTenant_200(string tenant)
    {
        var token = _host.Token(fixture.TenantKey, TrustedClientsHost.TenantIssuer, tweak: s => s.Tenant = tenant);
        using var response = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
    }

    public static TheoryData<string, string[]> WrongAudiences => new()
    {
        { "discovery URL", [SecurityHost.UrlOf("/cds-services")] },
        { "other service id", [SecurityHost.UrlOf("/cds-services/some-other-service")] },
        { "feedback URL", [SecurityHost.UrlOf(SecurityHost.FeedbackPath)] },
        { "other host", ["https://other.test" + Hooks.ServicePath] },
        { "http instead of https", ["http://cds.test" + Hooks.ServicePath] },
        { "other port", ["https://cds.test:8443" + Hooks.ServicePath] },
        { "service path prefix only", [SecurityHost.UrlOf(Hooks.ServicePath)[..^3]] },
        { "with query", [SecurityHost.UrlOf(Hooks.ServicePath) + "?x=1"] },
        { "path case differs", [SecurityHost.UrlOf(Hooks.ServicePath.ToUpperInvariant())] },
        { "array without our URL", [SecurityHost.UrlOf("/cds-services"), "https://other.test" + Hooks.ServicePath] },
        { "empty array", [] },
        { "not a URL", ["bone-metastasis-patient-view"] },
    };

    [Theory]
    [MemberData(nameof(WrongAudiences))]
    public async Task J10_WrongAudience_401(string variant, string[] audiences)
    {
        Assert.NotNull(variant);
        var token = _host.TestEhrToken(tweak: s => s.Audience = audiences.Length == 1
            ? audiences[0]
            : new JsonArray(audiences.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()));

        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        Assert.True(fault is "Audience" or "MissingClaim", fault);
    }

    [Fact]
    public async Task J10_AudienceFollowsHostHeader_401_PublicBaseUrlIsTheAudience()
    {
        // A proxy (or an attacker) sets Host: the audience is still built from Cds:PublicBaseUrl.
        var token = _host.TestEhrToken(tweak: s => s.Audience = "https://attacker.test" + Hooks.ServicePath);
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.SendAsync(
            HttpMethod.Post, Hooks.ServicePath, "Bearer " + token, new RequestBuilder().Build(),
            tweak: r => r.Headers.Host = "attacker.test"));
        Assert.Equal("Audience", fault);

        using var ok = await _host.SendAsync(HttpMethod.Post, Hooks.ServicePath, "Bearer " + _host.TestEhrToken(), new RequestBuilder().Build(),
            tweak: r => r.Headers.Host = "attacker.test");
        await SecurityAssert.OkAsync(ok);
    }

    public static TheoryData<string, string[]> RightAudiences => new()
    {
        { "one-element array (J10b)", [SecurityHost.UrlOf(Hooks.ServicePath)] },
        { "array holding ours among others", ["https://other.test" + Hooks.ServicePath, SecurityHost.UrlOf(Hooks.ServicePath)] },
    };

    [Theory]
    [MemberData(nameof(RightAudiences))]
    public async Task J10b_AudienceArrayWithOurUrl_200(string variant, string[] audiences)
    {
        Assert.NotNull(variant);
        var token = _host.TestEhrToken(tweak: s => s.Audience = new JsonArray(audiences.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()));
        using var response = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
    }

    [Theory]
    [InlineData("https://cds.test/cds-services/bone-metastasis-patient-view/")]
    [InlineData("https://CDS.TEST/cds-services/bone-metastasis-patient-view")]
    [InlineData("https://cds.test:443/cds-services/bone-metastasis-patient-view")]
    public async Task J10c_AudienceNormalisation_TrailingSlashHostCaseDefaultPort_200(string audience)
    {
        // Pinned: aud is compared as a URL (trailing slash, host case and default port ignored; path exact).
        var token = _host.TestEhrToken(tweak: s => s.Audience = audience);
        using var response = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
    }

    // ---- J11: replay ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task J11_SameTokenTwice_200Then401()
    {
        var token = _host.TestEhrToken();

        using var first = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(first);
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        Assert.Equal("Replay", fault);
    }

    [Fact]
    public async Task J11_NewTokenWithUsedJti_401()
    {
        var jti = Guid.NewGuid().ToString();
        using var first = await _host.PostHookAsync(_host.TestEhrToken(tweak: s => s.TokenId = jti));
        await SecurityAssert.OkAsync(first);

        // Freshly signed, other iat, same jti.
        var again = _host.TestEhrToken(tweak: s =>
        {
            s.TokenId = jti;
            s.IssuedAt = CdsApiFactory.Anchor.AddSeconds(1);
        });
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(again));

        Assert.Equal("Replay", fault);
    }

    [Fact]
    public async Task J11_SameJtiFromAnotherIssuer_200_JtiIsPerIssuer()
    {
        var jti = Guid.NewGuid().ToString();
        using var a = await _host.PostHookAsync(_host.TestEhrToken(tweak: s => s.TokenId = jti));
        using var b = await _host.PostHookAsync(_host.Token(fixture.KeyB, TrustedClientsHost.IssuerB, tweak: s => s.TokenId = jti));
        await SecurityAssert.OkAsync(a);
        await SecurityAssert.OkAsync(b);
    }

    [Fact]
    public async Task J11_RefusedTokenDoesNotBurnItsJti()
    {
        // A token refused for another reason (here: audience) is not recorded, so it cannot be used to block a jti.
        var jti = Guid.NewGuid().ToString();
        var wrongAudience = _host.TestEhrToken(tweak: s =>
        {
            s.TokenId = jti;
            s.Audience = SecurityHost.UrlOf("/cds-services");
        });
        Assert.Equal("Audience", await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(wrongAudience)));

        using var response = await _host.PostHookAsync(_host.TestEhrToken(tweak: s => s.TokenId = jti));
        await SecurityAssert.OkAsync(response);
    }

    // ---- J12–J15: header ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task J12_AlgNone_UnsignedHelper_401()
    {
        var token = CraftedTokens.AlgNone(TestEhr.Key.Kid, CraftedTokens.Claims(TestEhr.Issuer, ServiceUrl, CdsApiFactory.Anchor));
        Assert.EndsWith(".", token, StringComparison.Ordinal);
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("Algorithm", fault);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    public async Task J12_AlgNone_Unsigned_401(string alg)
    {
        var header = new JsonObject { ["alg"] = alg, ["typ"] = "JWT", ["kid"] = TestEhr.Key.Kid };
        var token = CraftedTokens.Encode(header) + "." + CraftedTokens.Encode(CraftedTokens.Claims(TestEhr.Issuer, ServiceUrl, CdsApiFactory.Anchor)) + ".";

        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        Assert.Equal("Algorithm", fault);
    }

    public static TheoryData<string> HmacSecrets => ["public JWK JSON", "SPKI DER", "SPKI PEM", "JWK x coordinate"];

    [Theory]
    [MemberData(nameof(HmacSecrets))]
    public async Task J13_Hs256SignedWithPublicKeyBytes_401(string secret)
    {
        var key = TestEhr.Key;
        var bytes = secret switch
        {
            "public JWK JSON" => Encoding.UTF8.GetBytes(key.PublicJwk.ToJsonString()),
            "SPKI DER" => CraftedTokens.Spki(key),
            "SPKI PEM" => Encoding.ASCII.GetBytes(CraftedTokens.Pem(key)),
            _ => Encoding.ASCII.GetBytes(key.PublicJwk["x"]!.GetValue<string>()),
        };
        var token = CraftedTokens.Hs256(bytes, key.Kid, CraftedTokens.Claims(TestEhr.Issuer, ServiceUrl, CdsApiFactory.Anchor));

        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        Assert.Equal("Algorithm", fault);
    }

    [Fact]
    public async Task J13_Hs256ForRsaClient_SignedWithItsPublicKey_401()
    {
        var token = CraftedTokens.Hs256(CraftedTokens.Spki(fixture.RsaKey), fixture.RsaKey.Kid,
            CraftedTokens.Claims(TrustedClientsHost.RsaIssuer, ServiceUrl, CdsApiFactory.Anchor));
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("Algorithm", fault);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("RS512")]
    [InlineData("PS384")]
    public async Task J14_RsaAlgorithmNotAllowed_ValidSignatureWithTrustedKey_401(string alg)
    {
        // The RSA client's JWK declares no alg, so the key would verify these: only the allow-list {ES384, RS384} refuses.
        var token = _host.Token(fixture.RsaKey, TrustedClientsHost.RsaIssuer, tweak: s => s.Alg = alg);
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("Algorithm", fault);
    }

    [Fact]
    public async Task J14_Es384HeaderOnRsaKey_401()
    {
        // alg allowed, but not one the key can verify.
        var claims = CraftedTokens.Claims(TrustedClientsHost.RsaIssuer, ServiceUrl, CdsApiFactory.Anchor);
        var token = CraftedTokens.SignExactly(fixture.RsaKey, new JsonObject { ["alg"] = "ES384", ["typ"] = "JWT", ["kid"] = fixture.RsaKey.Kid }, claims, alg: "RS384");
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.True(fault is "UnknownKey" or "Signature", fault);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("at+jwt")]
    [InlineData("JOSE")]
    [InlineData("")]
    public async Task J15_TypMissingOrNotJwt_401(string? typ)
    {
        var header = CraftedTokens.Header(TestEhr.Key);
        if (typ is null)
        {
            header.Remove("typ");
        }
        else
        {
            header["typ"] = typ;
        }

        var token = CraftedTokens.SignExactly(TestEhr.Key, header, CraftedTokens.Claims(TestEhr.Issuer, ServiceUrl, CdsApiFactory.Anchor));

        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        Assert.Equal("Type", fault);
    }

    [Theory]
    [InlineData("JWT", true)]
    [InlineData("jwt", true)]
    [InlineData("Jwt", true)]
    public async Task J15_Pinned_TypSpellings(string typ, bool accepted)
    {
        // typ is compared case-insensitively (RFC 7519 §5.1: "JWT" is recommended, media types are case-insensitive).
        var header = CraftedTokens.Header(TestEhr.Key);
        header["typ"] = typ;
        var token = CraftedTokens.SignExactly(TestEhr.Key, header, CraftedTokens.Claims(TestEhr.Issuer, ServiceUrl, CdsApiFactory.Anchor));
        if (accepted)
        {
            using var response = await _host.PostHookAsync(token);
            await SecurityAssert.OkAsync(response);
        }
        else
        {
            await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        }
    }

    [Fact]
    public async Task J15_Control_HandMadeTokenWithTypJwt_200()
    {
        // The crafted-token path itself yields a valid token when nothing is wrong.
        var token = CraftedTokens.SignExactly(TestEhr.Key, CraftedTokens.Header(TestEhr.Key), CraftedTokens.Claims(TestEhr.Issuer, ServiceUrl, CdsApiFactory.Anchor));
        using var response = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-such-kid")]
    public async Task J16_KidMissingOrUnknown_OutOfBandKeys_401(string kid)
    {
        var token = _host.TestEhrToken(tweak: s => s.Kid = kid);
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("UnknownKey", fault);
        Assert.Empty(_host.Outbound); // out-of-band keys: nothing is ever fetched
    }

    // ---- J19–J20: signature -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("jti changed")]
    [InlineData("aud changed")]
    [InlineData("exp extended")]
    [InlineData("claim added")]
    public async Task J19_PayloadTampered_401(string change)
    {
        var token = CraftedTokens.TamperPayload(_host.TestEhrToken(tweak: s => s.Audience = "https://cds.test/cds-services/x"), p =>
        {
            switch (change)
            {
                case "jti changed": p["jti"] = Guid.NewGuid().ToString(); p["aud"] = ServiceUrl; break;
                case "aud changed": p["aud"] = ServiceUrl; break;
                case "exp extended": p["aud"] = ServiceUrl; p["exp"] = p["exp"]!.GetValue<long>() + 60; break;
                default: p["aud"] = ServiceUrl; p["tenant"] = "tenant-a"; break;
            }
        });

        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        Assert.Equal("Signature", fault);
    }

    [Fact]
    public async Task J19_SignatureBitFlipped_401()
    {
        var token = CraftedTokens.TamperSignature(_host.TestEhrToken());
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("Signature", fault);
    }

    [Fact]
    public async Task J19_SignatureRemoved_401()
    {
        var token = _host.TestEhrToken();
        token = token[..(token.LastIndexOf('.') + 1)];
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("Signature", fault);
    }

    [Theory]
    [InlineData("jwk")]
    [InlineData("x5c")]
    public async Task J19_KeyEmbeddedInHeader_Ignored_401(string member)
    {
        // The attacker signs with their own key, names the trusted kid and embeds their public key: only the trusted
        // client's key set is used, so the signature fails.
        var attacker = TestKey.Ec();
        var header = CraftedTokens.Header(attacker);
        header["kid"] = TestEhr.Key.Kid;
        header[member] = member == "jwk"
            ? attacker.PublicJwk.DeepClone()
            : new JsonArray(Convert.ToBase64String(CraftedTokens.Spki(attacker)));
        var token = CraftedTokens.SignExactly(attacker, header, CraftedTokens.Claims(TestEhr.Issuer, ServiceUrl, CdsApiFactory.Anchor));

        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        Assert.Equal("Signature", fault);
    }

    [Fact]
    public async Task J20_IssuerB_SignedWithIssuerAKeyAndKid_401()
    {
        // B is trusted, but A's kid is not in B's key set.
        var token = _host.Token(TestEhr.Key, TrustedClientsHost.IssuerB);
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("UnknownKey", fault);
    }

    [Fact]
    public async Task J20_IssuerB_BKidButSignedWithIssuerAKey_401()
    {
        var token = _host.Token(TestEhr.Key, TrustedClientsHost.IssuerB, tweak: s => s.Kid = fixture.KeyB.Kid);
        var fault = await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));
        Assert.Equal("Signature", fault);
    }

    [Fact]
    public async Task J20_Control_IssuerBWithOwnKey_200()
    {
        using var response = await _host.PostHookAsync(_host.Token(fixture.KeyB, TrustedClientsHost.IssuerB));
        await SecurityAssert.OkAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
