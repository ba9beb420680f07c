using System.Globalization;
using System.Net;
using System.Text.Json;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Xunit.Abstractions;
using static BoneMets.Cds.Api.Tests.Scenarios.Cards;
using static BoneMets.Cds.Api.Tests.Scenarios.PatientRecord;

namespace BoneMets.Cds.Api.Tests.Scenarios;

/// <summary>
/// Held-out clinical scenarios written from shared clinical.md (not from the product code). Each row asserts the exact
/// set of (topic, indicator) cards the spec requires, then spec-required content. Clock: 2026-11-29T12:00Z.
/// </summary>
public sealed partial class ClinicalScenarioTests(CdsApiFactory factory, ITestOutputHelper output) : IClassFixture<CdsApiFactory>
{
    // Codes used throughout (all from clinical.md §5).
    internal const string BreastCa = "254837009";
    internal const string Backache = "161891005";
    internal const string BonePain = "12584003";
    internal const string LimbWeakness = "713514005";
    internal const string FemurPain = "301773003";
    internal const string PathFracture = "268029009";
    internal const string Nausea = "422587007";
    internal const string Constipation = "14760008";
    internal const string TotalCaMass = "17861-6";
    internal const string TotalCaMoles = "2000-8";
    internal const string Albumin = "1751-7";
    internal const string IonizedCa = "1995-0";
    internal const string IonizedCaMass = "17863-2";
    internal const string Alp = "6768-6";
    internal const string Ggt = "2324-2";
    internal const string BoneScan = "39818-0";

