using System.Text.Json;
using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Fhir.Prefetch;
using static BoneMets.Cds.Fhir.Tests.Support.Fixtures;

namespace BoneMets.Cds.Fhir.Tests;

public sealed class PatientDataReaderTests
{
    private static readonly PatientDataReader Reader = new(Templates, Catalog);

    private static readonly string CancerCondition = Condition("c1", Coding(Snomed, "254837009"), ""","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]}""");
    private static readonly string CalciumObs = Calcium("o1", Quantity("11.8", "mg/dL"));
    private static readonly string BackacheObs = Observation("s1", Coding(Snomed, "161891005"), ""","valueBoolean":true""");
    private static readonly string BoneScanReport = """{"resourceType":"DiagnosticReport","id":"r1","status":"final","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://loinc.org","code":"39818-0"}]},"issued":"2025-01-11T00:00:00Z"}""";
    private static readonly string SpineMriOrder = """{"resourceType":"ServiceRequest","id":"sr1","status":"active","intent":"order","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://loinc.org","code":"30854-4"}]},"authoredOn":"2025-03-01"}""";

    private static Dictionary<string, JsonElement> Complete() => new()
    {
        ["patient"] = Json(Patient(extra: ""","birthDate":"1960-04-02" """)),
        ["conditions"] = Json(Bundle(CancerCondition, Condition("c2", Coding(Loinc, "0000-0")))),
        ["labs"] = Json(Bundle(CalciumObs)),
        ["symptoms"] = Json(Bundle(BackacheObs)),
        ["imaging"] = Json(Bundle(BoneScanReport)),
        ["orders"] = Json(Bundle(SpineMriOrder)),
    };

    [Fact]
    public void Read_CompletePrefetch_MapsEveryKey()
    {
        var result = Reader.Read(Complete(), PatientId);

        Assert.True(result.IsAvailable);
        var facts = result.Facts;
        Assert.Equal(PatientId, facts.PatientId);
        Assert.Equal(new Demographics(new DateOnly(1960, 4, 2), false), facts.Demographics);
        Assert.Equal(["c1"], facts.Conditions.Select(c => c.Id)); // c2 matches no concept
        Assert.Equal(ClinicalStatus.Active, facts.Conditions[0].ClinicalStatus);
        Assert.Equal(Concepts.LabCalciumTotal, Assert.Single(facts.Labs).Analyte);
        Assert.Equal(Presence.Present, Assert.Single(facts.SymptomObservations).Presence);
        Assert.Equal(["r1", "sr1"], facts.Imaging.Select(i => i.Id));
        Assert.Equal(DataSources.None, facts.Unavailable);
        Assert.Empty(result.Unsatisfied);
        Assert.Empty(result.MissingRequired);
    }

    [Theory]
    [InlineData("patient")]
    [InlineData("conditions")]
    public void Read_RequiredKeyAbsent_ReportsMissingRequired(string key)
    {
        var prefetch = Complete();
        prefetch.Remove(key);

        var result = Reader.Read(prefetch, PatientId);

        Assert.False(result.IsAvailable);
        Assert.Null(result.Facts);
        Assert.Equal(new KeyProblem(key, PrefetchReader.ReasonAbsent), Assert.Single(result.MissingRequired));
    }

    [Fact]
    public void Read_BothRequiredKeysBad_ReportsBothAndOptionalProblems()
    {
        var prefetch = Complete();
        prefetch["patient"] = Json(Patient(id: "p2"));
        prefetch["conditions"] = Json("""{"resourceType":"OperationOutcome","issue":[]}""");
        prefetch.Remove("labs");

        var result = Reader.Read(prefetch, PatientId);

        Assert.False(result.IsAvailable);
        Assert.Equal(
            [new KeyProblem("patient", PrefetchReader.ReasonWrongId), new KeyProblem("conditions", PrefetchReader.ReasonOperationOutcome)],
            result.MissingRequired);
        Assert.Contains(new KeyProblem("labs", PrefetchReader.ReasonAbsent), result.Unsatisfied);
    }

    [Fact]
    public void Read_PatientNull_IsNoDataEvaluatedWithoutGatesAndNotRefetchable()
    {
        var prefetch = Complete();
        prefetch["patient"] = Json("null");

        var snapshot = Reader.ReadPrefetch(prefetch, PatientId);
        var result = Reader.BuildFacts(snapshot);

        Assert.Empty(result.MissingRequired);
        Assert.NotNull(result.Facts);
        Assert.Equal(new Demographics(null, false), result.Facts!.Demographics);
        Assert.DoesNotContain(PatientDataKey.Patient, snapshot.NotSatisfiedKeys);
    }

    [Fact]
    public void Read_P5_P6_ConditionsNullAndEmptyLabs_AreNoDataNotUnavailable()
    {
        var prefetch = Complete();
        prefetch["conditions"] = Json("null");
        prefetch["labs"] = Json("""{"resourceType":"Bundle","type":"searchset","total":0}""");

        var result = Reader.Read(prefetch, PatientId);

        Assert.True(result.IsAvailable);
        Assert.Empty(result.Facts.Conditions);
        Assert.Empty(result.Facts.Labs);
        Assert.Equal(DataSources.None, result.Facts.Unavailable);
    }

