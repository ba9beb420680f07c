using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// §5.3 step 9: a refused token's log line names the fault, the issuer and the jti only; the token (or any of its
/// segments) never appears in any log line; the 401 body is empty. Client text is logged only when it is plain
/// printable ASCII of sane length (no log injection).
/// </summary>
public sealed class SecurityLoggingTests(TrustedClientsHost fixture) : IClassFixture<TrustedClientsHost>
{
    private readonly SecurityHost _host = fixture.Host;

    public static TheoryData<string> Refusals => ["bad signature", "expired", "wrong audience", "unknown issuer", "replay", "tenant", "alg none"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task RefusedToken_LogNamesFaultIssuerJti_NeverTheToken(string variant)
    {
        var jti = "jti-" + Guid.NewGuid().ToString("N");
        var serviceUrl = SecurityHost.UrlOf(Hooks.ServicePath);
        string issuer = TestEhr.Issuer;
        string token;
        switch (variant)
        {
            case "bad signature":
                token = CraftedTokens.TamperSignature(_host.TestEhrToken(tweak: s => s.TokenId = jti));
                break;
            case "expired":
                token = _host.TestEhrToken(tweak: s => { s.TokenId = jti; s.IssuedAt = CdsApiFactory.Anchor.AddHours(-2); });
                break;
            case "wrong audience":
                token = _host.TestEhrToken(tweak: s => { s.TokenId = jti; s.Audience = SecurityHost.UrlOf("/cds-services"); });
                break;
            case "unknown issuer":
                issuer = "https://stranger.test/issuer";
                token = _host.Token(TestKey.Ec(), issuer, tweak: s => s.TokenId = jti);
                break;
            case "replay":
                token = _host.TestEhrToken(tweak: s => s.TokenId = jti);
                using (var first = await _host.PostHookAsync(token))
                {
                    await SecurityAssert.OkAsync(first);
                }

                break;
            case "tenant":
                issuer = TrustedClientsHost.TenantIssuer;
                token = _host.Token(fixture.TenantKey, issuer, tweak: s => { s.TokenId = jti; s.Tenant = "tenant-z"; });
                break;
            default:
                var claims = CraftedTokens.Claims(issuer, serviceUrl, CdsApiFactory.Anchor);
                claims["jti"] = jti;
                token = CraftedTokens.AlgNone(TestEhr.Key.Kid, claims);
                break;
        }

        await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        var line = _host.Logs.Lines.Last(l => l.Contains("401: token refused", StringComparison.Ordinal));
        if (variant == "alg none")
        {
            // Refused on the header, before any claim is read: nothing client-supplied is logged.
            Assert.Contains("iss -, jti -", line, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"iss {issuer}, jti {jti}", line, StringComparison.Ordinal);
        }

        AssertTokenNotLogged(token);
    }

    [Fact]
    public async Task RefusedToken_LogLineHasNoOtherClaimsOrKid()
    {
        var token = _host.Token(fixture.TenantKey, TrustedClientsHost.TenantIssuer, tweak: s =>
        {
            s.Tenant = "secret-tenant-name";
            s.Audience = "https://other.test/secret-audience";
        });

        await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        var line = _host.Logs.Lines.Last(l => l.Contains("401: token refused", StringComparison.Ordinal));
        Assert.DoesNotContain("secret-tenant-name", line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-audience", line, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.TenantKey.Kid, line, StringComparison.Ordinal);
        AssertTokenNotLogged(token);
    }

    [Fact]
    public async Task AcceptedToken_NeverLogged()
    {
        var token = _host.TestEhrToken();
        using var response = await _host.PostHookAsync(token);
        await SecurityAssert.OkAsync(response);
        AssertTokenNotLogged(token);
    }

    [Theory]
    [InlineData("https://evil.test/\nINFO forged line")]
    [InlineData("https://evil.test/\u001b[31mred")]
    [InlineData("https://evil.test/ space")]
    public async Task IssuerWithControlCharacters_NotLoggedVerbatim(string issuer)
    {
        var token = _host.Token(TestKey.Ec(), issuer);

        Assert.Equal("UnknownIssuer", await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token)));

        var line = _host.Logs.Lines.Last(l => l.Contains("401: token refused", StringComparison.Ordinal));
        Assert.Contains("iss (not loggable)", line, StringComparison.Ordinal);
        Assert.DoesNotContain(issuer, _host.AllLogs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VeryLongJti_NotLoggedVerbatim()
    {
        var jti = new string('a', 200);
        var token = _host.TestEhrToken(tweak: s => { s.TokenId = jti; s.Audience = "https://other.test/x"; });

        await SecurityAssert.RefusedAsync(_host, () => _host.PostHookAsync(token));

        Assert.Contains("jti (too long)", _host.Logs.Lines.Last(l => l.Contains("401: token refused", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain(jti, _host.AllLogs, StringComparison.Ordinal);
    }

    private void AssertTokenNotLogged(string token)
    {
        var logs = _host.AllLogs;
        Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
        foreach (var segment in token.Split('.').Where(s => s.Length >= 16))
        {
            Assert.DoesNotContain(segment, logs, StringComparison.Ordinal);
        }

        // Nor the decoded payload as a whole.
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!.ToJsonString();
        Assert.DoesNotContain(payload, logs, StringComparison.Ordinal);
    }
}
