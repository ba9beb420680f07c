using System.Globalization;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using static BoneMets.Cds.Api.Tests.Scenarios.Cards;
using static BoneMets.Cds.Api.Tests.Scenarios.PatientRecord;

namespace BoneMets.Cds.Api.Tests.Scenarios;

/// <summary>Edge rows: exact-boundary arithmetic, all analyte codes, unit precedence, time zones and partial dates, content.</summary>
public sealed partial class ClinicalScenarioTests
{
    private static FhirDateTime AtOffset(DateTimeOffset when, int hours) =>
        new(when.ToOffset(TimeSpan.FromHours(hours)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));

    private static IEnumerable<ScenarioCase> EdgeCases()
    {
        // --- Payne results landing exactly on a CTCAE limit (limits are inclusive at the top of each grade) ---
        yield return new("Exact: Ca 10.9 mg/dL + albumin 3.25 g/dL = 11.50 -> grade 1",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.9m, "mg/dL", DaysAgo(1)).Lab(Albumin, 3.25m, "g/dL", DaysAgo(1)),
            [Info(Calcium)]);
        yield return new("Exact: Ca 10.9 mg/dL + albumin 32.5 g/L = 11.50 -> grade 1",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.9m, "mg/dL", DaysAgo(1)).Lab(Albumin, 32.5m, "g/L", DaysAgo(1)),
            [Info(Calcium)]);
        yield return new("Exact: Ca 12.1 mg/dL + albumin 3.5 g/dL = 12.50 -> grade 2",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.1m, "mg/dL", DaysAgo(1)).Lab(Albumin, 3.5m, "g/dL", DaysAgo(1)),
            [Warn(Calcium)]);
        yield return new("Exact: Ca 2.80 mmol/L + albumin 35 g/L = 2.90 -> grade 1",
            () => BreastWithBoneMets().Lab(TotalCaMoles, 2.80m, "mmol/L", DaysAgo(1)).Lab(Albumin, 35m, "g/L", DaysAgo(1)),
            [Info(Calcium)]);
        yield return new("Exact: Ca 2.80 mmol/L + albumin 3.5 g/dL = 2.90 -> grade 1",
            () => BreastWithBoneMets().Lab(TotalCaMoles, 2.80m, "mmol/L", DaysAgo(1)).Lab(Albumin, 3.5m, "g/dL", DaysAgo(1)),
            [Info(Calcium)]);
        yield return new("Exact: Ca 3.04 mmol/L + albumin 37 g/L = 3.10 -> grade 2",
            () => BreastWithBoneMets().Lab(TotalCaMoles, 3.04m, "mmol/L", DaysAgo(1)).Lab(Albumin, 37m, "g/L", DaysAgo(1)),
            [Warn(Calcium)]);
        yield return new("Exact: Ca 10.3 mg/dL + albumin 3.75 g/dL = 10.50 = ULN -> no card",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.3m, "mg/dL", DaysAgo(1)).Lab(Albumin, 3.75m, "g/dL", DaysAgo(1)),
            []);

        // --- §4: 1 mmol/L = 4.008 mg/dL (and 1 mg/dL = 0.2495 mmol/L) ---
        yield return new("Exact: ionized 6.012 mg/dL = 1.500 mmol/L (x 4.008) -> grade 1",
            () => BreastWithBoneMets().Lab(IonizedCaMass, 6.012m, "mg/dL", DaysAgo(1)),
            [Info(Calcium)]);
        yield return new("Exact: ionized 6.4128 mg/dL = 1.600 mmol/L (x 4.008) -> grade 2",
            () => BreastWithBoneMets().Lab(IonizedCaMass, 6.4128m, "mg/dL", DaysAgo(1)),
            [Warn(Calcium)]);

        // --- every analyte code of R3 ---
        yield return new("Codes: total Ca in blood 49765-1 (Synthea) 12.0 mg/dL -> warning",
            () => BreastWithBoneMets().Lab("49765-1", 12.0m, "mg/dL", DaysAgo(1)),
            [Warn(Calcium)]);
        yield return new("Codes: total Ca in blood 1996-8 3.0 mmol/L -> warning",
            () => BreastWithBoneMets().Lab("1996-8", 3.0m, "mmol/L", DaysAgo(1)),
            [Warn(Calcium)]);
        foreach (var ionized in new[] { "1994-3", "47596-2", "12180-6", "34581-9", "41645-3", "41644-6" })
        {
            yield return new($"Codes: ionized Ca {ionized} 1.55 mmol/L -> warning",
                () => BreastWithBoneMets().Lab(ionized, 1.55m, "mmol/L", DaysAgo(1)),
                [Warn(Calcium)]);
        }

        yield return new("Codes: ionized Ca mass in blood 38230-9 6.2 mg/dL -> warning",
            () => BreastWithBoneMets().Lab("38230-9", 6.2m, "mg/dL", DaysAgo(1)),
            [Warn(Calcium)]);
        foreach (var albumin in new[] { "61151-7", "61152-5" })
        {
            yield return new($"Codes: albumin {albumin} is used for correction",
                () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(1)).Lab(albumin, 2.1m, "g/dL", DaysAgo(1)),
                [Warn(Calcium)],
                d => AssertTextContains(d, Calcium, "11.72"));
        }

        // --- unit precedence and conversions ---
        yield return new("Units: UCUM code wins over conflicting unit text (code mg/dL, unit 'mmol/L', 12.0) -> grade 2",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.0m, null, DaysAgo(1), tweak: o => o.Value = new Quantity { Value = 12.0m, System = Ucum, Code = "mg/dL", Unit = "mmol/L" }),
            [Warn(Calcium)]);
        yield return new("Units: albumin with unit text only 'g/dl' is used",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(1)).Lab(Albumin, 2.1m, null, DaysAgo(1), tweak: o => o.Value = new Quantity { Value = 2.1m, Unit = "g/dl" }),
            [Warn(Calcium)]);
        yield return new("Units: albumin without unit is not used (uncorrected 10.2 is normal)",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(1)).Lab(Albumin, 2.1m, null, DaysAgo(1)),
            []);
        yield return new("ULN: calcium 2.68 mmol/L with reference high 10.8 mg/dL (2.695 mmol/L) -> no card",
            () => BreastWithBoneMets().Lab(TotalCaMoles, 2.68m, "mmol/L", DaysAgo(1), refHigh: 10.8m, refUnit: "mg/dL"),
            []);
        yield return new("ULN: ALP 130 U/L with reference high 2.5 ukat/L (150 U/L) -> no card",
            () => Breast().Lab(Alp, 130m, "U/L", DaysAgo(2), refHigh: 2.5m, refUnit: "ukat/L"),
            []);
        yield return new("ULN: ALP 2.5 ukat/L (150 U/L) with reference high 100 U/L -> imaging info",
            () => Breast().Lab(Alp, 2.5m, "ukat/L", DaysAgo(2), refHigh: 100m, refUnit: "U/L"),
            [Info(Imaging)]);

        // --- time zones and partial dates ---
        yield return new("Time: calcium 7 d 2 h ago written at +10:00 (local date looks recent) -> outside window",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.0m, "mg/dL", DaysAgo(7).AddHours(-2), tweak: o => o.Effective = AtOffset(DaysAgo(7).AddHours(-2), 10)),
            []);
        yield return new("Time: calcium 6 d 22 h ago written at -10:00 (local date looks old) -> inside window",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.0m, "mg/dL", DaysAgo(7).AddHours(2), tweak: o => o.Effective = AtOffset(DaysAgo(7).AddHours(2), -10)),
            [Warn(Calcium)]);
        yield return new("Time: calcium with date-only effectiveDateTime 2 days ago counts",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.0m, "mg/dL", DaysAgo(2), tweak: o => o.Effective = new FhirDateTime(Day(DaysAgo(2)))),
            [Warn(Calcium)]);
        yield return new("Time: backache with date-only onsetDateTime 4 days ago (no recordedDate) -> MSCC warning",
            () => Breast().Condition(Sct, Backache, "Backache", noRecorded: true, tweak: c => c.Onset = new FhirDateTime(Day(DaysAgo(4)))),
            [Warn(Mscc)]);
        yield return new("Time: past cancer abated in year 2017 (year only, < 10 y) + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "resolved", recorded: YearsAgo(12), tweak: c => c.Abatement = new FhirDateTime("2017"))
                .Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("Time: past cancer abated in year 2015 (year only, > 10 y) + bone pain -> no card",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "resolved", recorded: YearsAgo(12), tweak: c => c.Abatement = new FhirDateTime("2015"))
                .Condition(Sct, BonePain, "Bone pain"),
            []);

        // --- cancer / bone-mets concepts that are both, or neither ---
        yield return new("712849003 prostate primary metastatic to bone + bone pain -> no card (known bone mets)",
            () => new PatientRecord().Condition(Sct, "712849003", "Primary malignant neoplasm of prostate metastatic to bone").Condition(Sct, BonePain, "Bone pain"),
            []);
        yield return new("712849003 prostate primary metastatic to bone + backache -> MSCC warning",
            () => new PatientRecord().Condition(Sct, "712849003", "Primary malignant neoplasm of prostate metastatic to bone").Condition(Sct, Backache, "Backache"),
            [Warn(Mscc)]);
        yield return new("94300004 metastasis to femur with breast cancer + bone pain -> no card",
            () => Breast().Condition(Sct, "94300004", "Metastatic malignant neoplasm to femur").Condition(Sct, BonePain, "Bone pain"),
            []);
        yield return new("266987004 history of malignant neoplasm (no site) + bone pain -> no imaging card",
            () => new PatientRecord().Condition(Sct, "266987004", "History of malignant neoplasm").Condition(Sct, BonePain, "Bone pain"),
            []);
        yield return new("Bone mets entered-in-error is ignored -> imaging warning",
            () => Breast().Condition(Icd10Cm, "C79.51", "Secondary malignant neoplasm of bone", verification: "entered-in-error").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("Provisional breast + confirmed prostate + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", verification: "provisional")
                .Condition(Icd10Cm, "C61", "Malignant neoplasm of prostate").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("Remote breast cancer (11 y) + current prostate cancer + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "resolved", abatement: YearsAgo(11), recorded: YearsAgo(12))
                .Condition(Icd10Cm, "C61", "Malignant neoplasm of prostate").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("Bone scan order with LOINC in OID form counts as recent imaging -> no card",
            () => Breast().Condition(Sct, BonePain, "Bone pain").ImagingOrder(BoneScan, "active", DaysAgo(5), system: LoincOid),
            []);
        yield return new("Grade 1 calcium with recent bone scan -> hypercalcaemia info only",
            () => Breast().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).ImagingReport(BoneScan, "final", DaysAgo(10)),
            [Info(Calcium)]);

        // --- symptom observations, other statuses and answers ---
        yield return new("Backache survey Observation amended -> MSCC warning",
            () => Breast().SymptomObservation(Backache, new FhirBoolean(true), DaysAgo(2), status: "amended"),
            [Warn(Mscc)]);
        yield return new("Saddle numbness exam Observation answered Present -> MSCC critical",
            () => Breast().SymptomObservation("449813001", new CodeableConcept(Sct, "52101004", "Present"), DaysAgo(1), category: "exam"),
            [Crit(Mscc)]);
        yield return new("Grade 1 calcium + nausea exam Observation answered Present -> warning",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).SymptomObservation(Nausea, new CodeableConcept(Sct, "52101004", "Present"), DaysAgo(1), category: "exam"),
            [Warn(Calcium)]);
        yield return new("Limb weakness survey Observation answered Absent + backache -> MSCC warning",
            () => Breast().SymptomObservation(LimbWeakness, new CodeableConcept(Sct, "2667000", "Absent"), DaysAgo(1)).Condition(Sct, Backache, "Backache"),
            [Warn(Mscc)]);

        // --- one analyte, several LOINC codes: latest across codes wins ---
        yield return new("Latest across codes: total Ca 12.8 mg/dL (17861-6) then 2.40 mmol/L (2000-8) -> no card",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.8m, "mg/dL", DaysAgo(3)).Lab(TotalCaMoles, 2.40m, "mmol/L", DaysAgo(1)),
            []);
        yield return new("Latest across codes: total Ca 2.40 mmol/L then 12.8 mg/dL -> critical",
            () => BreastWithBoneMets().Lab(TotalCaMoles, 2.40m, "mmol/L", DaysAgo(3)).Lab(TotalCaMass, 12.8m, "mg/dL", DaysAgo(1)),
            [Crit(Calcium)]);
        yield return new("Latest across codes: ionized 1.70 (1995-0) then 1.25 (1994-3) -> no card",
            () => BreastWithBoneMets().Lab(IonizedCa, 1.70m, "mmol/L", DaysAgo(3)).Lab("1994-3", 1.25m, "mmol/L", DaysAgo(1)),
            []);
        yield return new("Latest across codes: ALP 300 (6768-6) then 100 (1783-0) -> no card",
            () => Breast().Lab(Alp, 300m, "U/L", DaysAgo(10)).Lab("1783-0", 100m, "U/L", DaysAgo(2)),
            []);
        yield return new("Latest valid: newer calcium without unit is ignored, older grade 3 counts",
            () => BreastWithBoneMets().Lab(TotalCaMass, 12.8m, "mg/dL", DaysAgo(3)).Lab(TotalCaMass, 9.0m, null, DaysAgo(1)),
            [Crit(Calcium)]);
        yield return new("Corrected 46099-8 is used when the only total calcium is preliminary",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.0m, "mg/dL", DaysAgo(1), status: "preliminary").Lab("46099-8", 12.0m, "mg/dL", DaysAgo(1)),
            [Warn(Calcium)]);
        yield return new("Albumin pairing is around the calcium's time, not the latest albumin (2.1 paired, 4.5 three days later)",
            () => BreastWithBoneMets().Lab(TotalCaMass, 10.2m, "mg/dL", DaysAgo(4)).Lab(Albumin, 2.1m, "g/dL", DaysAgo(4)).Lab(Albumin, 4.5m, "g/dL", DaysAgo(1)),
            [Warn(Calcium)],
            d => AssertTextContains(d, Calcium, "11.72"));
        yield return new("Time: effectivePeriod without end falls back to issued (1 day ago)",
            () => BreastWithBoneMets().Lab(TotalCaMass, 13.0m, "mg/dL", DaysAgo(1), tweak: o => { o.Effective = new Period { StartElement = new FhirDateTime(DaysAgo(20)) }; o.Issued = DaysAgo(1); }),
            [Crit(Calcium)]);
        yield return new("Time: effectiveDateTime 10 days ago wins over a recent issued -> outside window",
            () => BreastWithBoneMets().Lab(TotalCaMass, 13.0m, "mg/dL", DaysAgo(10), tweak: o => o.Issued = DaysAgo(1)),
            []);
        yield return new("Grade 1 + preliminary nausea Observation -> info",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).SymptomObservation(Nausea, new FhirBoolean(true), DaysAgo(1), status: "preliminary"),
            [Info(Calcium)]);
        yield return new("Bone scan ServiceRequest completed 40 days ago is not recent -> imaging warning",
            () => Breast().Condition(Sct, BonePain, "Bone pain").ImagingOrder(BoneScan, "completed", DaysAgo(40)),
            [Warn(Imaging)]);
        yield return new("Whole-spine MRI done 5 days ago does not suppress R2 -> MSCC warning",
            () => Breast().Condition(Sct, Backache, "Backache").ImagingReport("30854-4", "final", DaysAgo(5)),
            [Warn(Mscc)]);
        yield return new("Bone pain + grade 1 calcium -> hypercalcaemia info + imaging warning (symptom trigger)",
            () => Breast().Condition(Sct, BonePain, "Bone pain").Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)),
            [Info(Calcium), Warn(Imaging)]);
        yield return new("Bone pain + raised ALP -> one imaging card, warning",
            () => Breast().Condition(Sct, BonePain, "Bone pain").Lab(Alp, 300m, "U/L", DaysAgo(2)),
            [Warn(Imaging)]);
        yield return new("R1 + R3 + R4 together: limb weakness, femur pain, Ca 13.0 -> three cards",
            () => Breast().Condition(Sct, LimbWeakness, "Muscle weakness of limb").Condition(Sct, FemurPain, "Pain in femur").Lab(TotalCaMass, 13.0m, "mg/dL", DaysAgo(1)),
            [Crit(Mscc), Crit(Calcium), Warn(Fracture)]);
        yield return new("Bone ALP in ug/L above its lab ULN overrides the liver flag",
            () => Breast().Lab(Alp, 300m, "U/L", DaysAgo(2)).Lab(Ggt, 200m, "U/L", DaysAgo(1)).Lab("1777-2", 30m, "ug/L", DaysAgo(1), refHigh: 20m),
            [Info(Imaging)],
            d => AssertTextContains(d, Imaging, "bone source likely"));

        // --- SNOMED subsumption (<< descendants-or-self), §2.2 and §5 "include its descendants" ---
        yield return new("Subsumption: Synthea 278860009 Chronic low back pain (<< 279039007 Low back pain) + prostate -> MSCC warning",
            () => new PatientRecord().Condition(Sct, "126906006", "Neoplasm of prostate").Condition(Sct, "278860009", "Chronic low back pain (finding)"),
            [Warn(Mscc)]);
        yield return new("Subsumption: 134407002 Chronic back pain (<< 161891005 Backache) + breast -> MSCC warning",
            () => Breast().Condition(Sct, "134407002", "Chronic back pain"),
            [Warn(Mscc)]);
        yield return new("Subsumption: 278862001 Acute low back pain (<< 279039007) + breast -> MSCC warning",
            () => Breast().Condition(Sct, "278862001", "Acute low back pain"),
            [Warn(Mscc)]);
        yield return new("Subsumption: grade 1 + 16932000 Nausea and vomiting (<< 422587007 Nausea) -> warning",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).Condition(Sct, "16932000", "Nausea and vomiting"),
            [Warn(Calcium)]);
        yield return new("Subsumption: grade 1 + 236069009 Chronic constipation (<< 14760008 Constipation) -> warning",
            () => BreastWithBoneMets().Lab(TotalCaMass, 11.0m, "mg/dL", DaysAgo(1)).Condition(Sct, "236069009", "Chronic constipation"),
            [Warn(Calcium)]);

        // --- required card content ---
        yield return new("Content: R1 card (critical) names the emergency steps and MRI within 24 h",
            () => Breast().Condition(Sct, "192970008", "Cauda equina syndrome"),
            [Crit(Mscc)],
            d =>
            {
                AssertWholeSpineMri(d, RequestPriority.Stat);
                AssertTextContains(d, Mscc, "24 h", "immediately", "dexamethasone", "192970008");
            });
        yield return new("Content: R2 card names MSCC coordinator within 24 h and MRI within 1 week",
            () => Breast().Condition(Sct, "267981009", "Thoracic spine pain"),
            [Warn(Mscc)],
            d =>
            {
                AssertWholeSpineMri(d, RequestPriority.Urgent);
                AssertTextContains(d, Mscc, "MSCC coordinator", "1 week", "267981009");
            });
        yield return new("Content: R3 card shows corrected value, albumin and the formula",
            () => BreastWithBoneMets().Lab(TotalCaMoles, 3.32m, "mmol/L", DaysAgo(1)).Lab(Albumin, 38m, "g/L", DaysAgo(1)),
            [Crit(Calcium)],
            d => AssertTextContains(d, Calcium, "3.36", "38 g/L", "0.02", TotalCaMoles, Day(DaysAgo(1))));
        yield return new("Content: R6 card shows the ALP grade as x ULN",
            () => Breast().Lab(Alp, 300m, "U/L", DaysAgo(2)),
            [Info(Imaging)],
            d => AssertTextContains(d, Imaging, "2.5", "ULN"));
        yield return new("Content: R4 pathological fracture card suggests orthopaedic referral 308481009",
            () => Breast().Condition(Icd10Cm, "M84.551A", "Pathological fracture in neoplastic disease, right femur"),
            [Warn(Fracture), Warn(Imaging)],
            d => AssertAnyTextContains(d, Fracture, "308481009", "M84.551A"));
    }
}
