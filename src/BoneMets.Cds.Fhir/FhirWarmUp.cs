using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;

namespace BoneMets.Cds.Fhir;

/// <summary>
/// Pays the one-off costs at start-up instead of on the first hook call: the Firely model inspector and deserializer
/// (~0.1–0.4 s, stack.md §2.1), and — through <see cref="SyntheticPrefetch"/> — the whole request path.
/// </summary>
public static class FhirWarmUp
{
    /// <summary>The patient id used by <see cref="SyntheticPrefetch"/>.</summary>
    public const string PatientId = "warm-up";

    /// <summary>Parses a tiny Observation. Idempotent and thread-safe.</summary>
    public static void Run()
    {
        using var document = JsonDocument.Parse(
            """{"resourceType":"Observation","id":"warm-up","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"17861-6"}]},"valueQuantity":{"value":9.5,"system":"http://unitsofmeasure.org","code":"mg/dL"}}""");
        _ = document.RootElement.Deserialize<Resource>(FhirJson.Lenient);
    }

    /// <summary>
    /// A synthetic prefetch (UTF-8 JSON of the prefetch object) that exercises every mapper and most rules: an adult with
    /// breast cancer, limb weakness, a raised calcium with albumin and a raised ALP, dated relative to <paramref name="now"/>.
    /// No real patient data.
    /// </summary>
    public static byte[] SyntheticPrefetch(DateTimeOffset now)
    {
        var when = new FhirDateTime(now.AddDays(-1));
        var subject = new ResourceReference("Patient/" + PatientId);
        var clinical = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active");
        var lab = new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory");
        Condition Condition(string id, string code) => new()
        {
            Id = id,
            Subject = subject,
            ClinicalStatus = clinical,
            Code = new CodeableConcept("http://snomed.info/sct", code),
            RecordedDate = now.AddDays(-2).ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture),
        };
        Observation Lab(string id, string loinc, decimal value, string unit) => new()
        {
            Id = id,
            Status = ObservationStatus.Final,
            Category = [lab],
            Code = new CodeableConcept("http://loinc.org", loinc),
            Subject = subject,
            Effective = when,
            Value = new Quantity(value, unit),
        };

        var prefetch = new Dictionary<string, Resource>
        {
            ["patient"] = new Patient { Id = PatientId, BirthDate = "1960-01-01" },
            ["conditions"] = Searchset(Condition("c1", "254837009"), Condition("c2", "713514005")),
            ["labs"] = Searchset(Lab("o1", "17861-6", 12.4m, "mg/dL"), Lab("o2", "1751-7", 2.8m, "g/dL"), Lab("o3", "6768-6", 300m, "U/L")),
            ["symptoms"] = Searchset(),
            ["imaging"] = Searchset(),
            ["orders"] = Searchset(),
        };
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, resource) in prefetch)
            {
                writer.WritePropertyName(key);
                JsonSerializer.Serialize(writer, resource, resource.GetType(), FhirJson.Strict);
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static Bundle Searchset(params Resource[] resources)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = resources.Length };
        foreach (var r in resources)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{r.TypeName}-{r.Id}",
                Resource = r,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        return bundle;
    }
}
