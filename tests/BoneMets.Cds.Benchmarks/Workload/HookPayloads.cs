using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace BoneMets.Cds.Benchmarks.Workload;

/// <summary>The three benchmark request sizes.</summary>
public enum PayloadSize
{
    /// <summary>~20 resources: the sample patient, its problem list and its last two months of results.</summary>
    Small,

    /// <summary>~150 resources: small plus five years of calcium/albumin (monthly) and ALP (quarterly) results.</summary>
    Typical,

    /// <summary>~2,000 resources, ~2 MB: typical plus ~1,850 laboratory Observations no value set knows.</summary>
    Large,
}

/// <summary>A built <c>patient-view</c> request body.</summary>
/// <param name="Size">Which payload.</param>
/// <param name="Json">The UTF-8 request body (compact JSON, as an EHR sends it).</param>
/// <param name="ResourceCount">FHIR resources in the prefetch: the Patient plus every searchset entry.</param>
public sealed record HookPayload(PayloadSize Size, byte[] Json, int ResourceCount)
{
    /// <summary><c>small</c>, <c>typical</c> or <c>large</c>: the file name stem used by <c>--write-payloads</c>.</summary>
    public string Name => Size.ToString().ToLowerInvariant();
}

/// <summary>
/// Builds the benchmark and load-test request bodies deterministically (no network, no clock, no randomness) from the
/// sample patient <see cref="BaseSample"/> in <c>samples/patients/</c>. Every resource is a Firely POCO serialised with
/// the Firely System.Text.Json converters; nothing here is hand-written FHIR JSON.
/// </summary>
/// <remarks>
/// <para>The base sample (small cell lung cancer; urinary retention; low back pain; pathological T11 fracture; Ca 12.0
/// mg/dL with albumin 3.6 g/dL the day before the anchor) fires three cards: spinal-cord-compression critical,
/// hypercalcemia warning, pathological-fracture warning. Every added resource keeps those cards: the added problems
/// are in no value set, every added calcium/albumin/ALP result is normal and older than the sample's own results
/// (latest wins), and the large payload's filler labs carry LOINC codes no value set holds.</para>
/// <para>Search keys are split like <c>samples/requests/</c> (labs = category laboratory, symptoms = survey/exam);
/// laboratory entries are ordered newest first, as the template's <c>_sort=-date</c> asks.</para>
/// <para>This file is compiled into the benchmark project and linked into BoneMets.Cds.Api.Tests (the equivalence
/// test), so it only uses the BCL and the Firely SDK.</para>
/// </remarks>
public static class HookPayloads
{
    /// <summary>The sample patient every payload is built on.</summary>
    public const string BaseSample = "mscc-multi-card";

    /// <summary>The instant the samples (and these payloads) are anchored to; evaluate at this time.</summary>
    public static readonly DateTimeOffset EvaluationTime = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Filler laboratory Observations added to the large payload.</summary>
    public const int LargeFillerCount = 1_850;

    /// <summary>Months of calcium/albumin history: 2 in the small payload, 60 (five years) in the others.</summary>
    public const int SmallHistoryMonths = 2;

    /// <inheritdoc cref="SmallHistoryMonths"/>
    public const int TypicalHistoryMonths = 60;

    private const string Loinc = "http://loinc.org";
    private const string Snomed = "http://snomed.info/sct";
    private const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    private const string Ucum = "http://unitsofmeasure.org";
    private const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    private const string Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    private const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private const string ConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";
    private const string FhirBase = "http://example.org/fhir/";

    private static readonly JsonSerializerOptions FhirOptions = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A realistic problem list: common comorbidities, none in any of the service's value sets.</summary>
    private static readonly ProblemSpec[] ProblemList =
    [
        new("hypertension", "59621000", "Essential hypertension", "I10", "Essential (primary) hypertension", "2012-05-14", null),
        new("type-2-diabetes", "44054006", "Diabetes mellitus type 2", "E11.9", "Type 2 diabetes mellitus without complications", "2015-09-02", null),
        new("hyperlipidaemia", "55822004", "Hyperlipidemia", "E78.5", "Hyperlipidemia, unspecified", "2014-03-20", null),
        new("copd", "13645005", "Chronic obstructive lung disease", "J44.9", "Chronic obstructive pulmonary disease, unspecified", "2019-01-11", null),
        new("gord", "235595009", "Gastroesophageal reflux disease", "K21.9", "Gastro-esophageal reflux disease without esophagitis", "2017-06-30", null),
        new("atrial-fibrillation", "49436004", "Atrial fibrillation", "I48.91", "Unspecified atrial fibrillation", "2021-10-05", null),
        new("ex-smoker", "8517006", "Ex-smoker", "Z87.891", "Personal history of nicotine dependence", "2016-02-01", null),
        new("depression", "35489007", "Depressive disorder", "F32.A", "Depression, unspecified", "2020-04-17", "2022-08-09"),
    ];

