using System.Text.Json;
using Hl7.Fhir.Model;

namespace BoneMets.Cds.Fhir;

/// <summary>
/// Pays the one-off costs at start-up instead of on the first hook call: the Firely model inspector and deserializer
/// (~0.1–0.4 s, stack.md §2.1).
/// </summary>
public static class FhirWarmUp
{
    /// <summary>Parses a tiny Observation. Idempotent and thread-safe.</summary>
    public static void Run()
    {
        using var document = JsonDocument.Parse(
            """{"resourceType":"Observation","id":"warm-up","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"17861-6"}]},"valueQuantity":{"value":9.5,"system":"http://unitsofmeasure.org","code":"mg/dL"}}""");
        _ = document.RootElement.Deserialize<Resource>(FhirJson.Lenient);
    }
}
