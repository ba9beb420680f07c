using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Scenarios;

/// <summary>
/// A richer request builder for the clinical scenarios (QA-owned): every field the spec reads can be set or left out,
/// including symptom Observations, DiagnosticReports and ServiceRequests. All FHIR is built with Firely POCOs.
/// Times are relative to <see cref="CdsApiFactory.Anchor"/>.
/// </summary>
public sealed class PatientRecord
{
    public const string Sct = "http://snomed.info/sct";
    public const string Loinc = "http://loinc.org";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string SctOid = "urn:oid:2.16.840.1.113883.6.96";
    public const string LoincOid = "urn:oid:2.16.840.1.113883.6.1";
    public const string Icd10CmOid = "urn:oid:2.16.840.1.113883.6.90";
    public const string Icd10Oid = "urn:oid:2.16.840.1.113883.6.3";

    private static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private readonly List<Resource> _conditions = [];
    private readonly List<Resource> _labs = [];
    private readonly List<Resource> _symptoms = [];
    private readonly List<Resource> _reports = [];
    private readonly List<Resource> _orders = [];
    private string? _birthDate = "1960-05-01";
    private DataType? _deceased;

    public PatientRecord(string patientId = "qa1") => PatientId = patientId;

    public string PatientId { get; }

    public static DateTimeOffset Anchor => CdsApiFactory.Anchor;

    public static DateTimeOffset DaysAgo(double days) => Anchor.AddDays(-days);

    public static DateTimeOffset YearsAgo(int years) => Anchor.AddYears(-years);

    public static string Day(DateTimeOffset when) => when.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public PatientRecord Born(string? birthDate)
    {
        _birthDate = birthDate;
        return this;
    }

    public PatientRecord Deceased(DataType value)
    {
        _deceased = value;
        return this;
    }

    /// <summary>A Condition. <paramref name="recorded"/> defaults to 3 days ago; pass <c>NoDate</c> to omit it.</summary>
    public PatientRecord Condition(
        string system,
        string code,
        string display = "",
        string? clinical = "active",
        string? verification = "confirmed",
        DateTimeOffset? recorded = null,
        DateTimeOffset? onset = null,
        DateTimeOffset? abatement = null,
        bool noRecorded = false,
        Action<Condition>? tweak = null)
    {
        var c = new Condition
        {
            Id = "c" + (_conditions.Count + 1),
            Subject = Subject,
            Code = new CodeableConcept { Coding = [new Coding(system, code, string.IsNullOrEmpty(display) ? null : display)] },
        };
        if (clinical is not null)
        {
            c.ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", clinical);
        }

        if (verification is not null)
        {
            c.VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", verification);
        }

        if (!noRecorded)
        {
            c.RecordedDate = Stamp(recorded ?? DaysAgo(3));
        }

        if (onset is { } o)
        {
            c.Onset = new FhirDateTime(o);
        }

        if (abatement is { } a)
        {
            c.Abatement = new FhirDateTime(a);
        }

        tweak?.Invoke(c);
        _conditions.Add(c);
        return this;
    }

    /// <summary>A laboratory Observation. <paramref name="ucum"/> null means no unit at all.</summary>
    public PatientRecord Lab(
        string loinc,
        decimal value,
        string? ucum,
        DateTimeOffset when,
        string status = "final",
        decimal? refHigh = null,
        string? refUnit = null,
        string codeSystem = Loinc,
        Action<Observation>? tweak = null)
    {
        var o = new Observation
        {
            Id = "lab" + (_labs.Count + 1),
            Status = Enum.Parse<ObservationStatus>(status.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true),
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")],
            Code = new CodeableConcept(codeSystem, loinc),
            Subject = Subject,
            Effective = new FhirDateTime(when),
            Value = ucum is null ? new Quantity { Value = value } : new Quantity { Value = value, System = Ucum, Code = ucum, Unit = ucum },
        };
        if (refHigh is { } high)
        {
            var u = refUnit ?? ucum;
            o.ReferenceRange.Add(new Observation.ReferenceRangeComponent
            {
                High = new Quantity { Value = high, System = Ucum, Code = u, Unit = u },
            });
        }

        tweak?.Invoke(o);
        _labs.Add(o);
        return this;
    }

    /// <summary>A symptom Observation (category survey or exam). <paramref name="value"/> null means no value.</summary>
    public PatientRecord SymptomObservation(
        string code,
        DataType? value,
        DateTimeOffset when,
        string category = "survey",
        string status = "final",
        string system = Sct)
    {
        _symptoms.Add(new Observation
        {
            Id = "sym" + (_symptoms.Count + 1),
            Status = Enum.Parse<ObservationStatus>(status.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true),
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", category)],
            Code = new CodeableConcept(system, code),
            Subject = Subject,
            Effective = new FhirDateTime(when),
            Value = value,
        });
        return this;
    }

    public PatientRecord ImagingReport(string loinc, string status, DateTimeOffset when)
    {
        _reports.Add(new DiagnosticReport
        {
            Id = "dr" + (_reports.Count + 1),
            Status = Enum.Parse<DiagnosticReport.DiagnosticReportStatus>(status, ignoreCase: true),
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0074", "RAD")],
            Code = new CodeableConcept(Loinc, loinc),
            Subject = Subject,
            Effective = new FhirDateTime(when),
            Issued = when.AddHours(2),
        });
        return this;
    }

    public PatientRecord ImagingOrder(string loinc, string status, DateTimeOffset authored, string system = Loinc)
    {
        _orders.Add(new ServiceRequest
        {
            Id = "sr" + (_orders.Count + 1),
            Status = Enum.Parse<RequestStatus>(status.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true),
            Intent = RequestIntent.Order,
            Code = new CodeableConcept(system, loinc),
            Subject = Subject,
            AuthoredOn = Stamp(authored),
        });
        return this;
    }

    public JsonObject Build()
    {
        var patient = new Patient { Id = PatientId, Gender = AdministrativeGender.Female, BirthDate = _birthDate, Deceased = _deceased };
        return new JsonObject
        {
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["hook"] = "patient-view",
            ["context"] = new JsonObject { ["userId"] = "Practitioner/example", ["patientId"] = PatientId },
            ["prefetch"] = new JsonObject
            {
                ["patient"] = ToNode(patient),
                ["conditions"] = ToNode(RequestBuilder.Searchset(_conditions)),
                ["labs"] = ToNode(RequestBuilder.Searchset(_labs)),
                ["symptoms"] = ToNode(RequestBuilder.Searchset(_symptoms)),
                ["imaging"] = ToNode(RequestBuilder.Searchset(_reports)),
                ["orders"] = ToNode(RequestBuilder.Searchset(_orders)),
            },
        };
    }

    public static string Stamp(DateTimeOffset when) => when.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);

    private static JsonNode ToNode(Resource r) => JsonNode.Parse(JsonSerializer.Serialize(r, r.GetType(), Fhir))!;

    private ResourceReference Subject => new("Patient/" + PatientId);
}
