using System.Net;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests;

/// <summary>Pinned decisions 2 and 3: what each prefetch value means, and 412 when required data is missing.</summary>
public sealed class PrefetchTests(CdsApiFactory factory) : IClassFixture<CdsApiFactory>
{
    private static readonly DateTimeOffset Anchor = CdsApiFactory.Anchor;

    public static TheoryData<string, string> NotSatisfiedRequired => new()
    {
        // key, how the value is broken
        { "patient", "absent" },
        { "patient", "wrong-type" },
        { "patient", "other-patient" },
        { "patient", "operation-outcome" },
        { "patient", "string" },
        { "patient", "number" },
        { "conditions", "absent" },
        { "conditions", "wrong-type" },
        { "conditions", "operation-outcome" },
        { "conditions", "outcome-in-bundle" },
        { "conditions", "other-patient-entry" },
        { "conditions", "array" },
    };

    [Theory]
    [MemberData(nameof(NotSatisfiedRequired))]
    public async Task Hook_RequiredKeyNotSatisfied_Is412SayingWhich(string key, string breakage)
    {
        var request = new RequestBuilder().WithCondition("http://snomed.info/sct", "254837009", "Malignant neoplasm of breast").Build();
        Break(request, key, breakage);
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var outcome = await ResponseAssertions.AssertOperationOutcomeAsync(response);
        Assert.Contains(outcome.Issue, i => i.Diagnostics!.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hook_NoPrefetchAtAll_Is412ForBothRequiredKeys()
    {
        var request = new RequestBuilder().Build();
        request.Remove("prefetch");
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var outcome = await ResponseAssertions.AssertOperationOutcomeAsync(response);
        var text = string.Join(" ", outcome.Issue.Select(i => i.Diagnostics));
        Assert.Contains("patient", text, StringComparison.Ordinal);
        Assert.Contains("conditions", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("empty-searchset")]
    public async Task Hook_ConditionsNoData_Is200WithoutCards(string form)
    {
        var request = new RequestBuilder().Build();
        request["prefetch"]!["conditions"] = form == "null" ? null : RequestBuilder.ToNode(RequestBuilder.Searchset([]));
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = await Hooks.ReadJsonAsync(response);
        Assert.Equal(0, doc.RootElement.GetProperty("cards").GetArrayLength());
    }

    [Fact]
    public async Task Hook_PatientNull_IsNoDataAndStillEvaluated()
    {
        // Decision 2: null is "no data", never "not satisfied"; the rules run without the age/deceased gates.
        var request = new RequestBuilder()
            .WithCondition("http://snomed.info/sct", "254837009", "Malignant neoplasm of breast")
            .WithCondition("http://snomed.info/sct", "713514005", "Muscle weakness of limb")
            .Build();
        request["prefetch"]!["patient"] = null;
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = await Hooks.ReadJsonAsync(response);
        Assert.Equal([("spinal-cord-compression", "critical")], Hooks.TopicsOf(doc));
    }

    [Fact]
    public async Task Hook_PagedConditionsWithoutServer_KeepTheCardsTheReadPageSupportsAndSaySo()
    {
        // A failing or absent FHIR server never loses a card the data already supports; the card names the partial source.
        var request = new RequestBuilder()
            .WithCondition("http://snomed.info/sct", "254837009", "Malignant neoplasm of breast")
            .WithCondition("http://snomed.info/sct", "713514005", "Muscle weakness of limb")
            .Build();
        request["prefetch"]!["conditions"]!["link"] = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["relation"] = "next", ["url"] = "https://ehr.example.org/fhir/Condition?page=2" });
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = await Hooks.ReadJsonAsync(response);
        Assert.Equal([("spinal-cord-compression", "critical")], Hooks.TopicsOf(doc));
        Assert.Contains("Only partly read:** conditions", Hooks.CardOf(doc, "spinal-cord-compression").GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hook_PagedConditionsWithoutServerAndNoCard_Is412NotAnAllClear()
    {
        var request = new RequestBuilder().WithCondition("http://snomed.info/sct", "161891005", "Backache").Build();
        request["prefetch"]!["conditions"]!["link"] = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["relation"] = "next", ["url"] = "https://ehr.example.org/fhir/Condition?page=2" });
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var outcome = await ResponseAssertions.AssertOperationOutcomeAsync(response);
        Assert.Contains("only partly obtained", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hook_LabsMissing_CardSaysLabsWereNotAvailable()
    {
        // Cancer + bone pain fires the imaging card; labs absent must be named in the card, not read as normal.
        var request = new RequestBuilder()
            .WithCondition("http://snomed.info/sct", "254837009", "Malignant neoplasm of breast")
            .WithCondition("http://snomed.info/sct", "12584003", "Bone pain")
            .Build();
        request["prefetch"]!.AsObject().Remove("labs");
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = await Hooks.ReadJsonAsync(response);
        ResponseAssertions.AssertValidCdsResponse(doc.RootElement, "p1");
        var card = Hooks.CardOf(doc, "suspected-bone-metastasis");
        Assert.Contains("laboratory results", card.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hook_LabsAsOperationOutcome_IsOptional_Still200()
    {
        var request = new RequestBuilder()
            .WithCondition("http://snomed.info/sct", "254837009", "Malignant neoplasm of breast")
            .WithLab("17861-6", 13.0m, "mg/dL", Anchor.AddDays(-1))
            .Build();
        request["prefetch"]!["labs"] = RequestBuilder.ToNode(new OperationOutcome
        {
            Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Exception }],
        });
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = await Hooks.ReadJsonAsync(response);
        Assert.DoesNotContain(Hooks.TopicsOf(doc), t => t.Topic == "hypercalcemia");
    }

    [Fact]
    public async Task Hook_LabsFromOtherPatient_AreNotUsed()
    {
        var request = new RequestBuilder()
            .WithCondition("http://snomed.info/sct", "254837009", "Malignant neoplasm of breast")
            .WithLab("17861-6", 13.9m, "mg/dL", Anchor.AddDays(-1))
            .Build();
        request["prefetch"]!["labs"]!["entry"]![0]!["resource"]!["subject"]!["reference"] = "Patient/someone-else";
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = await Hooks.ReadJsonAsync(response);
        Assert.DoesNotContain(Hooks.TopicsOf(doc), t => t.Topic == "hypercalcemia");
    }

    [Fact]
    public async Task Hook_SameRequestTwice_SameCardsAndUuids()
    {
        var request = new RequestBuilder()
            .WithCondition("http://snomed.info/sct", "254837009", "Malignant neoplasm of breast")
            .WithLab("17861-6", 13.9m, "mg/dL", Anchor.AddDays(-1))
            .Build();
        using var client = factory.CreateClient();

        using var first = await Hooks.PostAsync(client, request);
        request["hookInstance"] = "0b0c3b43-5d67-4e0f-9a59-2d0d0d1f3f11";
        using var second = await Hooks.PostAsync(client, request);

        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    private static void Break(JsonObject request, string key, string breakage)
    {
        var prefetch = request["prefetch"]!.AsObject();
        switch (breakage)
        {
            case "absent":
                prefetch.Remove(key);
                break;
            case "wrong-type":
                prefetch[key] = RequestBuilder.ToNode(new Observation { Id = "x", Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "17861-6") });
                break;
            case "other-patient":
                prefetch[key]!["id"] = "somebody-else";
                break;
            case "operation-outcome":
                prefetch[key] = RequestBuilder.ToNode(new OperationOutcome
                {
                    Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Forbidden }],
                });
                break;
            case "outcome-in-bundle":
                var bundle = RequestBuilder.Searchset(
                [
                    new OperationOutcome { Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Timeout }] },
                ]);
                prefetch[key] = RequestBuilder.ToNode(bundle);
                break;
            case "other-patient-entry":
                prefetch[key]!["entry"]![0]!["resource"]!["subject"]!["reference"] = "Patient/somebody-else";
                break;
            case "string":
                prefetch[key] = "Patient/p1";
                break;
            case "number":
                prefetch[key] = 42;
                break;
            case "array":
                prefetch[key] = new JsonArray();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage));
        }
    }
}