    [Theory]
    [InlineData("labs", DataSources.Labs)]
    [InlineData("symptoms", DataSources.Symptoms)]
    [InlineData("imaging", DataSources.Imaging)]
    [InlineData("orders", DataSources.Orders)]
    public void Read_OptionalKeyAbsent_FlagsOnlyThatSource(string key, DataSources flag)
    {
        var prefetch = Complete();
        prefetch.Remove(key);

        var result = Reader.Read(prefetch, PatientId);

        Assert.True(result.IsAvailable);
        Assert.Equal(flag, result.Facts.Unavailable);
        Assert.Equal(new KeyProblem(key, PrefetchReader.ReasonAbsent), Assert.Single(result.Unsatisfied));
    }

    [Fact]
    public void Read_MalformedOptionalKeys_DegradeOnlyThemselves()
    {
        var prefetch = Complete();
        prefetch["labs"] = Json("\"oops\"");
        prefetch["imaging"] = Json(Bundle(BoneScanReport, Patient()));
        prefetch["orders"] = Json("""{"resourceType":"OperationOutcome"}""");

        var result = Reader.Read(prefetch, PatientId);

        Assert.True(result.IsAvailable);
        Assert.Equal(DataSources.Labs | DataSources.Imaging | DataSources.Orders, result.Facts.Unavailable);
        Assert.Empty(result.Facts.Labs);
        Assert.Empty(result.Facts.Imaging);
        Assert.Single(result.Facts.Conditions);
        Assert.Single(result.Facts.SymptomObservations);
    }

    [Fact]
    public void Read_P11_ExtraKeys_AreIgnored()
    {
        var prefetch = Complete();
        prefetch["medications"] = Json("""{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"MedicationRequest","subject":{"reference":"Patient/p2"}}}]}""");
        prefetch["junk"] = Json("42");

        var result = Reader.Read(prefetch, PatientId);

        Assert.True(result.IsAvailable);
        Assert.Empty(result.Unsatisfied);
    }

    [Fact]
    public void Read_ObservationsMappedByConceptNotKey()
    {
        var prefetch = Complete();
        prefetch["labs"] = Json(Bundle(BackacheObs));     // a symptom in labs
        prefetch["symptoms"] = Json(Bundle(CalciumObs));  // a lab in symptoms

        var result = Reader.Read(prefetch, PatientId);

        Assert.True(result.IsAvailable);
        Assert.Equal("o1", Assert.Single(result.Facts.Labs).Id);
        Assert.Equal("s1", Assert.Single(result.Facts.SymptomObservations).Id);
    }

    [Fact]
    public void Read_SameObservationInBothKeys_MappedOnce()
    {
        var prefetch = Complete();
        prefetch["labs"] = Json(Bundle(CalciumObs, BackacheObs));
        prefetch["symptoms"] = Json(Bundle(BackacheObs, CalciumObs));

        var result = Reader.Read(prefetch, PatientId);

        Assert.Single(result.Facts!.Labs);
        Assert.Single(result.Facts.SymptomObservations);
    }

    [Fact]
    public void Read_P10_PagedKey_UsedAndReportedPartial()
    {
        var prefetch = Complete();
        prefetch["labs"] = Json($$"""{"resourceType":"Bundle","type":"searchset","link":[{"relation":"next","url":"https://ehr/fhir/Observation?page=2"}],"entry":[{"resource":{{CalciumObs}}}]}""");

        var result = Reader.Read(prefetch, PatientId);

        Assert.True(result.IsAvailable);
        Assert.Single(result.Facts.Labs);
        Assert.Equal(["labs"], result.PartialKeys);
    }

    [Fact]
    public void ReadPrefetch_NotSatisfiedKeys_CanBeReplacedBeforeBuilding()
    {
        var prefetch = Complete();
        prefetch.Remove("labs");
        var snapshot = Reader.ReadPrefetch(prefetch, PatientId);
        Assert.Equal([PatientDataKey.Labs], snapshot.NotSatisfiedKeys);

        // What a future FHIR fetch would do: read the fetched searchset with the same template.
        var fetched = PrefetchReader.Read(Templates[PatientDataKey.Labs], Json(Bundle(CalciumObs)), PatientId);
        var result = Reader.BuildFacts(snapshot.With(PatientDataKey.Labs, fetched));

        Assert.Single(result.Facts!.Labs);
        Assert.Equal(DataSources.None, result.Facts.Unavailable);
        Assert.Throws<ArgumentException>(() => snapshot.With(PatientDataKey.Orders, fetched));
    }

    [Fact]
    public void Read_DeceasedPatient_MapsDeceased()
    {
        var prefetch = Complete();
        prefetch["patient"] = Json(Patient(extra: ""","deceasedDateTime":"2025-01-01" """));

        Assert.True(Reader.Read(prefetch, PatientId).Facts!.Demographics.Deceased);
    }

    [Fact]
    public void Read_LargeSearchset_MapsAll()
    {
        var observations = Enumerable.Range(0, 500)
            .Select(i => Calcium($"o{i}", Quantity((9 + (i % 30) / 10m).ToString(System.Globalization.CultureInfo.InvariantCulture), "mg/dL")))
            .ToArray();
        var prefetch = Complete();
        prefetch["labs"] = Json(Bundle(observations));

        var result = Reader.Read(prefetch, PatientId);

        Assert.Equal(500, result.Facts!.Labs.Count);
    }
}
