using System.Net;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using static BoneMets.Cds.Api.Tests.Feedback.FeedbackBodies;

namespace BoneMets.Cds.Api.Tests.Feedback;

/// <summary>
/// POST /cds-services/{id}/feedback: the feedback cases F1–F12 of cds-hooks.md §6.6 (F13, the JWT audience, belongs to
/// the security tests) and our decisions where the spec is silent. Every 200 is checked in the database file.
/// </summary>
public sealed class FeedbackEndpointTests : IDisposable
{
    private readonly FeedbackHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task F1_Accepted_Is200AndStored()
    {
        var card = NewCard();

        using var response = await _host.PostFeedbackAsync(Body(Accepted(card, "5d1f7d0e-2a6b-4b8e-9a51-0c2b6e3f4a10")));

        await FeedbackAssert.OkEmptyAsync(response);
        Assert.Equal(1, _host.CountRows("feedback", $"card_uuid = '{card}' AND outcome = 'accepted' AND accepted_suggestions LIKE '%5d1f7d0e-2a6b-4b8e-9a51-0c2b6e3f4a10%'"));
    }

    [Fact]
    public async Task F2_OverriddenWithoutReason_Is200AndStored()
    {
        var card = NewCard();

        using var response = await _host.PostFeedbackAsync(Body(Overridden(card)));

        await FeedbackAssert.OkEmptyAsync(response);
        Assert.Equal(1, _host.CountRows("feedback", $"card_uuid = '{card}' AND outcome = 'overridden' AND reason_code IS NULL AND has_user_comment = 0"));
    }

    [Fact]
    public async Task F3_OverriddenWithSandboxShapedReason_Is200AndStoresTheCoding()
    {
        var card = NewCard();
        var item = new JsonObject
        {
            ["card"] = card,
            ["outcome"] = "overridden",
            ["overrideReason"] = new JsonObject { ["reason"] = new JsonObject { ["code"] = "already-imaged", ["system"] = ReasonSystem } },
            ["outcomeTimestamp"] = Timestamp,
        };

        using var response = await _host.PostFeedbackAsync(Body(item));

        await FeedbackAssert.OkEmptyAsync(response);
        Assert.Equal(1, _host.CountRows("feedback", $"card_uuid = '{card}' AND reason_code = 'already-imaged' AND reason_system = '{ReasonSystem}'"));
    }