    /// <summary>The calcium, albumin and ALP of the history (the codes the rules use), with normal values only.</summary>
    private static readonly LabSpec Calcium = new("17861-6", "Calcium [Mass/volume] in Serum or Plasma", "Calcium", "mg/dL", 9.0m, 9.9m, 1, 8.6m, 10.3m);
    private static readonly LabSpec Albumin = new("1751-7", "Albumin [Mass/volume] in Serum or Plasma", "Albumin", "g/dL", 3.7m, 4.3m, 1, 3.5m, 5.0m);
    private static readonly LabSpec Alp = new("6768-6", "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma", "Alkaline phosphatase", "U/L", 70m, 115m, 0, 40m, 129m);

    /// <summary>Routine chemistry and haematology no rule uses (the large payload's filler).</summary>
    private static readonly LabSpec[] Filler =
    [
        new("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "Glucose", "mg/dL", 85m, 160m, 0, 70m, 99m),
        new("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "Sodium", "mmol/L", 135m, 144m, 0, 136m, 145m),
        new("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "Potassium", "mmol/L", 3.6m, 5.0m, 1, 3.5m, 5.1m),
        new("2075-0", "Chloride [Moles/volume] in Serum or Plasma", "Chloride", "mmol/L", 98m, 106m, 0, 98m, 107m),
        new("2028-9", "Carbon dioxide, total [Moles/volume] in Serum or Plasma", "Bicarbonate", "mmol/L", 22m, 29m, 0, 22m, 29m),
        new("3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma", "Urea nitrogen", "mg/dL", 9m, 24m, 0, 7m, 20m),
        new("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "Creatinine", "mg/dL", 0.8m, 1.4m, 2, 0.7m, 1.3m),
        new("718-7", "Hemoglobin [Mass/volume] in Blood", "Hemoglobin", "g/dL", 11.8m, 14.9m, 1, 13.5m, 17.5m),
        new("4544-3", "Hematocrit [Volume Fraction] of Blood by Automated count", "Hematocrit", "%", 36m, 45m, 1, 41m, 53m),
        new("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "White blood cells", "10*3/uL", 4.6m, 10.8m, 1, 4.5m, 11.0m),
        new("777-3", "Platelets [#/volume] in Blood by Automated count", "Platelets", "10*3/uL", 160m, 390m, 0, 150m, 400m),
        new("787-2", "MCV [Entitic volume] by Automated count", "MCV", "fL", 84m, 98m, 0, 80m, 100m),
        new("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "HbA1c", "%", 6.1m, 7.6m, 1, 4.0m, 5.6m),
        new("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "Cholesterol", "mg/dL", 150m, 215m, 0, 0m, 200m),
        new("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma", "TSH", "m[IU]/L", 0.8m, 3.6m, 2, 0.4m, 4.0m),
    ];

    /// <summary>The LOINC codes of the large payload's filler labs (a test checks no value set holds them).</summary>
    public static IReadOnlyList<string> FillerLoincCodes { get; } = Filler.Select(f => f.Code).ToArray();

    /// <summary>The SNOMED CT and ICD-10-CM codes of the added problem list (a test checks no value set holds them).</summary>
    public static IReadOnlyList<(string System, string Code)> ProblemListCodes { get; } =
        ProblemList.SelectMany(p => new[] { (Snomed, p.Snomed), (Icd10Cm, p.Icd) }).ToArray();

    /// <summary>The three payloads, small to large.</summary>
    public static IReadOnlyList<HookPayload> BuildAll(string repositoryRoot) =>
        [Build(PayloadSize.Small, repositoryRoot), Build(PayloadSize.Typical, repositoryRoot), Build(PayloadSize.Large, repositoryRoot)];

    /// <summary>Builds one payload from <c>samples/patients/<see cref="BaseSample"/>.json</c> under
    /// <paramref name="repositoryRoot"/>.</summary>
    public static HookPayload Build(PayloadSize size, string repositoryRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repositoryRoot);
        var samplePath = Path.Combine(repositoryRoot, "samples", "patients", BaseSample + ".json");
        var sample = JsonSerializer.Deserialize<Bundle>(File.ReadAllText(samplePath), FhirOptions)
            ?? throw new InvalidOperationException(samplePath + " is not a Bundle.");

        var resources = sample.Entry.Select(e => e.Resource).OfType<Resource>().ToList();
        var patient = resources.OfType<Patient>().Single();
        var patientId = patient.Id ?? throw new InvalidOperationException(samplePath + ": the Patient has no id.");
        var subject = "Patient/" + patientId;

        var conditions = resources.OfType<Condition>().ToList();
        conditions.AddRange(ProblemList.Select(p => ProblemCondition(patientId, subject, p)));

        var observations = resources.OfType<Observation>().ToList();
        var labs = observations.Where(o => HasCategory(o, "laboratory")).ToList();
        var symptoms = observations.Where(o => HasCategory(o, "survey") || HasCategory(o, "exam")).ToList();

        var months = size == PayloadSize.Small ? SmallHistoryMonths : TypicalHistoryMonths;
        labs.AddRange(History(patientId, subject, months));
        if (size == PayloadSize.Large)
        {
            labs.AddRange(FillerLabs(patientId, subject, LargeFillerCount));
        }

        // Newest first, as `_sort=-date` asks; ties keep their order (OrderByDescending is stable).
        labs = labs.OrderByDescending(EffectiveOf).ToList();

        var imaging = resources.OfType<DiagnosticReport>().ToList();
        var orders = resources.OfType<ServiceRequest>().ToList();

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("hookInstance", HookInstance(size));
            writer.WriteString("hook", "patient-view");
            writer.WriteStartObject("context");
            writer.WriteString("userId", "Practitioner/sample-clinician");
            writer.WriteString("patientId", patientId);
            writer.WriteEndObject();
            writer.WriteStartObject("prefetch");
            WriteResource(writer, "patient", patient);
            WriteResource(writer, "conditions", Searchset(conditions));
            WriteResource(writer, "labs", Searchset(labs));
            WriteResource(writer, "symptoms", Searchset(symptoms));
            WriteResource(writer, "imaging", Searchset(imaging));
            WriteResource(writer, "orders", Searchset(orders));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var count = 1 + conditions.Count + labs.Count + symptoms.Count + imaging.Count + orders.Count;
        return new HookPayload(size, stream.ToArray(), count);
    }

    /// <summary>The repository root: the nearest folder holding <c>BoneMets.Cds.sln</c> above the binary or the
    /// working directory (BenchmarkDotNet runs its generated child projects from under this project's <c>bin/</c>).</summary>
    public static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "BoneMets.Cds.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("BoneMets.Cds.sln not found above " + AppContext.BaseDirectory);
    }

    private static string HookInstance(PayloadSize size) => size switch
    {
        PayloadSize.Small => "7b1f3c52-0e4d-4b8a-9c41-5d2a6f0e1a01",
        PayloadSize.Typical => "7b1f3c52-0e4d-4b8a-9c41-5d2a6f0e1a02",
        _ => "7b1f3c52-0e4d-4b8a-9c41-5d2a6f0e1a03",
    };

    /// <summary>Monthly calcium + albumin drawn together (month 1 = a month before the sample's own draw), ALP every
    /// third month; all normal.</summary>
    private static IEnumerable<Observation> History(string patientId, string subject, int months)
    {
        var lastDraw = new DateTimeOffset(2026, 11, 28, 7, 0, 0, TimeSpan.Zero); // the sample's own calcium/albumin
        for (var m = 1; m <= months; m++)
        {
            var drawn = lastDraw.AddMonths(-m);
            yield return Lab(patientId, subject, "hist-ca", m, Calcium, drawn);
            yield return Lab(patientId, subject, "hist-alb", m, Albumin, drawn);
            if (m % 3 == 1)
            {
                yield return Lab(patientId, subject, "hist-alp", m, Alp, drawn);
            }
        }
    }

    /// <summary>Routine panels every 14 days from 3 days before the anchor backwards, until <paramref name="count"/>.</summary>
    private static IEnumerable<Observation> FillerLabs(string patientId, string subject, int count)
    {
        var first = new DateTimeOffset(2026, 11, 26, 7, 30, 0, TimeSpan.Zero);
        var made = 0;
        for (var draw = 0; made < count; draw++)
        {
            var drawn = first.AddDays(-14 * draw);
            for (var i = 0; i < Filler.Length && made < count; i++, made++)
            {
                yield return Lab(patientId, subject, "filler-" + Filler[i].Code, draw, Filler[i], drawn);
            }
        }
    }

    private static Observation Lab(string patientId, string subject, string stem, int index, LabSpec spec, DateTimeOffset drawn)
    {
        var value = spec.ValueAt(index);
        var flag = value < spec.Low ? ("L", "Low") : value > spec.High ? ("H", "High") : ("N", "Normal");
        return new Observation
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"{patientId}-{stem}-{index:D3}"),
            Status = ObservationStatus.Final,
            Category = [Concept(ObservationCategory, "laboratory", "Laboratory")],
            Code = new CodeableConcept(Loinc, spec.Code, spec.Display, spec.Text),
            Subject = new ResourceReference(subject),
            Effective = new FhirDateTime(drawn.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            Issued = drawn.AddHours(2),
            Performer = [new ResourceReference("Organization/sample-hospital-laboratory") { Display = "Sample Hospital Laboratory" }],
            Value = Quantity(value, spec.Unit),
            Interpretation = [Concept(Interpretation, flag.Item1, flag.Item2)],
            ReferenceRange = [new Observation.ReferenceRangeComponent { Low = Quantity(spec.Low, spec.Unit), High = Quantity(spec.High, spec.Unit) }],
        };
    }

    /// <summary>A CodeableConcept of one coding with a display (Firely's three-argument constructor sets text).</summary>
    private static CodeableConcept Concept(string system, string code, string display) =>
        new() { Coding = [new Coding(system, code, display)] };

    private static Quantity Quantity(decimal value, string ucum) =>
        new() { Value = value, Unit = ucum, System = Ucum, Code = ucum };

    private static Condition ProblemCondition(string patientId, string subject, ProblemSpec p)
    {
        var resolved = p.Abated is not null;
        return new Condition
        {
            Id = patientId + "-" + p.Stem,
            ClinicalStatus = Concept(ConditionClinical, resolved ? "resolved" : "active", resolved ? "Resolved" : "Active"),
            VerificationStatus = Concept(ConditionVerification, "confirmed", "Confirmed"),
            Category = [Concept(ConditionCategory, "problem-list-item", "Problem List Item")],
            Code = new CodeableConcept
            {
                Coding = [new Coding(Snomed, p.Snomed, p.SnomedDisplay), new Coding(Icd10Cm, p.Icd, p.IcdDisplay)],
                Text = p.SnomedDisplay,
            },
            Subject = new ResourceReference(subject),
            Onset = new FhirDateTime(p.Onset),
            Abatement = p.Abated is null ? null : new FhirDateTime(p.Abated),
            RecordedDate = p.Onset + "T09:00:00Z",
        };
    }

    private static Bundle Searchset(IEnumerable<Resource> matches)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset };
        foreach (var resource in matches)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = FhirBase + resource.TypeName + "/" + resource.Id,
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        bundle.Total = bundle.Entry.Count;
        return bundle;
    }

    private static void WriteResource(Utf8JsonWriter writer, string key, Resource resource)
    {
        writer.WritePropertyName(key);
        JsonSerializer.Serialize(writer, resource, resource.GetType(), FhirOptions);
    }

    private static bool HasCategory(Observation observation, string code) =>
        observation.Category.Any(c => c.Coding.Any(x => x.System == ObservationCategory && x.Code == code));

    private static DateTimeOffset EffectiveOf(Observation observation) =>
        observation.Effective is FhirDateTime dt ? dt.ToDateTimeOffset(TimeSpan.Zero) : DateTimeOffset.MinValue;

    private sealed record ProblemSpec(string Stem, string Snomed, string SnomedDisplay, string Icd, string IcdDisplay, string Onset, string? Abated);

    /// <summary>A lab test: LOINC code, UCUM unit, the band values are drawn from, and the reference range.</summary>
    private sealed record LabSpec(string Code, string Display, string Text, string Unit, decimal Min, decimal Max, int Decimals, decimal Low, decimal High)
    {
        /// <summary>A deterministic value in [Min, Max] that varies from draw to draw.</summary>
        public decimal ValueAt(int index)
        {
            var step = ((index * 7) + Code.Length) % 11; // 0..10
            return decimal.Round(Min + ((Max - Min) * step / 10m), Decimals, MidpointRounding.AwayFromZero);
        }
    }
}
