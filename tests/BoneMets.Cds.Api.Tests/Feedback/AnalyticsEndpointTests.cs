using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BoneMets.Cds.Api.Tests.Infrastructure;
using BoneMets.Cds.Feedback;

namespace BoneMets.Cds.Api.Tests.Feedback;

/// <summary>
/// Issue 5 item 4: GET /admin/analytics/cards against a known seeded history (every number checked), and its guard:
/// only the admin key opens it, never an EHR's JWT.
/// </summary>
public sealed class AnalyticsEndpointTests : IDisposable
{
    private const string Service = Hooks.ServiceId;
    private const string Other = "another-service";
    private const string Sys = "https://bonemets.example.org/override-reason";
    private const string Issuer = "https://ehr.example.org"; // every seeded card and feedback item: one EHR
    private static readonly DateTimeOffset Nov1 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Nov2 = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    private readonly FeedbackHost _host = new();

    public void Dispose() => _host.Dispose();

    /// <summary>
    /// The seeded history. In the window 2026-11-01..2026-11-02 for our service:
    /// spinal-cord-compression/critical: c1, c2, c3 on Nov 1; c4, c5 on Nov 2.
    ///   c1 accepted (three times, twice identical), c2 overridden with reason A and again with a comment only,
    ///   c3 accepted and overridden (reason A), c4 overridden (reason B), c5 nothing.
    ///   → shown 5, accepted 2, overridden 3, rate 0.4; reasons A: 2, B: 1, comment only: 1;
    ///     Nov 1: 3/2/2, Nov 2: 2/0/1.
    /// hypercalcemia/warning: h1 on Nov 1 23:59:59.999999, overridden with no reason → shown 1, accepted 0,
    ///   overridden 1, rate 0; reasons (none, not comment-only): 1.
    /// hypercalcemia/info: h2 on Nov 2, accepted → 1/1/0, rate 1.
    /// Outside: old1 on Oct 31 23:59:59 (feedback accepted), late1 on Nov 3 00:00:00, o1 of another service on Nov 1
    /// (feedback overridden). Unmatched: two feedback items for unknown cards received Nov 2 (one repeated).
    /// </summary>
    private async Task SeedAsync()
    {
        var store = _host.Store;
        IssuedCard Card(string uuid, string topic, string indicator, DateTimeOffset at, string service = Service) =>
            new(uuid, service, topic, indicator, "R1", "defs-test", at, ["s-" + uuid], new string('a', 64), Issuer);
        await store.RecordIssuedAsync(
        [
            Card("c1", "spinal-cord-compression", "critical", Nov1.AddHours(8)),
            Card("c2", "spinal-cord-compression", "critical", Nov1.AddHours(9)),
            Card("c3", "spinal-cord-compression", "critical", Nov1.AddHours(10)),
            Card("c4", "spinal-cord-compression", "critical", Nov2.AddHours(8)),
            Card("c5", "spinal-cord-compression", "critical", Nov2.AddHours(9)),
            Card("h1", "hypercalcemia", "warning", Nov2.AddTicks(-10)),
            Card("h2", "hypercalcemia", "info", Nov2.AddHours(1)),
            Card("old1", "spinal-cord-compression", "critical", Nov1.AddSeconds(-1)),
            Card("late1", "spinal-cord-compression", "critical", Nov2.AddDays(1)),
            Card("o1", "spinal-cord-compression", "critical", Nov1.AddHours(8), Other),
        ], CancellationToken.None);

        FeedbackItem Accepted(string card, int minute) =>
            new(card, FeedbackOutcome.Accepted, ["s-" + card], null, null, false, Nov2.AddHours(12).AddMinutes(minute));
        FeedbackItem Overridden(string card, string? code, bool comment, int minute) =>
            new(card, FeedbackOutcome.Overridden, [], code is null ? null : Sys, code, comment, Nov2.AddHours(12).AddMinutes(minute));

        var received = Nov2.AddHours(13);
        await store.RecordFeedbackAsync(Service, Issuer, [Accepted("c1", 1), Accepted("c1", 1), Accepted("c1", 2)], received, CancellationToken.None);
        await store.RecordFeedbackAsync(Service, Issuer, [Overridden("c2", "A", false, 3), Overridden("c2", null, true, 4)], received, CancellationToken.None);
        await store.RecordFeedbackAsync(Service, Issuer, [Accepted("c3", 5), Overridden("c3", "A", true, 6)], received, CancellationToken.None);
        await store.RecordFeedbackAsync(Service, Issuer, [Overridden("c4", "B", false, 7), Overridden("h1", null, false, 8), Accepted("h2", 9)], received, CancellationToken.None);
        await store.RecordFeedbackAsync(Service, Issuer, [Accepted("old1", 10), Overridden("unknown-1", "A", false, 11), Overridden("unknown-2", null, false, 12)], received, CancellationToken.None);
        await store.RecordFeedbackAsync(Service, Issuer, [Overridden("unknown-1", "A", false, 11)], received, CancellationToken.None);
        await store.RecordFeedbackAsync(Other, Issuer, [Overridden("o1", "A", false, 13)], received, CancellationToken.None);
    }