    private static readonly Dictionary<string, ScenarioCase> Cases = AllCases().ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in Cases.Keys)
            {
                data.Add(name);
            }

            return data;
        }
    }

    [Fact]
    public void Table_HasAtLeastFortyScenarios() => Assert.True(Cases.Count >= 40, $"only {Cases.Count} scenarios");

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Scenario(string name)
    {
        var scenario = Cases[name];
        var record = scenario.Build();
        using var client = factory.CreateClient();
        using var response = await Hooks.PostAsync(client, record.Build());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"HTTP {(int)response.StatusCode}: {body}");
        using var doc = JsonDocument.Parse(body);
        foreach (var card in doc.RootElement.GetProperty("cards").EnumerateArray())
        {
            output.WriteLine(card.GetRawText());
        }

        var actual = Hooks.TopicsOf(doc).OrderBy(t => t.Topic, StringComparer.Ordinal).ToList();
        var expected = scenario.Expected.OrderBy(t => t.Topic, StringComparer.Ordinal).ToList();
        Assert.True(
            expected.SequenceEqual(actual),
            $"cards differ.\nexpected: [{string.Join(", ", expected)}]\nactual:   [{string.Join(", ", actual)}]\nsummaries:\n{Summaries(doc)}");

        ResponseAssertions.AssertValidCdsResponse(doc.RootElement, record.PatientId);
        scenario.Check?.Invoke(doc);
    }

    private static string Summaries(JsonDocument doc) =>
        string.Join("\n", doc.RootElement.GetProperty("cards").EnumerateArray().Select(c => "  - " + c.GetProperty("summary").GetString()));

    private static IEnumerable<ScenarioCase> AllCases() =>
        CalciumBoundaries()
            .Concat(CorrectedCalcium())
            .Concat(CalciumOther())
            .Concat(AlpCases())
            .Concat(CodeSystemCases())
            .Concat(CancerStatusCases())
            .Concat(BoneMetsAndImagingCases())
            .Concat(SymptomCases())
            .Concat(NeuroCases())
            .Concat(FractureCases())
            .Concat(GateCases())
            .Concat(SyntheaAndPrimaryCases())
            .Concat(EdgeCases());

    // ---------- patients ----------
    internal static PatientRecord Breast() => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast");

    /// <summary>CancerContext without the imaging card (known bone metastases), so R3 is seen on its own.</summary>
    internal static PatientRecord BreastWithBoneMets() => Breast().Condition(Icd10Cm, "C79.51", "Secondary malignant neoplasm of bone");

    internal static string N(decimal d) => d.ToString("0.###", CultureInfo.InvariantCulture);

    // ---------- R3: every CTCAE boundary ----------
    private static IEnumerable<ScenarioCase> CalciumBoundaries()
    {
        // (loinc, ucum, value, expected indicator or null). Default ULN 10.5 mg/dL / 2.62 mmol/L; ionized 1.32 mmol/L (5.3 mg/dL).
        (string Loinc, string Unit, decimal Value, string? Indicator)[] rows =
        [
            (TotalCaMass, "mg/dL", 10.5m, null),
            (TotalCaMass, "mg/dL", 10.6m, "info"),
            (TotalCaMass, "mg/dL", 11.5m, "info"),
            (TotalCaMass, "mg/dL", 11.6m, "warning"),
            (TotalCaMass, "mg/dL", 12.5m, "warning"),
            (TotalCaMass, "mg/dL", 12.6m, "critical"),
            (TotalCaMass, "mg/dL", 13.5m, "critical"),
            (TotalCaMass, "mg/dL", 13.6m, "critical"),
            (TotalCaMoles, "mmol/L", 2.62m, null),
            (TotalCaMoles, "mmol/L", 2.63m, "info"),
            (TotalCaMoles, "mmol/L", 2.90m, "info"),
            (TotalCaMoles, "mmol/L", 2.91m, "warning"),
            (TotalCaMoles, "mmol/L", 3.10m, "warning"),
            (TotalCaMoles, "mmol/L", 3.11m, "critical"),
            (TotalCaMoles, "mmol/L", 3.40m, "critical"),
            (TotalCaMoles, "mmol/L", 3.41m, "critical"),

            // mEq/L has no CTCAE column: §4 gives mmol/L = mEq/L ÷ 2 and mg/dL = mEq/L × 2.004. The values are chosen so both
            // conversions give the same grade (the exact mmol/L boundaries 5.8/6.2/6.8 mEq/L would be ambiguous).
            (TotalCaMoles, "meq/L", 5.23m, null),
            (TotalCaMoles, "meq/L", 5.25m, "info"),
            (TotalCaMoles, "meq/L", 5.73m, "info"),
            (TotalCaMoles, "meq/L", 5.81m, "warning"),
            (TotalCaMoles, "meq/L", 6.20m, "warning"),
            (TotalCaMoles, "meq/L", 6.24m, "critical"),
            (TotalCaMoles, "meq/L", 6.73m, "critical"),
            (TotalCaMoles, "meq/L", 6.81m, "critical"),
            (IonizedCa, "mmol/L", 1.32m, null),
            (IonizedCa, "mmol/L", 1.33m, "info"),
            (IonizedCa, "mmol/L", 1.50m, "info"),
            (IonizedCa, "mmol/L", 1.51m, "warning"),
            (IonizedCa, "mmol/L", 1.60m, "warning"),
            (IonizedCa, "mmol/L", 1.61m, "critical"),
            (IonizedCa, "mmol/L", 1.80m, "critical"),
            (IonizedCa, "mmol/L", 1.81m, "critical"),

            // Ionized in mg/dL (17863-2): ULN 5.3 mg/dL; CTCAE limits 1.5/1.6/1.8 mmol/L = 6.012/6.413/7.214 mg/dL.
            (IonizedCaMass, "mg/dL", 5.2m, null),
            (IonizedCaMass, "mg/dL", 5.5m, "info"),
            (IonizedCaMass, "mg/dL", 6.0m, "info"),
            (IonizedCaMass, "mg/dL", 6.1m, "warning"),
            (IonizedCaMass, "mg/dL", 6.4m, "warning"),
            (IonizedCaMass, "mg/dL", 6.45m, "critical"),
            (IonizedCaMass, "mg/dL", 7.5m, "critical"),
        ];
        foreach (var (loinc, unit, value, indicator) in rows)
        {
            yield return new ScenarioCase(
                $"R3 boundary {loinc} {N(value)} {unit} -> {indicator ?? "no card"}",
                () => BreastWithBoneMets().Lab(loinc, value, unit, DaysAgo(1)),
                indicator is null ? [] : [(Calcium, indicator)],
                indicator is null ? null : d => AssertTextContains(d, Calcium, N(value), loinc));
        }
    }

    // ---------- R3: Payne correction and albumin pairing ----------
    private static IEnumerable<ScenarioCase> CorrectedCalcium()
    {
        yield return new("R3 worked check 1: Ca 10.2 mg/dL + albumin 2.1 g/dL -> 11.72 grade 2",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(1)).Lab(Albumin, 2.1m, "g/dL", DaysAgo(1).AddHours(-2)),
            [Warn(Calcium)],
            d => AssertTextContains(d, Calcium, "11.72", "2.1", Day(DaysAgo(1))));
        yield return new("R3 worked check 2: Ca 3.32 mmol/L + albumin 38 g/L -> 3.36 grade 3",
            () => BreastWithBoneMets().Lab(TotalCaMoles, 3.32m, "mmol/L", DaysAgo(1)).Lab(Albumin, 38m, "g/L", DaysAgo(1)),
            [Crit(Calcium)],
            d => AssertTextContains(d, Calcium, "3.36", "38"));
        yield return new("R3 worked check 3: Ca 15.2 mg/dL + albumin 3.0 g/dL -> 16.0 grade 4",
            () => BreastWithBoneMets().Lab(TotalCaMass, 15.2m, "mg/dL", DaysAgo(1)).Lab(Albumin, 3.0m, "g/dL", DaysAgo(1)),
            [Crit(Calcium)],
            d => AssertTextMatches(d, Calcium, @"\b16(\.0+)? ?mg/dL"));
        yield return new("R3 correction downwards: Ca 10.8 mg/dL + albumin 4.8 g/dL -> 10.16, no card",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.8m, "mg/dL", DaysAgo(1)).Lab(Albumin, 4.8m, "g/dL", DaysAgo(1)),
            []);
        yield return new("R3 correction downwards SI: Ca 2.70 mmol/L + albumin 48 g/L -> 2.54, no card",
            () => BreastWithBoneMets().Lab(TotalCaMoles, 2.70m, "mmol/L", DaysAgo(1)).Lab(Albumin, 48m, "g/L", DaysAgo(1)),
            []);
        yield return new("R3 albumin in g/L with calcium in mg/dL: 10.2 + 21 g/L -> 11.72",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(1)).Lab(Albumin, 21m, "g/L", DaysAgo(1)),
            [Warn(Calcium)],
            d => AssertTextContains(d, Calcium, "11.72"));
        yield return new("R3 albumin in g/dL with calcium in mmol/L: 2.70 + 2.5 g/dL -> 3.00 grade 2",
            () => BreastWithBoneMets().Lab(TotalCaMoles, 2.70m, "mmol/L", DaysAgo(1)).Lab(Albumin, 2.5m, "g/dL", DaysAgo(1)),
            [Warn(Calcium)],
            d => AssertTextMatches(d, Calcium, @"\b3(\.00?)? ?mmol/L"));
        yield return new("R3 albumin 47 h before calcium is paired",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(1)).Lab(Albumin, 2.1m, "g/dL", DaysAgo(1).AddHours(-47)),
            [Warn(Calcium)],
            d => AssertTextContains(d, Calcium, "11.72"));
        yield return new("R3 albumin 49 h before calcium is not paired (uncorrected 10.2 is normal)",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(1)).Lab(Albumin, 2.1m, "g/dL", DaysAgo(1).AddHours(-49)),
            []);
        yield return new("R3 albumin 47 h after calcium is paired",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(3)).Lab(Albumin, 2.1m, "g/dL", DaysAgo(3).AddHours(47)),
            [Warn(Calcium)],
            d => AssertTextContains(d, Calcium, "11.72"));
        yield return new("R3 albumin 49 h after calcium is not paired",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(3)).Lab(Albumin, 2.1m, "g/dL", DaysAgo(3).AddHours(49)),
            []);
        yield return new("R3 preliminary albumin is not used for correction",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(1)).Lab(Albumin, 2.1m, "g/dL", DaysAgo(1), status: "preliminary"),
            []);
        yield return new("R3 moles-based albumin 54347-0 is not used for correction",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(1)).Lab("54347-0", 316m, "umol/L", DaysAgo(1)),
            []);
        yield return new("R3 no albumin: graded uncorrected and the card says so",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.0m, "mg/dL", DaysAgo(1)),
            [Warn(Calcium)],
            d => AssertTextContains(d, Calcium, "uncorrected", "12"));
        yield return new("R3 lab-reported corrected calcium 46099-8 used as reported",
            () => BreastWithBoneMets().Lab("46099-8", 12.0m, "mg/dL", DaysAgo(1)),
            [Warn(Calcium)],
            d => AssertTextContains(d, Calcium, "46099-8"));
        yield return new("R3 lab-reported corrected calcium is not corrected again (albumin 2.0 present)",
            () => BreastWithBoneMets().Lab("46099-8", 12.0m, "mg/dL", DaysAgo(1)).Lab(Albumin, 2.0m, "g/dL", DaysAgo(1)),
            [Warn(Calcium)]);
        yield return new("R3 lab-reported corrected calcium 29265-6 in mmol/L",
            () => BreastWithBoneMets().Lab("29265-6", 3.0m, "mmol/L", DaysAgo(1)),
            [Warn(Calcium)]);
        yield return new("R3 total calcium available: lab-reported corrected value is not used",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.0m, "mg/dL", DaysAgo(1)).Lab("46099-8", 12.0m, "mg/dL", DaysAgo(1)),
            []);
    }

    // ---------- R3: ULN, max grade, symptoms, scope, windows, latest wins, status, units ----------
    private static IEnumerable<ScenarioCase> CalciumOther()
    {
        yield return new("R3 referenceRange ULN above default: 10.7 mg/dL with ULN 10.8 -> no card",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.7m, "mg/dL", DaysAgo(1), refHigh: 10.8m),
            []);
        yield return new("R3 referenceRange ULN below default: 10.4 mg/dL with ULN 10.2 -> grade 1",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.4m, "mg/dL", DaysAgo(1), refHigh: 10.2m),
            [Info(Calcium)]);
        yield return new("R3 referenceRange in another unit is converted: 10.7 mg/dL with ULN 2.7 mmol/L (10.82 mg/dL) -> no card",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.7m, "mg/dL", DaysAgo(1), refHigh: 2.7m, refUnit: "mmol/L"),
            []);
        yield return new("R3 ionized referenceRange ULN 1.40: 1.35 mmol/L -> no card",
            () => BreastWithBoneMets().Lab(IonizedCa, 1.35m, "mmol/L", DaysAgo(1), refHigh: 1.40m),
            []);
        yield return new("R3 max grade: total grade 1 + ionized grade 3 -> critical",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.8m, "mg/dL", DaysAgo(1)).Lab(IonizedCa, 1.65m, "mmol/L", DaysAgo(1)),
            [Crit(Calcium)]);
        yield return new("R3 max grade: total grade 3 + ionized grade 1 -> critical",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.8m, "mg/dL", DaysAgo(1)).Lab(IonizedCa, 1.35m, "mmol/L", DaysAgo(1)),
            [Crit(Calcium)]);
        yield return new("R3 max grade: total normal + ionized grade 2 -> warning",
            () => BreastWithBoneMets().Lab(TotalCaMass, 9.8m, "mg/dL", DaysAgo(1)).Lab(IonizedCa, 1.55m, "mmol/L", DaysAgo(1)),
            [Warn(Calcium)]);
        yield return new("R3 max grade: total grade 2 + ionized normal -> warning",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.0m, "mg/dL", DaysAgo(1)).Lab(IonizedCa, 1.20m, "mmol/L", DaysAgo(1)),
            [Warn(Calcium)]);

        yield return new("R3 grade 1 + recent nausea Condition -> warning",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).Condition(Sct, Nausea, "Nausea"),
            [Warn(Calcium)]);
        yield return new("R3 grade 1 + constipation survey Observation (true) -> warning",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).SymptomObservation(Constipation, new FhirBoolean(true), DaysAgo(2)),
            [Warn(Calcium)]);
        yield return new("R3 grade 1 + fatigue ICD-10-CM R53.83 -> warning",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).Condition(Icd10Cm, "R53.83", "Other fatigue"),
            [Warn(Calcium)]);
        yield return new("R3 grade 1 + symptom Observation valueBoolean false -> info",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).SymptomObservation(Nausea, new FhirBoolean(false), DaysAgo(2)),
            [Info(Calcium)]);
        yield return new("R3 grade 1 + symptom Observation answered No (373067005) -> info",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).SymptomObservation(Nausea, new CodeableConcept(Sct, "373067005", "No"), DaysAgo(2)),
            [Info(Calcium)]);
        yield return new("R3 grade 1 + nausea 40 days old -> info",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).Condition(Sct, Nausea, "Nausea", recorded: DaysAgo(40)),
            [Info(Calcium)]);
        yield return new("R3 grade 1 + resolved nausea -> info",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).Condition(Sct, Nausea, "Nausea", clinical: "resolved"),
            [Info(Calcium)]);
        yield return new("R3 grade 1 + coded hypercalcaemia E83.52 (informational, not a group-H symptom) -> info",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).Condition(Icd10Cm, "E83.52", "Hypercalcemia"),
            [Info(Calcium)]);
        yield return new("R3 grade 2 + symptom stays warning",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.0m, "mg/dL", DaysAgo(1)).Condition(Sct, Nausea, "Nausea"),
            [Warn(Calcium)]);

        yield return new("R3+R5 active breast cancer, grade 1 calcium -> hypercalcaemia info + imaging info",
            () => Breast().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)),
            [Info(Calcium), Info(Imaging)]);
        yield return new("R3 hypercalcaemia without any cancer -> no card (scope decision)",
            () => new PatientRecord().Lab(TotalCaMass, 13.0m, "mg/dL", DaysAgo(1)),
            []);
        yield return new("R3 known bone mets only (no primary) -> hypercalcaemia card, no imaging",
            () => new PatientRecord().Condition(Icd10Cm, "C79.51", "Secondary malignant neoplasm of bone").Lab(TotalCaMass, 12.0m, "mg/dL", DaysAgo(1)),
            [Warn(Calcium)]);
        yield return new("R3 past cancer abated 11 years ago -> hypercalcaemia card only (no imaging)",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "resolved", abatement: YearsAgo(11), recorded: YearsAgo(12))
                .Lab(TotalCaMass, 12.0m, "mg/dL", DaysAgo(1)),
            [Warn(Calcium)]);
        yield return new("R3 coded hypercalcaemia diagnosis E83.52 alone is informational -> no card",
            () => Breast().Condition(Icd10Cm, "E83.52", "Hypercalcemia"),
            []);

        yield return new("R3 calcium 6.9 days old is inside the 7-day window",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.0m, "mg/dL", DaysAgo(6.9)),
            [Warn(Calcium)]);
        yield return new("R3 calcium 7.1 days old is outside the 7-day window",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.0m, "mg/dL", DaysAgo(7.1)),
            []);
        yield return new("R3 latest wins: old abnormal then new normal -> no card",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.8m, "mg/dL", DaysAgo(5)).Lab(TotalCaMass, 9.8m, "mg/dL", DaysAgo(1)),
            []);
        yield return new("R3 latest wins: old normal then new abnormal -> critical",
            () => BreastWithBoneMets().Lab(TotalCaMass, 9.8m, "mg/dL", DaysAgo(5)).Lab(TotalCaMass, 12.8m, "mg/dL", DaysAgo(1)),
            [Crit(Calcium)]);
        yield return new("R3 latest wins: ionized high then normal -> no card",
            () => BreastWithBoneMets().Lab(IonizedCa, 1.70m, "mmol/L", DaysAgo(4)).Lab(IonizedCa, 1.25m, "mmol/L", DaysAgo(1)),
            []);
        yield return new("R3 latest VALID wins: newer preliminary normal does not hide final abnormal",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.8m, "mg/dL", DaysAgo(3)).Lab(TotalCaMass, 9.0m, "mg/dL", DaysAgo(1), status: "preliminary"),
            [Crit(Calcium)]);

        foreach (var status in new[] { "preliminary", "registered", "cancelled", "entered-in-error", "unknown" })
        {
            yield return new($"R3 calcium with status {status} is ignored",
                () => BreastWithBoneMets().Lab(TotalCaMass, 13.0m, "mg/dL", DaysAgo(1), status: status),
                []);
        }

        foreach (var status in new[] { "amended", "corrected" })
        {
            yield return new($"R3 calcium with status {status} counts",
                () => BreastWithBoneMets().Lab(TotalCaMass, 13.0m, "mg/dL", DaysAgo(1), status: status),
                [Crit(Calcium)]);
        }

        yield return new("R3 calcium dated in the future (+2 d) is not in the window -> no card",
            () => BreastWithBoneMets().Lab(TotalCaMass, 13.0m, "mg/dL", Anchor.AddDays(2)),
            []);
        yield return new("R3 future-dated normal calcium does not mask today's abnormal one",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.8m, "mg/dL", DaysAgo(1)).Lab(TotalCaMass, 9.0m, "mg/dL", Anchor.AddDays(2)),
            [Crit(Calcium)]);
        yield return new("R3 time falls back to issued when there is no effective[x]",
            () => BreastWithBoneMets().Lab(TotalCaMass, 13.0m, "mg/dL", DaysAgo(1), tweak: o => { o.Effective = null; o.Issued = DaysAgo(1); }),
            [Crit(Calcium)]);
        yield return new("R3 time from effectivePeriod.end",
            () => BreastWithBoneMets().Lab(TotalCaMass, 13.0m, "mg/dL", DaysAgo(1), tweak: o => o.Effective = new Period(new FhirDateTime(DaysAgo(20)), new FhirDateTime(DaysAgo(1)))),
            [Crit(Calcium)]);

        yield return new("Units: unit only in Quantity.unit text 'mg/dl' (no system) is used",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.0m, null, DaysAgo(1), tweak: o => o.Value = new Quantity { Value = 12.0m, Unit = "mg/dl" }),
            [Warn(Calcium)]);
        yield return new("Units: unit only in Quantity.unit text 'MMOL/L' is used",
            () => BreastWithBoneMets().Lab(TotalCaMoles, 3.0m, null, DaysAgo(1), tweak: o => o.Value = new Quantity { Value = 3.0m, Unit = "MMOL/L" }),
            [Warn(Calcium)]);
        yield return new("Units: non-UCUM system falls back to unit text",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.0m, null, DaysAgo(1), tweak: o => o.Value = new Quantity { Value = 12.0m, System = "http://lab.example.org/units", Code = "MGDL", Unit = "mg/dL" }),
            [Warn(Calcium)]);
        yield return new("Units: no unit at all -> value ignored",
            () => BreastWithBoneMets().Lab(TotalCaMass, 13.0m, null, DaysAgo(1)),
            []);
        yield return new("Units: no unit, 3.1 (would be grade 3 in mmol/L) is not inferred",
            () => BreastWithBoneMets().Lab(TotalCaMoles, 3.1m, null, DaysAgo(1)),
            []);
        yield return new("Codes: calcium with a local code only is ignored",
            () => BreastWithBoneMets().Lab("CA-TOT", 13.0m, "mg/dL", DaysAgo(1), codeSystem: "http://lab.example.org/codes"),
            []);
        yield return new("Codes: calcium with local coding first and LOINC second counts",
            () => BreastWithBoneMets().Lab(TotalCaMass, 13.0m, "mg/dL", DaysAgo(1), tweak: o => o.Code.Coding.Insert(0, new Coding("http://lab.example.org/codes", "CA-TOT", "Calcium"))),
            [Crit(Calcium)]);
        yield return new("Codes: LOINC in OID form urn:oid:2.16.840.1.113883.6.1 counts",
            () => BreastWithBoneMets().Lab(TotalCaMass, 13.0m, "mg/dL", DaysAgo(1), codeSystem: LoincOid),
            [Crit(Calcium)]);
    }
}
