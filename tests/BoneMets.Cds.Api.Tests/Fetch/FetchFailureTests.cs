using System.Net;
using Hl7.Fhir.Model;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Fetch;

/// <summary>
/// P4, X4, X5: the FHIR server answers, but not with usable data (an error status, malformed JSON, an OperationOutcome,
/// a redirect, an oversized body). Required data then stays missing → 412 naming the key, and the answer never holds the
/// token; non-transient answers are not retried; redirects are never followed.
/// </summary>
[Collection(FetchSerialGroup.Name)]
public sealed class FetchFailureTests(ITestOutputHelper output)
{
    public static TheoryData<string> Unusable => new()
    {
        "401",
        "403-outcome",
        "404-outcome",
        "malformed-json",
        "operation-outcome",
        "wrong-resource-type",
        "html",
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task UnusableConditions_412NamingConditions_NotRetried_NoTokenInAnswer(string answer)
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        stub.Respond(FetchKey.Conditions, sample.PatientId, Answer(sample, answer));
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget("00:00:03").Build());
        var token = FetchAssert.NewToken();

        var response = await host.PostAsync(OnlyConditionsMissing(sample, stub, token));

        output.WriteLine($"{answer}: {response.Ms} {response.Body}");
        var diagnostics = FetchAssert.PreconditionFailed(response, "conditions");
        if (answer == "401")
        {
            Assert.Contains("401", diagnostics, StringComparison.Ordinal);
        }

        Assert.Single(stub.RequestsFor(FetchKey.Conditions));
        FetchAssert.TokenNotLeaked(host, response, token);
        Assert.DoesNotContain("Bearer", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Redirect_NeverFollowed_412(int status)
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        using var elsewhere = FhirStub.Start().Serve(sample);
        var location = $"{elsewhere.Base}/Condition?patient={sample.PatientId}";
        stub.Respond(FetchKey.Conditions, sample.PatientId, Response.Create().WithStatusCode(status).WithHeader("Location", location));
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget("00:00:03").Build());
        var token = FetchAssert.NewToken();

        var response = await host.PostAsync(OnlyConditionsMissing(sample, stub, token));

        output.WriteLine($"{status}: {response.Ms}");
        FetchAssert.PreconditionFailed(response, "conditions");
        Assert.Empty(elsewhere.Requests);
        Assert.Single(stub.RequestsFor(FetchKey.Conditions));
        FetchAssert.TokenNotLeaked(host, response, token);
    }

    [Fact]
    public async Task Redirect_OptionalKey_200WithoutIt()
    {
        var sample = SamplePatient.Load("history-of-breast-cancer");
        using var stub = FhirStub.Start();
        using var elsewhere = FhirStub.Start().Serve(sample);
        stub.Respond(FetchKey.Labs, sample.PatientId, Response.Create().WithStatusCode(302).WithHeader("Location", elsewhere.Base + "/Observation?category=laboratory"));
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget("00:00:03").Build());

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch(FetchAssert.AllBut(FetchKey.Labs)).WithServer(stub.Base, FetchAssert.NewToken()));

        var card = Assert.Single(FetchAssert.Ok(response, sample.PatientId));
        Assert.Contains("laboratory results", card.Detail, StringComparison.Ordinal);
        Assert.True(card.SaysNotAvailable, card.Detail);
        Assert.Single(stub.RequestsFor(FetchKey.Labs));
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task OversizedResponse_Aborted_KeyNotSatisfied()
    {
        // A well-formed searchset of about 1 MiB holding the cancer: used, it would give cards (200); capped, 412.
        var sample = SamplePatient.Load("mscc-multi-card");
        var conditions = sample.Resources(FetchKey.Conditions);
        var filler = conditions.Single(c => c.Id == "mscc-multi-card-low-back-pain");
        var resources = new List<Resource>(conditions);
        for (var i = 0; i < 256; i++)
        {
            var copy = (Condition)filler.DeepCopy();
            copy.Id = $"filler-{i}";
            copy.Note = [new Annotation { Text = new string('x', 4096) }];
            resources.Add(copy);
        }

        var body = SamplePatient.Searchset(resources);
        Assert.True(FhirStub.Serialize(body).Length > 1024 * 1024);
        using var stub = FhirStub.Start();
        stub.Respond(FetchKey.Conditions, sample.PatientId, FhirStub.Ok(body));
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget("00:00:03").Set("MaxResponseBytes", "65536").Build());
        var token = FetchAssert.NewToken();

        var response = await host.PostAsync(OnlyConditionsMissing(sample, stub, token));

        output.WriteLine($"1 MiB body, cap 64 KiB: {response.Ms}");
        FetchAssert.PreconditionFailed(response, "conditions");
        Assert.NotEmpty(stub.RequestsFor(FetchKey.Conditions));
        Assert.True(response.Elapsed < TimeSpan.FromSeconds(4), $"answered after {response.Ms}");
    }

    [Fact]
    public async Task UnderTheSizeCap_Used()
    {
        // Control for the size cap: the same kind of answer below the cap is used.
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        stub.Respond(FetchKey.Conditions, sample.PatientId, FhirStub.Ok(sample.ResponseFor(FetchKey.Conditions)));
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget("00:00:03").Set("MaxResponseBytes", "65536").Build());

        var response = await host.PostAsync(OnlyConditionsMissing(sample, stub, FetchAssert.NewToken()));

        Assert.Contains(FetchAssert.Ok(response, sample.PatientId), c => c.Topic == "spinal-cord-compression");
    }

    private static IResponseBuilder Answer(SamplePatient sample, string answer)
    {
        var searchset = FhirStub.Serialize(sample.ResponseFor(FetchKey.Conditions));
        return answer switch
        {
            "401" => FhirStub.Json(401, FhirStub.Outcome(OperationOutcome.IssueType.Login, "Invalid or expired access token"))
                .WithHeader("WWW-Authenticate", "Bearer error=\"invalid_token\""),
            "403-outcome" => FhirStub.Json(403, FhirStub.Outcome(OperationOutcome.IssueType.Forbidden, "Scope patient/Condition.read not granted")),
            "404-outcome" => FhirStub.Json(404, FhirStub.Outcome(OperationOutcome.IssueType.NotFound, "Unknown resource type")),
            "malformed-json" => Response.Create().WithStatusCode(200).WithHeader("Content-Type", FhirStub.FhirJsonType)
                .WithBody(searchset[..(searchset.Length / 2)]),
            "operation-outcome" => FhirStub.Ok(FhirStub.Outcome(OperationOutcome.IssueType.Exception, "Search failed")),
            "wrong-resource-type" => FhirStub.Ok(sample.Patient),
            "html" => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html; charset=utf-8")
                .WithBody("<html><body>Log in to the EHR portal</body></html>"),
            _ => throw new ArgumentOutOfRangeException(nameof(answer)),
        };
    }

    private static System.Text.Json.Nodes.JsonObject OnlyConditionsMissing(SamplePatient sample, FhirStub stub, string token) =>
        sample.FullRequest().KeepPrefetch(FetchAssert.AllBut(FetchKey.Conditions)).WithServer(stub.Base, token);
}
