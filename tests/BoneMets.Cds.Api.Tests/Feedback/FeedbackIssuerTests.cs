using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using static BoneMets.Cds.Api.Tests.Feedback.FeedbackBodies;

namespace BoneMets.Cds.Api.Tests.Feedback;

/// <summary>
/// Feedback is stored with the verified issuer of the EHR that posted it, and counts toward a card only when that EHR
/// is the one the card was issued to: one trusted EHR cannot skew the analytics of another EHR's cards. Two trusted
/// EHRs: A is the test EHR (the factory signs unsigned calls as it), B is trusted at <c>Cds:Clients:1</c> with a key of
/// its own and sends its own tokens.
/// </summary>
public sealed class FeedbackIssuerTests
{
    private const string OtherIssuer = "https://other-ehr.test/issuer";

    private static readonly TestKey OtherKey = TestKey.Ec();

    private static readonly string OtherJwksFile = TestKey.WriteJwksFile(OtherKey);

    [Fact]
    public async Task AnotherEhrsFeedbackOnACard_IsAnsweredAlike_ButCountsOnlyAsUnmatched_WhileTheIssuingEhrsCounts()
    {
        await using var host = new FeedbackHost(new Dictionary<string, string?>
        {
            ["Cds:Clients:1:Issuer"] = OtherIssuer,
            ["Cds:Clients:1:JwksFile"] = OtherJwksFile,
        });

        // EHR A calls the hook: three cards, logged with A's issuer.
        var cards = await host.PostHookAsync(Hooks.LoadSample("mscc-multi-card"));
        Assert.Equal(3, cards.Count);
        await FeedbackHost.WaitUntilAsync(() => host.CountRows("issued_cards") == 3, "3 issued cards");
        Assert.Equal(3, host.CountRows("issued_cards", $"client_issuer = '{TestEhr.Issuer}'"));
        var mscc = cards.Single(c => c.Topic == "spinal-cord-compression");
        Assert.NotEmpty(mscc.Suggestions);

        // EHR B accepts A's card: 200 with an empty body, exactly as for a card nobody issued (no existence oracle).
        using (var onAsCard = await PostFeedbackAsOtherEhrAsync(host, Body(Accepted(mscc.Uuid, mscc.Suggestions[0]))))
        {
            await FeedbackAssert.OkEmptyAsync(onAsCard);
        }

        using (var onUnknownCard = await PostFeedbackAsOtherEhrAsync(host, Body(Accepted(NewCard()))))
        {
            await FeedbackAssert.OkEmptyAsync(onUnknownCard);
        }

        Assert.Equal(2, host.CountRows("feedback", $"client_issuer = '{OtherIssuer}'"));

        // B's accept does not count for A's card: it is unmatched, like the unknown card's.
        var afterB = await host.AnalyticsAsync();
        var scc = Group(afterB, "spinal-cord-compression", "critical");
        Assert.Equal((1, 0, 0), Counts(scc));
        Assert.Equal(0.0, scc.GetProperty("acceptanceRate").GetDouble());
        Assert.Equal(2, afterB.GetProperty("unmatchedFeedback").GetInt64());
        Assert.All(afterB.GetProperty("groups").EnumerateArray(), g => Assert.Equal(0, g.GetProperty("accepted").GetInt64()));

        // A's own accept of the same card (the same item B sent: stored again, under A) counts.
        using (var fromA = await host.PostFeedbackAsync(Body(Accepted(mscc.Uuid, mscc.Suggestions[0]))))
        {
            await FeedbackAssert.OkEmptyAsync(fromA);
        }

        Assert.Equal(1, host.CountRows("feedback", $"client_issuer = '{TestEhr.Issuer}'"));
        Assert.Equal(3, host.CountRows("feedback"));
        var afterA = await host.AnalyticsAsync();
        scc = Group(afterA, "spinal-cord-compression", "critical");
        Assert.Equal((1, 1, 0), Counts(scc));
        Assert.Equal(1.0, scc.GetProperty("acceptanceRate").GetDouble());
        Assert.Equal(2, afterA.GetProperty("unmatchedFeedback").GetInt64());
    }

    /// <summary>POSTs feedback with EHR B's own token (the factory leaves a request with an Authorization header alone).</summary>
    private static async Task<HttpResponseMessage> PostFeedbackAsOtherEhrAsync(FeedbackHost host, JsonNode body)
    {
        var token = new TokenSpec
        {
            Key = OtherKey,
            Issuer = OtherIssuer,
            Audience = TestEhr.UrlOf(FeedbackHost.FeedbackPath),
            IssuedAt = CdsApiFactory.Anchor,
        }.Mint();
        using var request = new HttpRequestMessage(HttpMethod.Post, FeedbackHost.FeedbackPath)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await host.Client.SendAsync(request);
    }

    private static JsonElement Group(JsonElement analytics, string topic, string indicator) =>
        analytics.GetProperty("groups").EnumerateArray()
            .Single(g => g.GetProperty("topicCode").GetString() == topic && g.GetProperty("indicator").GetString() == indicator);

    private static (long Shown, long Accepted, long Overridden) Counts(JsonElement group) =>
        (group.GetProperty("shown").GetInt64(), group.GetProperty("accepted").GetInt64(), group.GetProperty("overridden").GetInt64());
}