    [Fact]
    public async Task SeededHistory_EveryNumberIsRight()
    {
        await SeedAsync();

        var a = await _host.AnalyticsAsync($"?from=2026-11-01&to=2026-11-02&service={Service}");

        Assert.Equal("2026-11-01T00:00:00+00:00", a.GetProperty("from").GetString());
        Assert.Equal("2026-11-03T00:00:00+00:00", a.GetProperty("to").GetString());
        Assert.Equal(Service, a.GetProperty("serviceId").GetString());
        Assert.Equal(2, a.GetProperty("unmatchedFeedback").GetInt64());
        var groups = a.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(
            ["hypercalcemia/info", "hypercalcemia/warning", "spinal-cord-compression/critical"],
            groups.Select(g => g.GetProperty("topicCode").GetString() + "/" + g.GetProperty("indicator").GetString()));

        var info = groups[0];
        AssertGroup(info, 1, 1, 0, 1.0);
        Assert.Empty(info.GetProperty("overrideReasons").EnumerateArray());
        AssertDays(info, ("2026-11-02", 1, 1, 0));

        var warning = groups[1];
        AssertGroup(warning, 1, 0, 1, 0.0);
        AssertReasons(warning, (null, null, false, 1));
        AssertDays(warning, ("2026-11-01", 1, 0, 1));

        var scc = groups[2];
        AssertGroup(scc, 5, 2, 3, 0.4);
        AssertReasons(scc, (Sys, "A", false, 2), (Sys, "B", false, 1), (null, null, true, 1));
        AssertDays(scc, ("2026-11-01", 3, 2, 2), ("2026-11-02", 2, 0, 1));
    }

    [Fact]
    public async Task SeededHistory_AllServicesAndInstantBounds()
    {
        await SeedAsync();

        var all = await _host.AnalyticsAsync("?from=2026-10-31T23:59:59Z&to=2026-11-03T00:00:00.000001Z");

        Assert.Equal(JsonValueKind.Null, all.GetProperty("serviceId").ValueKind);
        var scc = all.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("topicCode").GetString() == "spinal-cord-compression");
        AssertGroup(scc, 8, 3, 4, 0.375); // + old1 (accepted), late1, o1 (overridden, reason A)
        AssertReasons(scc, (Sys, "A", false, 3), (Sys, "B", false, 1), (null, null, true, 1));
        AssertDays(scc, ("2026-10-31", 1, 1, 0), ("2026-11-01", 4, 2, 3), ("2026-11-02", 2, 0, 1), ("2026-11-03", 1, 0, 0));

