using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace BoneMets.Cds.Api.Tests.Samples;

/// <summary>
/// Turns a sample patient <c>Bundle</c> (type collection) into the <c>patient-view</c> CDS Hooks request an EHR would
/// send with every prefetch key of <c>cds-services/bone-metastasis-patient-view.json</c> satisfied.
/// </summary>
/// <remarks>
/// Each search key is a <c>searchset</c> Bundle (<c>total</c>, entries with <c>fullUrl</c> and <c>search.mode = match</c>;
/// an empty result has <c>total: 0</c> and no <c>entry</c>). Filters follow the templates: labs = Observations with
/// category laboratory (the template's LOINC code filter is deliberately not applied, so samples can show that locally
/// coded results are ignored by the service), symptoms = category survey or exam, imaging = DiagnosticReports,
/// orders = ServiceRequests. Entries keep the order of the patient file. Output is 2-space indented JSON with
/// <c>\n</c> line ends and a trailing newline, so it is byte-stable.
/// </remarks>
public static class SampleRequestBuilder
{
    public const string Hook = "patient-view";

    public const string UserId = "Practitioner/sample-clinician";

    private const string ObservationCategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";

    private const string FallbackBase = "http://example.org/fhir/";

    private static readonly JsonSerializerOptions FhirOptions =
        new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private static readonly JsonSerializerOptions OutputOptions = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Parses FHIR JSON with the Firely SDK (throws on structural or primitive-format errors).</summary>
    public static Bundle ParseBundle(string json) =>
        JsonSerializer.Deserialize<Bundle>(json, FhirOptions)
        ?? throw new InvalidOperationException("The JSON is null, not a Bundle.");

    /// <summary>A UUID derived from the sample name (RFC 9562 version 8 over SHA-256), stable across runs.</summary>
    public static string HookInstance(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("BoneMets.Cds sample request: " + name));
        var bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    /// <summary>Builds the request JSON text for the sample <paramref name="name"/> from its patient Bundle.</summary>
    public static string Build(string name, Bundle patientBundle)
    {
        ArgumentNullException.ThrowIfNull(patientBundle);
        var entries = patientBundle.Entry.Where(e => e.Resource is not null).ToList();
        var patient = entries.Select(e => e.Resource).OfType<Patient>().Single();
        var observations = Of<Observation>(entries);

        var request = new JsonObject
        {
            ["hookInstance"] = HookInstance(name),
            ["hook"] = Hook,
            ["context"] = new JsonObject
            {
                ["userId"] = UserId,
                ["patientId"] = patient.Id,
            },
            ["prefetch"] = new JsonObject
            {
                ["patient"] = ToNode(patient),
                ["conditions"] = ToNode(Searchset(Of<Condition>(entries))),
                ["labs"] = ToNode(Searchset(observations.Where(e => HasCategory(e, "laboratory")))),
                ["symptoms"] = ToNode(Searchset(observations.Where(e => HasCategory(e, "survey") || HasCategory(e, "exam")))),
                ["imaging"] = ToNode(Searchset(Of<DiagnosticReport>(entries))),
                ["orders"] = ToNode(Searchset(Of<ServiceRequest>(entries))),
            },
        };

        return request.ToJsonString(OutputOptions) + "\n";
    }

    private static List<Bundle.EntryComponent> Of<T>(IEnumerable<Bundle.EntryComponent> entries)
        where T : Resource =>
        entries.Where(e => e.Resource is T).ToList();

    private static bool HasCategory(Bundle.EntryComponent entry, string code) =>
        entry.Resource is Observation observation
        && observation.Category.Any(c => c.Coding.Any(x => x.System == ObservationCategorySystem && x.Code == code));

    private static Bundle Searchset(IEnumerable<Bundle.EntryComponent> matches)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset };
        foreach (var match in matches)
        {
            var resource = match.Resource ?? throw new InvalidOperationException("A Bundle entry has no resource.");
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = match.FullUrl ?? $"{FallbackBase}{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        bundle.Total = bundle.Entry.Count;
        return bundle;
    }

    private static JsonNode ToNode(Resource resource) =>
        JsonNode.Parse(JsonSerializer.Serialize(resource, resource.GetType(), FhirOptions))
        ?? throw new InvalidOperationException("Firely serialised a resource to JSON null.");
}
