using System.Net;
using System.Text.Json;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;

namespace BoneMets.Cds.Api.Tests;

/// <summary>The full shape and content of each card kind, end to end through the host.</summary>
public sealed class CardTests(CdsApiFactory factory) : IClassFixture<CdsApiFactory>
{
    private const string Snomed = "http://snomed.info/sct";
    private static readonly DateTimeOffset Anchor = CdsApiFactory.Anchor;
    private static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    [Fact]
    public async Task Hypercalcaemia_CorrectedGrade3_IsCriticalWithPayneArithmetic()
    {
        var request = new RequestBuilder()
            .WithCondition(Snomed, "254837009", "Malignant neoplasm of breast")
            .WithLab("17861-6", 12.4m, "mg/dL", Anchor.AddDays(-1))
            .WithLab("1751-7", 2.8m, "g/dL", Anchor.AddDays(-1).AddHours(-2))
            .Build();

        using var doc = await PostOkAsync(request);

        var card = Hooks.CardOf(doc, "hypercalcemia");
        Assert.Equal("critical", card.GetProperty("indicator").GetString());
        Assert.Contains("13.36 mg/dL", card.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("grade 3", card.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var detail = card.GetProperty("detail").GetString()!;
        Assert.Contains("12.4 + 0.8 × (4 − 2.8) = **13.36 mg/dL** (3.33 mmol/L)", detail, StringComparison.Ordinal);
        Assert.Contains("**12.4 mg/dL** (3.09 mmol/L)", detail, StringComparison.Ordinal); // both units for calcium
        Assert.Contains("17861-6", detail, StringComparison.Ordinal);
        Assert.Contains(Anchor.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), detail, StringComparison.Ordinal);
        Assert.Contains("254837009", detail, StringComparison.Ordinal);
        Assert.Contains("Endocrine Society", card.GetProperty("source").GetProperty("label").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hypercalcaemia_AboveAnalyserRange_IsCriticalAndSaysTheValueIsABound()
    {
        // A calcium reported as ">15.0 mg/dL" must not be dropped: graded as at least 15.0 → grade 4, critical.
        var request = new RequestBuilder()
            .WithCondition(Snomed, "254837009", "Malignant neoplasm of breast")
            .WithLab("17861-6", 15.0m, "mg/dL", Anchor.AddDays(-1))
            .Build();
        request["prefetch"]!["labs"]!["entry"]![0]!["resource"]!["valueQuantity"]!["comparator"] = ">";

        using var doc = await PostOkAsync(request);

        var card = Hooks.CardOf(doc, "hypercalcemia");
        Assert.Equal("critical", card.GetProperty("indicator").GetString());
        Assert.Contains("grade 4", card.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("reported as above this value", card.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hypercalcaemia_NoAlbumin_IsGradedUncorrectedAndSaysSo()
    {
        var request = new RequestBuilder()
            .WithCondition(Snomed, "399068003", "Malignant tumor of prostate")
            .WithLab("17861-6", 12.0m, "mg/dL", Anchor.AddDays(-2))
            .Build();

        using var doc = await PostOkAsync(request);

        var card = Hooks.CardOf(doc, "hypercalcemia");
        Assert.Equal("warning", card.GetProperty("indicator").GetString());
        Assert.Contains("uncorrected", card.GetProperty("summary").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Uncorrected", card.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mscc_NeurologicalRedFlag_IsCriticalWithStatWholeSpineMri()
    {
        var request = new RequestBuilder()
            .WithCondition(Snomed, "254837009", "Malignant neoplasm of breast")
            .WithCondition(Snomed, "713514005", "Muscle weakness of limb")
            .WithCondition(Snomed, "161891005", "Backache")
            .Build();

        using var doc = await PostOkAsync(request);

        Assert.Equal([("spinal-cord-compression", "critical")], Hooks.TopicsOf(doc));
        var card = Hooks.CardOf(doc, "spinal-cord-compression");
        Assert.Contains("24 h", card.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("713514005", card.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var mri = card.GetProperty("suggestions").EnumerateArray()
            .Select(s => s.GetProperty("actions")[0].GetProperty("resource").Deserialize<ServiceRequest>(Fhir)!)
            .Single(sr => sr.Code!.Coding.Any(c => c.System == "http://loinc.org" && c.Code == "30854-4"));
        Assert.Equal(RequestPriority.Stat, mri.Priority);
        Assert.Equal(RequestStatus.Draft, mri.Status);
        Assert.Contains(card.GetProperty("links").EnumerateArray(), l => l.GetProperty("url").GetString()!.Contains("ng234", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mscc_SpinalPainOnly_IsWarningWithUrgentMri()
    {
        var request = new RequestBuilder()
            .WithCondition(Snomed, "399068003", "Malignant tumor of prostate")
            .WithCondition(Snomed, "267981009", "Thoracic spine pain")
            .Build();

        using var doc = await PostOkAsync(request);

        Assert.Equal([("spinal-cord-compression", "warning")], Hooks.TopicsOf(doc));
        var card = Hooks.CardOf(doc, "spinal-cord-compression");
        var sr = card.GetProperty("suggestions")[0].GetProperty("actions")[0].GetProperty("resource").Deserialize<ServiceRequest>(Fhir)!;
        Assert.Equal(RequestPriority.Urgent, sr.Priority);
        Assert.Contains("1 week", card.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PathologicalFracture_Recent_IsWarningWithOrthopaedicReferral()
    {
        var request = new RequestBuilder()
            .WithCondition(Snomed, "93849006", "Primary malignant neoplasm of kidney")
            .WithCondition("http://hl7.org/fhir/sid/icd-10-cm", "M84.551A", "Pathological fracture in neoplastic disease, right femur", recorded: Anchor.AddDays(-20))
            .Build();

        using var doc = await PostOkAsync(request);

        var card = Hooks.CardOf(doc, "pathological-fracture");
        Assert.Equal("warning", card.GetProperty("indicator").GetString());
        Assert.Contains("M84.551A", card.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(card.GetProperty("suggestions").EnumerateArray(),
            s => s.GetProperty("actions")[0].GetProperty("resource").Deserialize<ServiceRequest>(Fhir)!.Code!.Coding.Any(c => c.Code == "308481009"));
    }

    [Fact]
    public async Task SuspectedBoneMets_BonePain_IsWarningWithAtMostOneImagingChoice()
    {
        var request = new RequestBuilder()
            .WithCondition(Snomed, "254837009", "Malignant neoplasm of breast")
            .WithCondition(Snomed, "12584003", "Bone pain")
            .Build();

        using var doc = await PostOkAsync(request);

        var card = Hooks.CardOf(doc, "suspected-bone-metastasis");
        Assert.Equal("warning", card.GetProperty("indicator").GetString());
        Assert.Equal("at-most-one", card.GetProperty("selectionBehavior").GetString());
        var codes = card.GetProperty("suggestions").EnumerateArray()
            .SelectMany(s => s.GetProperty("actions")[0].GetProperty("resource").Deserialize<ServiceRequest>(Fhir)!.Code!.Coding)
            .Select(c => c.Code).ToList();
        Assert.Contains("39818-0", codes);
        Assert.Contains("12584003", card.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detail_UntrustedEhrDisplay_IsEscaped()
    {
        const string Hostile = "<script>alert(1)</script> **bold** [click](javascript:alert(1)) <img src=x onerror=alert(1)>";
        var request = new RequestBuilder()
            .WithCondition(Snomed, "254837009", Hostile)
            .WithCondition(Snomed, "12584003", "Bone pain\n\n# Heading")
            .Build();

        using var doc = await PostOkAsync(request);

        var detail = Hooks.CardOf(doc, "suspected-bone-metastasis").GetProperty("detail").GetString()!;
        Assert.DoesNotContain("<script", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", detail, StringComparison.Ordinal);
        Assert.True(!detail.Contains("[click](", StringComparison.Ordinal), detail);
        Assert.Contains("\\[click\\](javascript", detail, StringComparison.Ordinal); // brackets escaped: no link
        Assert.DoesNotContain("\n# Heading", detail, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoRiskFactors_IsExactlyEmptyCards()
    {
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, new RequestBuilder().WithCondition(Snomed, "161891005", "Backache").Build());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"cards\":[]}", await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonDocument> PostOkAsync(System.Text.Json.Nodes.JsonObject request)
    {
        using var client = factory.CreateClient();
        using var response = await Hooks.PostAsync(client, request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await Hooks.ReadJsonAsync(response);
        ResponseAssertions.AssertValidCdsResponse(doc.RootElement, "p1");
        return doc;
    }
}