    [Fact]
    public async Task F4_UserCommentOnly_Is200AndTheTextIsNotStored()
    {
        var card = NewCard();
        const string Comment = "Patient Jane Roe declined, see note 4711";

        using var response = await _host.PostFeedbackAsync(Body(Overridden(card, comment: Comment)));

        await FeedbackAssert.OkEmptyAsync(response);
        Assert.Equal(1, _host.CountRows("feedback", $"card_uuid = '{card}' AND has_user_comment = 1 AND reason_code IS NULL"));
        Assert.DoesNotContain("Jane Roe", DatabaseText(), StringComparison.Ordinal);
        Assert.DoesNotContain("Jane Roe", _host.AllLogs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task F5_BatchWithTheSameCardTwice_Is200AndStoredOnce_RepeatsToo()
    {
        var a = NewCard();
        var b = NewCard();
        var body = Body(Accepted(a), Overridden(b, "not-indicated"), Accepted(a), Overridden(a, comment: "changed my mind", timestamp: "2026-11-29T12:09:00Z"));

        using var first = await _host.PostFeedbackAsync(body);
        using var repeat = await _host.PostFeedbackAsync(body.DeepClone());

        await FeedbackAssert.OkEmptyAsync(first);
        await FeedbackAssert.OkEmptyAsync(repeat);
        Assert.Equal(2, _host.CountRows("feedback", $"card_uuid = '{a}'"));
        Assert.Equal(1, _host.CountRows("feedback", $"card_uuid = '{b}'"));
        Assert.Equal(3, _host.CountRows("feedback"));
        Assert.Contains("4 items, 3 new", _host.AllLogs, StringComparison.Ordinal);
        Assert.Contains("4 items, 0 new", _host.AllLogs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rejected")]
    [InlineData("ACCEPTED")]
    [InlineData("ignored")]
    [InlineData("")]
    public async Task F6_UnknownOutcome_Is400NamingTheItem(string outcome)
    {
        var bad = Overridden(NewCard());
        bad["outcome"] = outcome;

        using var response = await _host.PostFeedbackAsync(Body(Accepted(NewCard()), bad));

        await FeedbackAssert.BadRequestNamingAsync(response, "feedback[1].outcome");
        Assert.Equal(0, _host.CountRows("feedback"));
    }

    [Theory]
    [InlineData(null, "feedback[0].acceptedSuggestions")]
    [InlineData("[]", "feedback[0].acceptedSuggestions")]
    [InlineData("{\"id\":\"x\"}", "feedback[0].acceptedSuggestions")]
    [InlineData("[\"5d1f7d0e\"]", "feedback[0].acceptedSuggestions[0]")]
    [InlineData("[{}]", "feedback[0].acceptedSuggestions[0].id")]
    [InlineData("[{\"id\":\"\"}]", "feedback[0].acceptedSuggestions[0].id")]
    [InlineData("[{\"id\":\"a\"},{\"id\":7}]", "feedback[0].acceptedSuggestions[1].id")]
    public async Task F7_AcceptedWithoutValidAcceptedSuggestions_Is400(string? suggestions, string expression)
    {
        var item = Accepted(NewCard());
        item.Remove("acceptedSuggestions");
        if (suggestions is not null)
        {
            item["acceptedSuggestions"] = JsonNode.Parse(suggestions);
        }

        using var response = await _host.PostFeedbackAsync(Body(item));

        await FeedbackAssert.BadRequestNamingAsync(response, expression);
        Assert.Equal(0, _host.CountRows("feedback"));
    }

    [Theory]
    [InlineData("{}", "feedback[0].overrideReason")]
    [InlineData("\"not-indicated\"", "feedback[0].overrideReason")]
    [InlineData("{\"userComment\":\"\"}", "feedback[0].overrideReason.userComment")]
    [InlineData("{\"userComment\":42}", "feedback[0].overrideReason.userComment")]
    [InlineData("{\"reason\":\"not-indicated\"}", "feedback[0].overrideReason.reason")]
    [InlineData("{\"reason\":{\"code\":\"not-indicated\"}}", "feedback[0].overrideReason.reason.system")]
    [InlineData("{\"reason\":{\"system\":\"https://x.example\"}}", "feedback[0].overrideReason.reason.code")]
    [InlineData("{\"reason\":{\"system\":\"https://x.example\",\"code\":\"c\",\"display\":7}}", "feedback[0].overrideReason.reason.display")]
    public async Task F8_MalformedOverrideReason_Is400(string reason, string expression)
    {
        var item = Overridden(NewCard());
        item["overrideReason"] = JsonNode.Parse(reason);

        using var response = await _host.PostFeedbackAsync(Body(item));

        await FeedbackAssert.BadRequestNamingAsync(response, expression);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2025-01-01T10:05:31")]
    [InlineData("2025-01-01T10:05:31+02:00")]
    [InlineData("2025-01-01T10:05:31+00:00")]
    [InlineData("2025-01-01")]
    [InlineData("2025-01-01 10:05:31Z")]
    [InlineData("2025-01-01T10:05Z")]
    [InlineData("2025-02-30T10:05:31Z")]
    [InlineData("2025-01-01T24:00:00Z")]
    [InlineData("01/01/2025 10:05:31")]
    [InlineData("1735725931")]
    public async Task F9_MissingOrNonUtcOrNonRfc3339Timestamp_Is400(string? timestamp)
    {
        var item = Accepted(NewCard());
        item.Remove("outcomeTimestamp");
        if (timestamp is not null)
        {
            item["outcomeTimestamp"] = timestamp;
        }

        using var response = await _host.PostFeedbackAsync(Body(Overridden(NewCard()), Overridden(NewCard()), item));

        await FeedbackAssert.BadRequestNamingAsync(response, "feedback[2].outcomeTimestamp");
        Assert.Equal(0, _host.CountRows("feedback"));
    }

    [Theory]
    [InlineData("2025-01-01T10:05:31Z", "2025-01-01T10:05:31.000000Z")]
    [InlineData("1985-04-12T23:20:50.52Z", "1985-04-12T23:20:50.520000Z")]
    [InlineData("2025-01-01t10:05:31.123456789z", "2025-01-01T10:05:31.123456Z")]
    [InlineData("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999999Z")]
    public async Task F9_Rfc3339UtcTimestamps_AreAcceptedAsTheInstantTheyName(string timestamp, string stored)
    {
        var card = NewCard();

        using var response = await _host.PostFeedbackAsync(Body(Overridden(card, timestamp: timestamp)));

        await FeedbackAssert.OkEmptyAsync(response);
        Assert.Equal(1, _host.CountRows("feedback", $"card_uuid = '{card}' AND outcome_at = '{stored}'"));
    }

    [Theory]
    [InlineData("{}", "feedback")]
    [InlineData("{\"feedback\":null}", "feedback")]
    [InlineData("{\"feedback\":{}}", "feedback")]
    [InlineData("{\"feedback\":\"accepted\"}", "feedback")]
    [InlineData("{\"feedback\":[]}", "feedback")]
    [InlineData("{\"feedback\":[42]}", "feedback[0]")]
    [InlineData("{\"feedback\":[{\"outcome\":\"overridden\",\"outcomeTimestamp\":\"2025-01-01T10:05:31Z\"}]}", "feedback[0].card")]
    [InlineData("{\"feedback\":[{\"card\":\"\",\"outcome\":\"overridden\",\"outcomeTimestamp\":\"2025-01-01T10:05:31Z\"}]}", "feedback[0].card")]
    [InlineData("{\"feedback\":[{\"card\":7,\"outcome\":\"overridden\",\"outcomeTimestamp\":\"2025-01-01T10:05:31Z\"}]}", "feedback[0].card")]
    [InlineData("{\"feedback\":[{\"card\":\"c\",\"outcomeTimestamp\":\"2025-01-01T10:05:31Z\"}]}", "feedback[0].outcome")]
    public async Task F10_BodyWithoutAFeedbackArray_Is400(string body, string expression)
    {
        using var response = await Hooks.PostRawAsync(_host.Client, body, FeedbackHost.FeedbackPath);

        await FeedbackAssert.BadRequestNamingAsync(response, expression);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"feedback\":")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"feedback\":[],\"feedback\":[]}")]
    public async Task F10_MalformedJson_Is400(string body)
    {
        using var response = await Hooks.PostRawAsync(_host.Client, body, FeedbackHost.FeedbackPath);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ResponseAssertions.AssertOperationOutcomeAsync(response);
    }

    [Fact]
    public async Task F11_UnknownCardUuid_Is200LikeAnyOther()
    {
        var unknown = NewCard();

        using var response = await _host.PostFeedbackAsync(Body(Overridden(unknown, "not-indicated")));

        await FeedbackAssert.OkEmptyAsync(response);
        var analytics = await _host.AnalyticsAsync("?from=2026-11-01&to=2026-11-30");
        Assert.Equal(1, analytics.GetProperty("unmatchedFeedback").GetInt64());
        Assert.Equal(0, analytics.GetProperty("groups").GetArrayLength());
    }

    [Fact]
    public async Task F12_UnknownService_Is404()
    {
        using var response = await Hooks.PostRawAsync(_host.Client, Body(Overridden(NewCard())).ToJsonString(), "/cds-services/does-not-exist/feedback");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var outcome = await ResponseAssertions.AssertOperationOutcomeAsync(response);
        Assert.Contains("Unknown CDS service", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralInvalidItems_AreAllNamed_AndNothingIsStored()
    {
        var noTime = Overridden(NewCard());
        noTime.Remove("outcomeTimestamp");
        var body = Body(Accepted(NewCard()), JsonNode.Parse("{\"card\":\"c\",\"outcome\":\"maybe\",\"outcomeTimestamp\":\"2025-01-01T10:05:31Z\"}")!, Overridden(NewCard()), noTime);

        using var response = await _host.PostFeedbackAsync(body);

        await FeedbackAssert.BadRequestNamingAsync(response, "feedback[1].outcome");
        Assert.Equal(0, _host.CountRows("feedback"));
        using var again = await _host.PostFeedbackAsync(body);
        await FeedbackAssert.BadRequestNamingAsync(again, "feedback[3].outcomeTimestamp");
    }

    [Fact]
    public async Task OverrideReasonWithAccepted_Is400()
    {
        var item = Accepted(NewCard());
        item["overrideReason"] = new JsonObject { ["userComment"] = "why not" };

        using var response = await _host.PostFeedbackAsync(Body(item));

        await FeedbackAssert.BadRequestNamingAsync(response, "feedback[0].overrideReason");
    }

    [Fact]
    public async Task AcceptedSuggestionsWithOverridden_Is400()
    {
        var item = Overridden(NewCard());
        item["acceptedSuggestions"] = new JsonArray(new JsonObject { ["id"] = "x" });

        using var response = await _host.PostFeedbackAsync(Body(item));

        await FeedbackAssert.BadRequestNamingAsync(response, "feedback[0].acceptedSuggestions");
    }

    [Fact]
    public async Task UnknownFieldsAndNullOptionals_AreIgnored()
    {
        var card = NewCard();
        var item = Overridden(card);
        item["extension"] = new JsonObject { ["com.example.x"] = 1 };
        item["overrideReason"] = null;
        item["acceptedSuggestions"] = null;

        using var response = await _host.PostFeedbackAsync(new JsonObject { ["feedback"] = new JsonArray(item), ["extension"] = "x" });

        await FeedbackAssert.OkEmptyAsync(response);
        Assert.Equal(1, _host.CountRows("feedback", $"card_uuid = '{card}'"));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task NonJsonContentType_Is415(string contentType)
    {
        using var response = await Hooks.PostRawAsync(_host.Client, Body(Overridden(NewCard())).ToJsonString(), FeedbackHost.FeedbackPath, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await ResponseAssertions.AssertOperationOutcomeAsync(response);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413()
    {
        await using var small = new FeedbackHost(new Dictionary<string, string?> { ["Cds:MaxRequestBodyBytes"] = "4096" });
        var items = Enumerable.Range(0, 60).Select(_ => (JsonNode)Overridden(NewCard(), "not-indicated")).ToArray();

        using var response = await small.PostFeedbackAsync(Body(items));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await ResponseAssertions.AssertOperationOutcomeAsync(response);
        Assert.Equal(0, small.CountRows("feedback"));
    }

    [Fact]
    public async Task GetOnTheFeedbackPath_Is405()
    {
        using var response = await _host.Client.GetAsync(FeedbackHost.FeedbackPath);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    private string DatabaseText() =>
        string.Concat(Directory.GetFiles(_host.DataDirectory).Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
            return reader.ReadToEnd();
        }));
}
