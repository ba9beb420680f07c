using System.Text.Json;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Fhir.Prefetch;
using Hl7.Fhir.Model;

namespace BoneMets.Cds.Fhir.Tests.Support;

/// <summary>A small concept catalog, the service's six templates, and JSON helpers.</summary>
internal static class Fixtures
{
    public const string PatientId = "p1";
    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Ucum = "http://unitsofmeasure.org";

    public static readonly CodeCatalog Catalog = new(
    [
        Set(Concepts.CancerBreast, codes: [(Snomed, "254837009")], prefixes: [(Icd10Cm, "C50"), (CodeSystems.Icd10, "C50")]),
        Set(Concepts.BoneMetastasis, codes: [(Snomed, "94222008")], prefixes: [(Icd10Cm, "C79.5")]),
        Set(Concepts.SymptomSpinalPain, codes: [(Snomed, "161891005")]),
        Set(Concepts.SymptomNeuroRedFlag, codes: [(Snomed, "26544005")]),
        Set(Concepts.LabCalciumTotal, codes: [(Loinc, "17861-6"), (Loinc, "2000-8"), (Loinc, "49765-1")]),
        Set(Concepts.LabCalciumIonized, codes: [(Loinc, "1995-0")]),
        Set(Concepts.LabAlbumin, codes: [(Loinc, "1751-7")]),
        Set(Concepts.LabAlp, codes: [(Loinc, "6768-6")]),
        Set(Concepts.LabAlpBone, codes: [(Loinc, "1777-2")]),
        Set(Concepts.LabGgt, codes: [(Loinc, "2324-2")]),
        Set(Concepts.LabPsa, codes: [(Loinc, "2857-1")]),
        Set(Concepts.LabNtx, codes: [(Loinc, "14115-0")]),
        Set(Concepts.ImagingBone, codes: [(Loinc, "39818-0"), (Loinc, "30854-4")]),
    ]);

    public static readonly IReadOnlyDictionary<string, string> TemplateTexts = new Dictionary<string, string>
    {
        ["patient"] = "Patient/{{context.patientId}}",
        ["conditions"] = "Condition?patient={{context.patientId}}",
        ["labs"] = "Observation?patient={{context.patientId}}&category=laboratory&code=http://loinc.org|17861-6",
        ["symptoms"] = "Observation?patient={{context.patientId}}&category=survey,exam",
        ["imaging"] = "DiagnosticReport?patient={{context.patientId}}&category=http://terminology.hl7.org/CodeSystem/v2-0074|RAD",
        ["orders"] = "ServiceRequest?patient={{context.patientId}}&status=active,completed",
    };

    public static readonly PatientDataTemplates Templates = PatientDataTemplates.Create(TemplateTexts, "service.json");

    public static ConceptSet Set(
        string id,
        (string System, string Code)[]? codes = null,
        (string System, string Code)[]? prefixes = null) =>
        new(
            id,
            "test-1",
            (codes ?? []).Select(c => new SystemCode(c.System, c.Code)).ToArray(),
            (prefixes ?? []).Select(p => new SystemCode(p.System, p.Code)).ToArray());

    /// <summary>A standalone JsonElement (cloned, so the document can go).</summary>
    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A searchset Bundle holding the given resources as match entries.</summary>
    public static string Bundle(params string[] resources) =>
        $$"""{"resourceType":"Bundle","type":"searchset","entry":[{{string.Join(",", resources.Select(r => $$"""{"resource":{{r}}}"""))}}]}""";

    /// <summary>Parses a resource the way prefetch does (lenient, no validator).</summary>
    public static T Parse<T>(string json)
        where T : Resource =>
        (T)Json(json).Deserialize<Resource>(FhirJson.Lenient)!;

    public static string Patient(string id = PatientId, string extra = "") =>
        $$"""{"resourceType":"Patient","id":"{{id}}"{{extra}}}""";

    public static string Coding(string system, string code, string? display = null) =>
        display is null
            ? $$"""{"system":"{{system}}","code":"{{code}}"}"""
            : $$"""{"system":"{{system}}","code":"{{code}}","display":"{{display}}"}""";

    public static string Condition(string id, string codings, string extra = "", string subject = "Patient/" + PatientId) =>
        $$"""{"resourceType":"Condition","id":"{{id}}","subject":{"reference":"{{subject}}"},"code":{"coding":[{{codings}}]}{{extra}}}""";

    public static string Observation(string id, string codings, string extra = "", string status = "final", string subject = "Patient/" + PatientId) =>
        $$"""{"resourceType":"Observation","id":"{{id}}","status":"{{status}}","subject":{"reference":"{{subject}}"},"code":{"coding":[{{codings}}]}{{extra}}}""";

    public static string Quantity(string value, string? code, string? unit = null, string? system = Ucum)
    {
        var parts = new List<string> { $"\"value\":{value}" };
        if (unit is not null)
        {
            parts.Add($"\"unit\":\"{unit}\"");
        }

        if (system is not null)
        {
            parts.Add($"\"system\":\"{system}\"");
        }

        if (code is not null)
        {
            parts.Add($"\"code\":\"{code}\"");
        }

        return "{" + string.Join(",", parts) + "}";
    }

    /// <summary>A calcium (17861-6) Observation with the given value quantity JSON.</summary>
    public static string Calcium(string id, string quantity, string extra = "") =>
        Observation(id, Coding(Loinc, "17861-6"), $",\"effectiveDateTime\":\"2025-03-01T08:00:00Z\",\"valueQuantity\":{quantity}{extra}");
}
