using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// Issue 4 item 7: per-client rate limiting (429 with Retry-After and an OperationOutcome; one client's use never limits
/// another) and the request body limit (413 with a valid token; a bad token is a 401 before the body is read).
/// </summary>
[Collection(SecuritySerialGroup.Name)]
public sealed class LimitsTests
{
    private const string IssuerB = "https://ehr-b.test/issuer";
    private const string IssuerC = "https://ehr-c.test/issuer";

    private static readonly TestKey KeyB = TestKey.Ec();
    private static readonly TestKey KeyC = TestKey.Rsa();

    private static SecurityHost LimitedHost() => new(new SecuritySettings()
        .Set("Cds:RateLimit:PermitLimit", "3")
        .Set("Cds:RateLimit:Window", "00:01:00")
        .Set("Cds:Cors:AllowedOrigins:0", "http://localhost:8080")
        .Client(IssuerB, TestKey.WriteJwksFile(KeyB), null, ("PermitLimit", "5"))
        .Client(IssuerC, TestKey.WriteJwksFile(KeyC))
        .Build());

    private static async Task AssertThrottledAsync(HttpResponseMessage response)
    {
        var outcome = await SecurityAssert.OutcomeAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Contains(outcome.Issue, i => i.Code == OperationOutcome.IssueType.Throttled);
        var retryAfter = string.Join(",", response.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds), $"Retry-After '{retryAfter}' is not integer seconds");
        Assert.InRange(seconds, 1, 60);
    }

    [Fact]
    public async Task RateLimit_FourthCallInWindow_429_WithRetryAfterAndOutcome()
    {
        using var host = LimitedHost();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await host.PostHookAsync(host.TestEhrToken());
            await SecurityAssert.OkAsync(ok);
        }

        using var throttled = await host.PostHookAsync(host.TestEhrToken(), origin: "http://localhost:8080");

        await AssertThrottledAsync(throttled);
        Assert.Equal("http://localhost:8080", string.Join(",", throttled.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains(host.Logs.Lines, l => l.Contains("429: rate limit reached for " + TestEhr.Issuer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RateLimit_PerClientOverride_SixthCall429()
    {
        using var host = LimitedHost();
        for (var i = 0; i < 5; i++)
        {
            using var ok = await host.PostHookAsync(host.Token(KeyB, IssuerB));
            await SecurityAssert.OkAsync(ok);
        }

        using var throttled = await host.PostHookAsync(host.Token(KeyB, IssuerB));
        await AssertThrottledAsync(throttled);
    }

    [Fact]
    public async Task RateLimit_OneClientExhausted_OthersNotLimited()
    {
        using var host = LimitedHost();
        for (var i = 0; i < 4; i++)
        {
            using var _ = await host.PostHookAsync(host.TestEhrToken());
        }

        using (var stillThrottled = await host.PostHookAsync(host.TestEhrToken()))
        {
            await AssertThrottledAsync(stillThrottled);
        }

        for (var i = 0; i < 3; i++)
        {
            using var c = await host.PostHookAsync(host.Token(KeyC, IssuerC));
            await SecurityAssert.OkAsync(c);
            using var b = await host.PostHookAsync(host.Token(KeyB, IssuerB));
            await SecurityAssert.OkAsync(b);
        }
    }

    [Fact]
    public async Task RateLimit_FeedbackCountsAgainstTheSameClient()
    {
        using var host = LimitedHost();
        for (var i = 0; i < 3; i++)
        {
            using var feedback = await host.PostFeedbackAsync(host.TestEhrToken(SecurityHost.FeedbackPath));
            Assert.NotEqual(HttpStatusCode.Unauthorized, feedback.StatusCode);
        }

        using var throttled = await host.PostHookAsync(host.TestEhrToken());
        await AssertThrottledAsync(throttled);
    }

    [Fact]
    public async Task RateLimit_PreflightAndRefusedTokensAreNotCountedForTheClient()
    {
        using var host = LimitedHost();
        for (var i = 0; i < 5; i++)
        {
            using var preflight = await host.SendRawAsync(HttpMethod.Options, Hooks.ServicePath, null, null, "http://localhost:8080",
                r => r.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST"));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, preflight.StatusCode);
            using var refused = await host.PostHookAsync(host.TestEhrToken(tweak: s => s.IssuedAt = CdsApiFactory.Anchor.AddHours(-1)));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            using var ok = await host.PostHookAsync(host.TestEhrToken());
            await SecurityAssert.OkAsync(ok);
        }
    }

    [Fact]
    public async Task RefusedTokens_PastTheAddressAllowance_429BeforeAnySignatureCheck_OtherAddressesUnaffected()
    {
        using var host = new SecurityHost(
            new SecuritySettings().Set("Cds:RateLimit:FailedAuthPermitLimit", "3").Set("Cds:RateLimit:Window", "00:01:00").Build(),
            remoteAddress: IPAddress.Parse("198.51.100.7"));
        var forged = host.Token(TestKey.Ec(), TestEhr.Issuer); // right issuer, wrong key: refused at the signature step

        for (var i = 0; i < 3; i++)
        {
            using var refused = await host.PostHookAsync(forged);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var signatureChecks = host.Logs.Lines.Count(l => l.Contains("token refused (Signature)", StringComparison.Ordinal));
        using (var throttled = await host.PostHookAsync(forged))
        {
            await AssertThrottledAsync(throttled);
        }

        // Even a valid token from that address waits out the window; nothing more was verified.
        using (var valid = await host.PostHookAsync(host.TestEhrToken()))
        {
            await AssertThrottledAsync(valid);
        }

        Assert.Equal(signatureChecks, host.Logs.Lines.Count(l => l.Contains("token refused (Signature)", StringComparison.Ordinal)));
    }

    [Fact]
    public void FailedAuthLimiter_CountsPerAddress()
    {
        using var limiter = new BoneMets.Cds.Api.Security.FailedAuthLimiter(Microsoft.Extensions.Options.Options.Create(
            new BoneMets.Cds.Api.Security.CdsRateLimitOptions { FailedAuthPermitLimit = 2, Window = TimeSpan.FromMinutes(1) }));
        var a = IPAddress.Parse("198.51.100.8");
        var b = IPAddress.Parse("198.51.100.9");

        limiter.Refused(a);
        Assert.True(limiter.MayTry(a)); // checking does not use up the allowance
        Assert.True(limiter.MayTry(a));
        limiter.Refused(a);

        Assert.False(limiter.MayTry(a));
        Assert.True(limiter.MayTry(b));
        Assert.True(limiter.MayTry(null)); // no address (in-memory test server): its own partition
    }

    [Fact]
    public void RateLimit_NonPositiveGlobalLimit_RefusesToStart()
    {
        using var host = new SecurityHost(new SecuritySettings().Set("Cds:RateLimit:PermitLimit", "0").Build());
        var refusal = host.StartupFailure();
        Assert.NotNull(refusal);
        Assert.Contains("Cds:RateLimit", refusal.Message, StringComparison.Ordinal);
    }

    // ---- 413 --------------------------------------------------------------------------------------------------------

    private static JsonObject LargeRequest(int bytes)
    {
        var request = new RequestBuilder().Build();
        request["extension"] = new JsonObject { ["padding"] = new string('x', bytes) };
        return request;
    }

    [Fact]
    public async Task BodyOverLimit_ValidToken_413_WithOutcome()
    {
        using var host = new SecurityHost(new SecuritySettings().Set("Cds:MaxRequestBodyBytes", "4096").Build());

        using var response = await host.PostHookAsync(host.TestEhrToken(), LargeRequest(8 * 1024));

        var outcome = await SecurityAssert.OutcomeAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(outcome.Issue, i => i.Code == OperationOutcome.IssueType.TooLong);
    }

    [Fact]
    public async Task BodyOverLimit_Chunked_ValidToken_413()
    {
        using var host = new SecurityHost(new SecuritySettings().Set("Cds:MaxRequestBodyBytes", "4096").Build());

        using var response = await host.SendAsync(HttpMethod.Post, Hooks.ServicePath, "Bearer " + host.TestEhrToken(), LargeRequest(8 * 1024),
            tweak: r => r.Headers.TransferEncodingChunked = true);

        await SecurityAssert.OutcomeAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Control_BodyUnderLimit_ValidToken_200()
    {
        using var host = new SecurityHost(new SecuritySettings().Set("Cds:MaxRequestBodyBytes", "4096").Build());
        using var response = await host.PostHookAsync(host.TestEhrToken(), LargeRequest(100));
        await SecurityAssert.OkAsync(response);
    }

    [Fact]
    public async Task BodyOverLimit_BadToken_401NotIts413()
    {
        using var host = new SecurityHost(new SecuritySettings().Set("Cds:MaxRequestBodyBytes", "4096").Build());
        var fault = await SecurityAssert.RefusedAsync(host, () => host.PostHookAsync("garbage", LargeRequest(8 * 1024)));
        Assert.Equal("Malformed", fault);
    }
}
