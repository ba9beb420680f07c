using System.Net;
using BoneMets.Cds.Api.Tests.Infrastructure;

namespace BoneMets.Cds.Api.Tests;

/// <summary>
/// N21 (duplicate JSON names) where the hook reads them: the envelope is refused with 400; inside a prefetch value a
/// duplicate degrades only that key, like any other malformed prefetch value; a duplicate in a part of an entry that is
/// neither judged nor parsed changes nothing (JsonDuplicates, PrefetchReader).
/// </summary>
public sealed class DuplicatePropertyTests(CdsApiFactory factory) : IClassFixture<CdsApiFactory>
{
    private const string Sample = "mscc-multi-card";

    [Theory]
    [InlineData("\"context\":{", "\"context\":{\"userId\":\"Practitioner/x\",", "in 'context'")]
    [InlineData("\"prefetch\":{", "\"prefetch\":{\"patient\":null,", "among the prefetch keys")]
    [InlineData("\"hookInstance\":", "\"hook\":\"patient-view\",\"hookInstance\":", "at the top level")]
    public async Task Envelope_DuplicateName_Is400SayingWhere(string find, string replace, string where)
    {
        var body = Inject(find, replace);
        using var client = factory.CreateClient();

        using var response = await Hooks.PostRawAsync(client, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var outcome = await ResponseAssertions.AssertOperationOutcomeAsync(response);
        Assert.Contains("duplicate property name", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.Contains(where, outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    // In the calcium result (parsed): the labs key is not satisfied, so the hypercalcaemia card cannot fire; the cord
    // compression card, from the conditions, still does.
    [InlineData("\"valueQuantity\":{", "\"valueQuantity\":{\"value\":1,")]
    // In a field the judging pass reads (the coding of the calcium result).
    [InlineData("\"code\":\"17861-6\"", "\"code\":\"17861-6\",\"code\":\"1751-7\"")]
    public async Task DuplicateInsideLabsKey_DegradesOnlyThatKey(string find, string replace)
    {
        var body = InjectInto("mscc-multi-card-calcium", find, replace);
        using var client = factory.CreateClient();

        using var baseline = await Hooks.PostRawAsync(client, Inject("\"prefetch\":{", "\"prefetch\":{"));
        using var response = await Hooks.PostRawAsync(client, body);

        Assert.Equal(HttpStatusCode.OK, baseline.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var before = await Hooks.ReadJsonAsync(baseline);
        using var after = await Hooks.ReadJsonAsync(response);
        Assert.Contains(("hypercalcaemia", "warning"), Hooks.TopicsOf(before).Select(Short));
        Assert.DoesNotContain(Hooks.TopicsOf(after), t => t.Topic.Contains("calc", StringComparison.Ordinal));
        Assert.Contains(("spinal-cord-compression", "critical"), Hooks.TopicsOf(after));
    }

    [Fact]
    public async Task DuplicateInsideAnUnreadPartOfAnIgnoredResult_ChangesNothing()
    {
        // A glucose result (no value set holds it) whose valueQuantity has a duplicate name: judged by code, never parsed.
        const string Glucose = """{"resource":{"resourceType":"Observation","id":"glucose-1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2345-7"}]},"subject":{"reference":"Patient/mscc-multi-card"},"effectiveDateTime":"2026-11-28T08:00:00Z","valueQuantity":{"value":5.1,"value":6.2,"unit":"mmol/L"}}},""";
        using var client = factory.CreateClient();

        using var baseline = await Hooks.PostRawAsync(client, Inject("\"prefetch\":{", "\"prefetch\":{"));
        using var response = await Hooks.PostRawAsync(client, InjectBeforeEntry("mscc-multi-card-calcium", Glucose));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var before = await Hooks.ReadJsonAsync(baseline);
        using var after = await Hooks.ReadJsonAsync(response);
        Assert.Equal(Hooks.TopicsOf(before), Hooks.TopicsOf(after));
        Assert.Equal(3, Hooks.TopicsOf(after).Count);
    }

    private static (string, string) Short((string Topic, string Indicator) t) =>
        (t.Topic.Contains("calc", StringComparison.Ordinal) ? "hypercalcaemia" : t.Topic, t.Indicator);

    private static string Compact() => Hooks.LoadSample(Sample).ToJsonString();

    private static string Inject(string find, string replace)
    {
        var json = Compact();
        var at = json.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' not in the sample");
        return json[..at] + replace + json[(at + find.Length)..];
    }

    /// <summary>Replaces the first <paramref name="find"/> after the resource whose id is <paramref name="resourceId"/>.</summary>
    private static string InjectInto(string resourceId, string find, string replace)
    {
        var json = Compact();
        var start = json.IndexOf($"\"id\":\"{resourceId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"resource {resourceId} not in the sample");
        var at = json.IndexOf(find, start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' not in resource {resourceId}");
        return json[..at] + replace + json[(at + find.Length)..];
    }

    /// <summary>Inserts a Bundle entry (with its trailing comma) before the entry holding <paramref name="resourceId"/>.</summary>
    private static string InjectBeforeEntry(string resourceId, string entry)
    {
        var json = Compact();
        var id = json.IndexOf($"\"id\":\"{resourceId}\"", StringComparison.Ordinal);
        var at = json.LastIndexOf("{\"fullUrl\":", id, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no entry for {resourceId}");
        return json[..at] + entry + json[at..];
    }
}
