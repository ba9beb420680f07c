using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;

namespace BoneMets.Cds.Api.Tests.Infrastructure;

/// <summary>
/// Builds hook requests from Firely POCOs (FHIR JSON is never hand-written). Default: an adult patient "p1" with no
/// conditions and empty searchsets for every optional key.
/// </summary>
public sealed class RequestBuilder
{
    private static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private readonly string _patientId;
    private readonly List<Resource> _conditions = [];
    private readonly List<Resource> _labs = [];

    public RequestBuilder(string patientId = "p1") => _patientId = patientId;

    public RequestBuilder WithCondition(string system, string code, string display, string clinical = "active", string verification = "confirmed", DateTimeOffset? recorded = null)
    {
        _conditions.Add(new Condition
        {
            Id = "c" + (_conditions.Count + 1),
            Subject = new ResourceReference("Patient/" + _patientId),
            Code = new CodeableConcept { Coding = [new Coding(system, code, display)] },
            ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", clinical),
            VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", verification),
            RecordedDate = (recorded ?? CdsApiFactory.Anchor.AddDays(-3)).ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture),
        });
        return this;
    }

    public RequestBuilder WithLab(string loinc, decimal value, string ucum, DateTimeOffset when, string status = "final")
    {
        _labs.Add(new Observation
        {
            Id = "o" + (_labs.Count + 1),
            Status = Enum.Parse<ObservationStatus>(status, ignoreCase: true),
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")],
            Code = new CodeableConcept("http://loinc.org", loinc),
            Subject = new ResourceReference("Patient/" + _patientId),
            Effective = new FhirDateTime(when),
            Value = new Quantity(value, ucum) { Unit = ucum },
        });
        return this;
    }

    public JsonObject Build()
    {
        var patient = new Patient
        {
            Id = _patientId,
            BirthDate = "1960-05-01",
            Gender = AdministrativeGender.Female,
        };
        return new JsonObject
        {
            ["hookInstance"] = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            ["hook"] = "patient-view",
            ["context"] = new JsonObject { ["userId"] = "Practitioner/example", ["patientId"] = _patientId },
            ["prefetch"] = new JsonObject
            {
                ["patient"] = ToNode(patient),
                ["conditions"] = ToNode(Searchset(_conditions)),
                ["labs"] = ToNode(Searchset(_labs)),
                ["symptoms"] = ToNode(Searchset([])),
                ["imaging"] = ToNode(Searchset([])),
                ["orders"] = ToNode(Searchset([])),
            },
        };
    }

    public static JsonNode ToNode(Resource r) => JsonNode.Parse(JsonSerializer.Serialize(r, r.GetType(), Fhir))!;

    public static Bundle Searchset(IEnumerable<Resource> resources)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset };
        foreach (var r in resources)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = r,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        bundle.Total = bundle.Entry.Count;
        return bundle;
    }
}