        var offsets = await _host.AnalyticsAsync("?from=2026-11-02T01:00:00%2B01:00&to=2026-11-02T09:00:00%2B01:00");
        Assert.Equal("2026-11-02T00:00:00+00:00", offsets.GetProperty("from").GetString());
        Assert.Equal("2026-11-02T08:00:00+00:00", offsets.GetProperty("to").GetString());
        var group = Assert.Single(offsets.GetProperty("groups").EnumerateArray()); // h2 at 01:00Z; not h1 (Nov 1), not c4 (08:00Z, the end is exclusive)
        Assert.Equal("hypercalcemia", group.GetProperty("topicCode").GetString());
        Assert.Equal("info", group.GetProperty("indicator").GetString());
        AssertGroup(group, 1, 1, 0, 1.0);
    }

    [Fact]
    public async Task DefaultWindow_IsTheLast30UtcDaysIncludingToday()
    {
        await SeedAsync();
        _host.Root.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 18, 0, 0, TimeSpan.Zero));

        var a = await _host.AnalyticsAsync();

        Assert.Equal("2026-11-01T00:00:00+00:00", a.GetProperty("from").GetString());
        Assert.Equal("2026-12-01T00:00:00+00:00", a.GetProperty("to").GetString());
        var scc = a.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("topicCode").GetString() == "spinal-cord-compression");
        Assert.Equal(7, scc.GetProperty("shown").GetInt64()); // c1–c5, late1, o1; not old1
    }

    [Fact]
    public async Task Disabled_WhenNoKeyIsConfigured_Is404()
    {
        await using var host = new FeedbackHost(new Dictionary<string, string?> { ["Cds:Admin:ApiKey"] = null });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/analytics/cards");
        request.Headers.Add("X-Api-Key", FeedbackHost.AdminKey);

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await ResponseAssertions.AssertOperationOutcomeAsync(response);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("wrong-key-0123456789012345678", null)]
    [InlineData("admin-key-for-tests-012345678", null)] // a prefix of the key
    [InlineData("admin-key-for-tests-01234567890", null)] // the key plus one character
    [InlineData("", null)]
    [InlineData(null, "Bearer eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2Voci5leGFtcGxlLm9yZyJ9.c2ln")]
    [InlineData(null, "ApiKey admin-key-for-tests-0123456789")]
    public async Task WithoutTheKey_Is401WithNoBody(string? key, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/analytics/cards");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task KeySentTwice_Is401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/analytics/cards");
        request.Headers.Add("X-Api-Key", [FeedbackHost.AdminKey, FeedbackHost.AdminKey]);

        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?from=2026-11-31", "from")]
    [InlineData("?from=2026-11-01T00:00:00", "from")]
    [InlineData("?to=2026-13-01", "to")]
    [InlineData("?to=1732873200", "to")]
    [InlineData("?from=2026-11-02&to=2026-11-01", "from")]
    [InlineData("?from=2026-11-02T00:00:00Z&to=2026-11-02T00:00:00Z", "from")]
    [InlineData("?from=2026-11-01&from=2026-11-02", "from")]
    [InlineData("?service=", "service")]
    [InlineData("?service=a&service=b", "service")]
    public async Task BadParameters_Are400NamingTheParameter(string query, string parameter)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/analytics/cards" + query);
        request.Headers.Add("X-Api-Key", FeedbackHost.AdminKey);

        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var outcome = await ResponseAssertions.AssertOperationOutcomeAsync(response);
        Assert.Contains(parameter, outcome.Issue[0].Expression);
    }

    [Fact]
    public async Task Answer_IsNotCached()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/analytics/cards");
        request.Headers.Add("X-Api-Key", FeedbackHost.AdminKey);

        using var response = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public void ShortKey_StopsTheHost()
    {
        using var host = new FeedbackHost(new Dictionary<string, string?> { ["Cds:Admin:ApiKey"] = "short" });

        var ex = Assert.ThrowsAny<Exception>(() => host.Client);

        Assert.Contains("ApiKey", ex.ToString(), StringComparison.Ordinal);
    }

    private static void AssertGroup(JsonElement g, long shown, long accepted, long overridden, double rate)
    {
        Assert.Equal(shown, g.GetProperty("shown").GetInt64());
        Assert.Equal(accepted, g.GetProperty("accepted").GetInt64());
        Assert.Equal(overridden, g.GetProperty("overridden").GetInt64());
        Assert.Equal(rate, g.GetProperty("acceptanceRate").GetDouble());
    }

    private static void AssertReasons(JsonElement g, params (string? System, string? Code, bool CommentOnly, long Count)[] expected)
    {
        var actual = g.GetProperty("overrideReasons").EnumerateArray().Select(r => (
            r.GetProperty("system").ValueKind == JsonValueKind.Null ? null : r.GetProperty("system").GetString(),
            r.GetProperty("code").ValueKind == JsonValueKind.Null ? null : r.GetProperty("code").GetString(),
            r.GetProperty("commentOnly").GetBoolean(),
            r.GetProperty("count").GetInt64())).ToList();
        Assert.Equal(expected, actual);
    }

    private static void AssertDays(JsonElement g, params (string Day, long Shown, long Accepted, long Overridden)[] expected)
    {
        var actual = g.GetProperty("daily").EnumerateArray().Select(d => (
            d.GetProperty("day").GetString()!,
            d.GetProperty("shown").GetInt64(),
            d.GetProperty("accepted").GetInt64(),
            d.GetProperty("overridden").GetInt64())).ToList();
        Assert.Equal(expected, actual);
    }
}
