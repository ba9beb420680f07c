using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using static BoneMets.Cds.Api.Tests.Scenarios.Cards;
using static BoneMets.Cds.Api.Tests.Scenarios.PatientRecord;

namespace BoneMets.Cds.Api.Tests.Scenarios;

/// <summary>Scenario rows for R6 (ALP), code systems, cancer context, imaging, symptoms, red flags, fractures and gates.</summary>
public sealed partial class ClinicalScenarioTests
{
    // ---------- R6 / R5 lab trigger ----------
    private static IEnumerable<ScenarioCase> AlpCases()
    {
        yield return new("R6 ALP 120 U/L (= default ULN) -> no card",
            () => Breast().Lab(Alp, 120m, "U/L", DaysAgo(2)),
            []);
        yield return new("R6 ALP 121 U/L -> imaging info",
            () => Breast().Lab(Alp, 121m, "U/L", DaysAgo(2)),
            [Info(Imaging)]);
        yield return new("R6 ALP 300 U/L, no GGT -> imaging info showing xULN",
            () => Breast().Lab(Alp, 300m, "U/L", DaysAgo(2)),
            [Info(Imaging)],
            d => AssertTextContains(d, Imaging, "ULN", Alp));
        yield return new("R6 ALP 300 + GGT 200 (liver pattern) -> imaging info that says ALP may be hepatic",
            () => Breast().Lab(Alp, 300m, "U/L", DaysAgo(2)).Lab(Ggt, 200m, "U/L", DaysAgo(1)),
            [Info(Imaging)],
            d => AssertTextMatches(d, Imaging, "hepatic|liver"));
        yield return new("R6 ALP 300 + GGT 30 (normal) -> imaging info, bone source likely",
            () => Breast().Lab(Alp, 300m, "U/L", DaysAgo(2)).Lab(Ggt, 30m, "U/L", DaysAgo(1)),
            [Info(Imaging)],
            d => AssertTextContains(d, Imaging, "bone source likely"));
        yield return new("R6 ALP 300 + GGT 200 + bone ALP above its ULN -> bone source likely overrides liver flag",
            () => Breast().Lab(Alp, 300m, "U/L", DaysAgo(2)).Lab(Ggt, 200m, "U/L", DaysAgo(1)).Lab("1777-2", 40m, "U/L", DaysAgo(1), refHigh: 20m),
            [Info(Imaging)],
            d => AssertTextContains(d, Imaging, "bone source likely"));
        yield return new("R6 ALP 300 + recorded cirrhosis K74.60 -> imaging info with liver caveat",
            () => Breast().Lab(Alp, 300m, "U/L", DaysAgo(2)).Condition(Icd10Cm, "K74.60", "Unspecified cirrhosis of liver"),
            [Info(Imaging)],
            d => AssertTextMatches(d, Imaging, "hepatic|liver"));
        yield return new("R6 ALP 5.0 ukat/L (= 300 U/L) -> imaging info",
            () => Breast().Lab(Alp, 5.0m, "ukat/L", DaysAgo(2)),
            [Info(Imaging)]);
        yield return new("R6 ALP 1.9 ukat/L (= 114 U/L) -> no card",
            () => Breast().Lab(Alp, 1.9m, "ukat/L", DaysAgo(2)),
            []);
        yield return new("R6 ALP 300 [IU]/L -> imaging info",
            () => Breast().Lab(Alp, 300m, "[IU]/L", DaysAgo(2)),
            [Info(Imaging)]);
        yield return new("R6 ALP in blood 1783-0 -> imaging info",
            () => Breast().Lab("1783-0", 300m, "U/L", DaysAgo(2)),
            [Info(Imaging)]);
        yield return new("R6 ALP 29 days old -> imaging info",
            () => Breast().Lab(Alp, 300m, "U/L", DaysAgo(29)),
            [Info(Imaging)]);
        yield return new("R6 ALP 31 days old -> no card",
            () => Breast().Lab(Alp, 300m, "U/L", DaysAgo(31)),
            []);
        yield return new("R6 ALP 110 with lab ULN 100 -> imaging info",
            () => Breast().Lab(Alp, 110m, "U/L", DaysAgo(2), refHigh: 100m),
            [Info(Imaging)]);
        yield return new("R6 ALP 130 with lab ULN 150 -> no card",
            () => Breast().Lab(Alp, 130m, "U/L", DaysAgo(2), refHigh: 150m),
            []);
        yield return new("R6 latest wins: ALP 300 then 100 -> no card",
            () => Breast().Lab(Alp, 300m, "U/L", DaysAgo(20)).Lab(Alp, 100m, "U/L", DaysAgo(2)),
            []);
        yield return new("R6 ALP raised, past cancer abated 11 years ago -> no card",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "resolved", abatement: YearsAgo(11), recorded: YearsAgo(12))
                .Lab(Alp, 300m, "U/L", DaysAgo(2)),
            []);
        yield return new("R6 ALP raised with known bone mets -> no card",
            () => BreastWithBoneMets().Lab(Alp, 300m, "U/L", DaysAgo(2)),
            []);
        yield return new("R6 ALP raised, no cancer -> no card",
            () => new PatientRecord().Lab(Alp, 300m, "U/L", DaysAgo(2)),
            []);
    }

    // ---------- §2.2 code-system normalisation ----------
    private static IEnumerable<ScenarioCase> CodeSystemCases()
    {
        yield return new("Codes: SNOMED OID cancer + backache -> MSCC warning",
            () => new PatientRecord().Condition(SctOid, BreastCa, "Malignant neoplasm of breast").Condition(Sct, Backache, "Backache"),
            [Warn(Mscc)]);
        yield return new("Codes: ICD-10-CM OID C50.911 + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Icd10CmOid, "C50.911", "Malignant neoplasm of unsp site of right female breast").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("Codes: WHO ICD-10 OID C61 + backache -> MSCC warning",
            () => new PatientRecord().Condition(Icd10Oid, "C61", "Malignant neoplasm of prostate").Condition(Sct, Backache, "Backache"),
            [Warn(Mscc)]);
        yield return new("Codes: WHO ICD-10 C34.1 + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Icd10, "C34.1", "Malignant neoplasm of upper lobe, bronchus or lung").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("Codes: WHO ICD-10 C79.5 only (known bone mets) + backache -> MSCC warning",
            () => new PatientRecord().Condition(Icd10, "C79.5", "Secondary malignant neoplasm of bone and bone marrow").Condition(Sct, Backache, "Backache"),
            [Warn(Mscc)]);
        yield return new("Codes: WHO ICD-10 C79.5 with breast cancer + bone pain -> no imaging card",
            () => Breast().Condition(Icd10, "C79.5", "Secondary malignant neoplasm of bone and bone marrow").Condition(Sct, BonePain, "Bone pain"),
            []);
        yield return new("Codes: symptom in ICD-10-CM OID form (M54.9) -> MSCC warning",
            () => Breast().Condition(Icd10CmOid, "M54.9", "Dorsalgia, unspecified"),
            [Warn(Mscc)]);
        yield return new("Codes: legacy ICD-10-CM M54.5 low back pain -> MSCC warning",
            () => Breast().Condition(Icd10Cm, "M54.5", "Low back pain"),
            [Warn(Mscc)]);
        yield return new("Codes: ICD-10-CM M54.50 low back pain -> MSCC warning",
            () => Breast().Condition(Icd10Cm, "M54.50", "Low back pain, unspecified"),
            [Warn(Mscc)]);
        yield return new("Codes: SNOMED with edition URI in Coding.version still matches",
            () => new PatientRecord()
                .Condition(Sct, BreastCa, "Malignant neoplasm of breast", tweak: c => c.Code!.Coding[0].Version = "http://snomed.info/sct/900000000000207008/version/20250301")
                .Condition(Sct, Backache, "Backache"),
            [Warn(Mscc)]);
        yield return new("Codes: local coding first, SNOMED second -> cancer counts",
            () => new PatientRecord()
                .Condition(Sct, BreastCa, "Malignant neoplasm of breast", tweak: c => c.Code!.Coding.Insert(0, new Coding("http://hospital.example.org/problems", "BRCA", "Breast cancer")))
                .Condition(Sct, Backache, "Backache"),
            [Warn(Mscc)]);
        yield return new("Codes: cancer only as CodeableConcept.text -> no card",
            () => new PatientRecord()
                .Condition(Sct, BreastCa, "x", tweak: c => c.Code = new CodeableConcept { Text = "Malignant neoplasm of breast" })
                .Condition(Sct, Backache, "Backache"),
            []);
        yield return new("Codes: cancer only in a local code system with a matching display -> no card",
            () => new PatientRecord().Condition("http://hospital.example.org/problems", "254837009", "Malignant neoplasm of breast").Condition(Sct, Backache, "Backache"),
            []);
        yield return new("Codes: metastasis TO lung (94391008) is not a lung primary -> no card",
            () => new PatientRecord().Condition(Sct, "94391008", "Secondary malignant neoplasm of lung").Condition(Sct, Backache, "Backache"),
            []);
        yield return new("Codes: non-target cancer (colon 363406005) + backache -> no card",
            () => new PatientRecord().Condition(Sct, "363406005", "Malignant tumor of colon").Condition(Sct, Backache, "Backache"),
            []);
        yield return new("Codes: liver metastases C78.7 only + backache -> no card",
            () => new PatientRecord().Condition(Icd10Cm, "C78.7", "Secondary malignant neoplasm of liver").Condition(Sct, Backache, "Backache"),
            []);
    }

    // ---------- §2.3 / §2.6 cancer status and look-back ----------
    private static IEnumerable<ScenarioCase> CancerStatusCases()
    {
        foreach (var v in new[] { "provisional", "differential", "unconfirmed", "refuted", "entered-in-error" })
        {
            yield return new($"Cancer verificationStatus {v} + backache -> no card",
                () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", verification: v).Condition(Sct, Backache, "Backache"),
                []);
        }

        yield return new("Cancer with clinical and verification status absent counts as current -> MSCC warning",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: null, verification: null).Condition(Sct, Backache, "Backache"),
            [Warn(Mscc)]);
        yield return new("Cancer clinicalStatus recurrence + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "recurrence").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("Past cancer abated 9 years ago + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "resolved", abatement: YearsAgo(9), recorded: YearsAgo(12))
                .Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("Past cancer abated 11 years ago + bone pain -> no card",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "resolved", abatement: YearsAgo(11), recorded: YearsAgo(12))
                .Condition(Sct, BonePain, "Bone pain"),
            []);
        yield return new("Past cancer abated 11 years ago + limb weakness -> MSCC critical",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "resolved", abatement: YearsAgo(11), recorded: YearsAgo(12))
                .Condition(Sct, LimbWeakness, "Muscle weakness of limb"),
            [Crit(Mscc)]);
        yield return new("Past cancer abated 9 years ago + limb weakness -> MSCC critical",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "remission", abatement: YearsAgo(9), recorded: YearsAgo(12))
                .Condition(Sct, LimbWeakness, "Muscle weakness of limb"),
            [Crit(Mscc)]);
        yield return new("Past cancer abated 11 years ago + femur pain -> fracture warning only",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "resolved", abatement: YearsAgo(11), recorded: YearsAgo(12))
                .Condition(Sct, FemurPain, "Pain in femur"),
            [Warn(Fracture)]);
        yield return new("Past cancer, no abatement, onset and recorded 20 years ago + bone pain -> no card",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "remission", onset: YearsAgo(20), recorded: YearsAgo(20))
                .Condition(Sct, BonePain, "Bone pain"),
            []);
        yield return new("Past cancer, no abatement, onset 15 y but recorded 1 y ago (latest date) + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "inactive", onset: YearsAgo(15), recorded: YearsAgo(1))
                .Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("Past cancer with no date at all counts as qualifying + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Sct, BreastCa, "Malignant neoplasm of breast", clinical: "inactive", noRecorded: true)
                .Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("History Z85.3 recorded recently + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Icd10Cm, "Z85.3", "Personal history of malignant neoplasm of breast").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("History Z85.3 recorded 12 years ago (past cancer, beyond look-back) + bone pain -> no card",
            () => new PatientRecord().Condition(Icd10Cm, "Z85.3", "Personal history of malignant neoplasm of breast", recorded: YearsAgo(12))
                .Condition(Sct, BonePain, "Bone pain"),
            []);
        yield return new("History Z85.3 recorded 12 years ago + backache -> MSCC warning (no time limit)",
            () => new PatientRecord().Condition(Icd10Cm, "Z85.3", "Personal history of malignant neoplasm of breast", recorded: YearsAgo(12))
                .Condition(Sct, Backache, "Backache"),
            [Warn(Mscc)]);
        yield return new("History Z85.46 prostate + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Icd10Cm, "Z85.46", "Personal history of malignant neoplasm of prostate").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
    }

    // ---------- §2.6 KnownBoneMets, R5 recent imaging ----------
    private static IEnumerable<ScenarioCase> BoneMetsAndImagingCases()
    {
        yield return new("Known bone mets C79.51 + bone pain -> no card",
            () => BreastWithBoneMets().Condition(Sct, BonePain, "Bone pain"),
            []);
        yield return new("Known bone mets C79.51 + bone pain + backache -> MSCC warning only",
            () => BreastWithBoneMets().Condition(Sct, BonePain, "Bone pain").Condition(Sct, Backache, "Backache"),
            [Warn(Mscc)]);
        yield return new("Known bone mets only (no primary) + limb weakness -> MSCC critical",
            () => new PatientRecord().Condition(Icd10Cm, "C79.51", "Secondary malignant neoplasm of bone").Condition(Sct, LimbWeakness, "Muscle weakness of limb"),
            [Crit(Mscc)]);
        yield return new("Known bone mets only (no primary) + bone pain -> no card",
            () => new PatientRecord().Condition(Icd10Cm, "C79.51", "Secondary malignant neoplasm of bone").Condition(Sct, BonePain, "Bone pain"),
            []);
        yield return new("Known bone mets in resolved status still blocks the imaging card",
            () => Breast().Condition(Sct, "94222008", "Metastatic malignant neoplasm to bone", clinical: "resolved").Condition(Sct, BonePain, "Bone pain"),
            []);
        yield return new("Provisional bone mets is not counted -> imaging warning",
            () => Breast().Condition(Icd10Cm, "C79.51", "Secondary malignant neoplasm of bone", verification: "provisional").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);

        yield return new("Bone scan report final 10 days ago -> no imaging card",
            () => Breast().Condition(Sct, BonePain, "Bone pain").ImagingReport(BoneScan, "final", DaysAgo(10)),
            []);
        yield return new("Bone scan report amended 10 days ago -> no imaging card",
            () => Breast().Condition(Sct, BonePain, "Bone pain").ImagingReport(BoneScan, "amended", DaysAgo(10)),
            []);
        yield return new("Bone scan report preliminary 10 days ago does not count -> imaging warning",
            () => Breast().Condition(Sct, BonePain, "Bone pain").ImagingReport(BoneScan, "preliminary", DaysAgo(10)),
            [Warn(Imaging)]);
        yield return new("Bone scan report cancelled does not count -> imaging warning",
            () => Breast().Condition(Sct, BonePain, "Bone pain").ImagingReport(BoneScan, "cancelled", DaysAgo(10)),
            [Warn(Imaging)]);
        yield return new("Bone scan report final 40 days ago is not recent -> imaging warning",
            () => Breast().Condition(Sct, BonePain, "Bone pain").ImagingReport(BoneScan, "final", DaysAgo(40)),
            [Warn(Imaging)]);
        yield return new("NaF PET/CT (81552-2) final 5 days ago -> no imaging card",
            () => Breast().Condition(Sct, BonePain, "Bone pain").ImagingReport("81552-2", "final", DaysAgo(5)),
            []);
        yield return new("Non-bone imaging (CT head 24725-4) does not count -> imaging warning",
            () => Breast().Condition(Sct, BonePain, "Bone pain").ImagingReport("24725-4", "final", DaysAgo(5)),
            [Warn(Imaging)]);
        foreach (var status in new[] { "active", "on-hold", "completed" })
        {
            yield return new($"Bone scan ServiceRequest {status} 5 days ago -> no imaging card",
                () => Breast().Condition(Sct, BonePain, "Bone pain").ImagingOrder(BoneScan, status, DaysAgo(5)),
                []);
        }

        foreach (var status in new[] { "revoked", "draft", "entered-in-error" })
        {
            yield return new($"Bone scan ServiceRequest {status} does not count -> imaging warning",
                () => Breast().Condition(Sct, BonePain, "Bone pain").ImagingOrder(BoneScan, status, DaysAgo(5)),
                [Warn(Imaging)]);
        }
    }

    // ---------- §2.3 / §2.4 symptoms ----------
    private static IEnumerable<ScenarioCase> SymptomCases()
    {
        yield return new("Backache onset 29 days ago (no recordedDate) -> MSCC warning with code and date",
            () => Breast().Condition(Sct, Backache, "Backache", noRecorded: true, onset: DaysAgo(29)),
            [Warn(Mscc)],
            d =>
            {
                AssertWholeSpineMri(d, RequestPriority.Urgent);
                AssertTextContains(d, Mscc, Backache, Day(DaysAgo(29)));
            });
        yield return new("Backache onset 31 days ago (no recordedDate) -> no card",
            () => Breast().Condition(Sct, Backache, "Backache", noRecorded: true, onset: DaysAgo(31)),
            []);
        yield return new("Backache recorded 29 days ago (no onset) -> MSCC warning",
            () => Breast().Condition(Sct, Backache, "Backache", recorded: DaysAgo(29)),
            [Warn(Mscc)]);
        yield return new("Backache recorded 31 days ago (no onset) -> no card",
            () => Breast().Condition(Sct, Backache, "Backache", recorded: DaysAgo(31)),
            []);
        yield return new("Backache with neither onset nor recordedDate -> no card",
            () => Breast().Condition(Sct, Backache, "Backache", noRecorded: true),
            []);
        yield return new("Backache onset 60 d, recorded 5 d: the later date counts -> MSCC warning",
            () => Breast().Condition(Sct, Backache, "Backache", onset: DaysAgo(60), recorded: DaysAgo(5)),
            [Warn(Mscc)]);
        foreach (var status in new[] { "resolved", "inactive", "remission" })
        {
            yield return new($"Backache clinicalStatus {status} -> no card",
                () => Breast().Condition(Sct, Backache, "Backache", clinical: status),
                []);
        }

        yield return new("Backache provisional -> no card",
            () => Breast().Condition(Sct, Backache, "Backache", verification: "provisional"),
            []);
        yield return new("Backache with no clinical/verification status -> MSCC warning",
            () => Breast().Condition(Sct, Backache, "Backache", clinical: null, verification: null),
            [Warn(Mscc)]);

        (string Label, DataType? Value, bool Present)[] answers =
        [
            ("valueBoolean true", new FhirBoolean(true), true),
            ("valueBoolean false", new FhirBoolean(false), false),
            ("Yes 373066001", new CodeableConcept(Sct, "373066001", "Yes"), true),
            ("Present 52101004", new CodeableConcept(Sct, "52101004", "Present"), true),
            ("No 373067005", new CodeableConcept(Sct, "373067005", "No"), false),
            ("Absent 2667000", new CodeableConcept(Sct, "2667000", "Absent"), false),
            ("no value", null, true),
        ];
        foreach (var (label, value, present) in answers)
        {
            yield return new($"Backache survey Observation {label} -> {(present ? "MSCC warning" : "no card")}",
                () => Breast().SymptomObservation(Backache, value, DaysAgo(2)),
                present ? [Warn(Mscc)] : []);
        }

        yield return new("Backache survey Observation preliminary -> no card",
            () => Breast().SymptomObservation(Backache, new FhirBoolean(true), DaysAgo(2), status: "preliminary"),
            []);
        yield return new("Backache survey Observation 31 days old -> no card",
            () => Breast().SymptomObservation(Backache, new FhirBoolean(true), DaysAgo(31)),
            []);
        yield return new("Limb weakness exam Observation -> MSCC critical",
            () => Breast().SymptomObservation(LimbWeakness, new FhirBoolean(true), DaysAgo(1), category: "exam"),
            [Crit(Mscc)],
            d => AssertWholeSpineMri(d, RequestPriority.Stat));
        yield return new("Bone pain survey Observation with SNOMED OID system -> imaging warning",
            () => Breast().SymptomObservation(BonePain, new FhirBoolean(true), DaysAgo(1), system: SctOid),
            [Warn(Imaging)]);
    }

    // ---------- R1 / R2 ----------
    private static IEnumerable<ScenarioCase> NeuroCases()
    {
        yield return new("Constipation only (not a red flag, never a trigger) -> no card",
            () => Breast().Condition(Sct, Constipation, "Constipation"),
            []);
        yield return new("Urinary retention 267064002 -> MSCC critical, stat whole-spine MRI, code and date in detail",
            () => Breast().Condition(Sct, "267064002", "Retention of urine", recorded: DaysAgo(2)),
            [Crit(Mscc)],
            d =>
            {
                AssertWholeSpineMri(d, RequestPriority.Stat);
                AssertTextContains(d, Mscc, "267064002", Day(DaysAgo(2)));
            });
        yield return new("Urinary retention ICD-10-CM R33.9 -> MSCC critical",
            () => Breast().Condition(Icd10Cm, "R33.9", "Retention of urine, unspecified"),
            [Crit(Mscc)]);
        yield return new("Saddle numbness 449813001 -> MSCC critical",
            () => Breast().Condition(Sct, "449813001", "Numbness of saddle area"),
            [Crit(Mscc)]);
        yield return new("Cauda equina syndrome G83.4 -> MSCC critical",
            () => Breast().Condition(Icd10Cm, "G83.4", "Cauda equina syndrome"),
            [Crit(Mscc)]);
        yield return new("Spinal cord compression G95.20 -> MSCC critical",
            () => Breast().Condition(Icd10Cm, "G95.20", "Unspecified cord compression"),
            [Crit(Mscc)]);
        yield return new("Spinal cord compression WHO ICD-10 G95.2 -> MSCC critical",
            () => Breast().Condition(Icd10, "G95.2", "Cord compression, unspecified"),
            [Crit(Mscc)]);
        yield return new("Radiculopathy M54.16 (radicular pain is group N) -> MSCC critical",
            () => Breast().Condition(Icd10Cm, "M54.16", "Radiculopathy, lumbar region"),
            [Crit(Mscc)]);
        yield return new("Muscle weakness (generalized) M62.81 -> MSCC critical",
            () => Breast().Condition(Icd10Cm, "M62.81", "Muscle weakness (generalized)"),
            [Crit(Mscc)]);
        yield return new("Difficulty in walking R26.2 -> MSCC critical",
            () => Breast().Condition(Icd10Cm, "R26.2", "Difficulty in walking, not elsewhere classified"),
            [Crit(Mscc)]);
        yield return new("Urinary incontinence R32 -> MSCC critical",
            () => Breast().Condition(Icd10Cm, "R32", "Unspecified urinary incontinence"),
            [Crit(Mscc)]);
        yield return new("Provisional bone mets is no CancerContext: limb weakness -> no card",
            () => new PatientRecord().Condition(Icd10Cm, "C79.51", "Secondary malignant neoplasm of bone", verification: "provisional").Condition(Sct, LimbWeakness, "Muscle weakness of limb"),
            []);
        yield return new("Neoplasm-related pain G89.3 is supportive only, not a trigger -> no card",
            () => Breast().Condition(Icd10Cm, "G89.3", "Neoplasm related pain (acute) (chronic)"),
            []);
        yield return new("ICD-10-CM M89.8X9 is too unspecific to be a bone-pain trigger -> no card",
            () => Breast().Condition(Icd10Cm, "M89.8X9", "Other specified disorders of bone, unspecified site"),
            []);
        yield return new("Asthenia R53.1 is not limb weakness -> no card",
            () => Breast().Condition(Icd10Cm, "R53.1", "Weakness"),
            []);
        yield return new("Faecal incontinence + backache -> MSCC critical only (R1 beats R2)",
            () => Breast().Condition(Sct, "72042002", "Incontinence of feces").Condition(Sct, Backache, "Backache"),
            [Crit(Mscc)]);
        yield return new("Red flag + bone pain -> MSCC critical only (R1 suppresses R5)",
            () => Breast().Condition(Sct, LimbWeakness, "Muscle weakness of limb").Condition(Sct, BonePain, "Bone pain"),
            [Crit(Mscc)]);
        yield return new("Red flag + femur pain -> MSCC critical + fracture warning",
            () => Breast().Condition(Sct, LimbWeakness, "Muscle weakness of limb").Condition(Sct, FemurPain, "Pain in femur"),
            [Crit(Mscc), Warn(Fracture)]);
        yield return new("Red flag + grade 2 calcium -> MSCC critical + hypercalcaemia warning, no imaging",
            () => Breast().Condition(Sct, LimbWeakness, "Muscle weakness of limb").Lab(TotalCaMass, 12.0m, "mg/dL", DaysAgo(1)),
            [Crit(Mscc), Warn(Calcium)]);
        yield return new("Backache + bone pain + raised ALP -> MSCC warning only (R2 suppresses R5)",
            () => Breast().Condition(Sct, Backache, "Backache").Condition(Sct, BonePain, "Bone pain").Lab(Alp, 300m, "U/L", DaysAgo(2)),
            [Warn(Mscc)],
            d => AssertWholeSpineMri(d, RequestPriority.Urgent));
        yield return new("Red flag 31 days old + backache 5 days -> MSCC warning (old flag ignored)",
            () => Breast().Condition(Sct, LimbWeakness, "Muscle weakness of limb", recorded: DaysAgo(31)).Condition(Sct, Backache, "Backache", recorded: DaysAgo(5)),
            [Warn(Mscc)]);
    }

    // ---------- R4 ----------
    private static IEnumerable<ScenarioCase> FractureCases()
    {
        yield return new("Pathological fracture 89 days ago -> fracture warning + imaging warning, code and date in detail",
            () => Breast().Condition(Sct, PathFracture, "Pathological fracture", recorded: DaysAgo(89)),
            [Warn(Fracture), Warn(Imaging)],
            d => AssertTextContains(d, Fracture, PathFracture, Day(DaysAgo(89))));
        yield return new("Pathological fracture 91 days ago -> no card",
            () => Breast().Condition(Sct, PathFracture, "Pathological fracture", recorded: DaysAgo(91)),
            []);
        yield return new("Pathological fracture of vertebra M84.58XA -> fracture warning + imaging warning",
            () => Breast().Condition(Icd10Cm, "M84.58XA", "Pathological fracture in neoplastic disease, other site"),
            [Warn(Fracture), Warn(Imaging)]);
        yield return new("Osteoporotic fracture M80.08XA is excluded -> no card",
            () => Breast().Condition(Icd10Cm, "M80.08XA", "Age-related osteoporosis with current pathological fracture, vertebra"),
            []);
        yield return new("Pathological fracture resolved -> no card",
            () => Breast().Condition(Sct, PathFracture, "Pathological fracture", clinical: "resolved"),
            []);
        yield return new("Pathological fracture with known bone mets -> fracture warning only",
            () => BreastWithBoneMets().Condition(Sct, PathFracture, "Pathological fracture"),
            [Warn(Fracture)]);
        yield return new("Pathological fracture without cancer -> no card",
            () => new PatientRecord().Condition(Sct, PathFracture, "Pathological fracture"),
            []);
        yield return new("Femur pain (impending fracture) -> fracture warning (Mirels) + imaging warning (whole-femur X-ray)",
            () => Breast().Condition(Sct, FemurPain, "Pain in femur"),
            [Warn(Fracture), Warn(Imaging)],
            d =>
            {
                AssertTextContains(d, Fracture, "Mirels");
                AssertAnyTextContains(d, Imaging, "24704-9");
            });
        yield return new("Thigh pain 78514002 -> fracture warning + imaging warning",
            () => Breast().Condition(Sct, "78514002", "Thigh pain"),
            [Warn(Fracture), Warn(Imaging)]);
        yield return new("Upper-arm pain 31 days old -> no card",
            () => Breast().Condition(Sct, "771083005", "Pain in upper arm", recorded: DaysAgo(31)),
            []);
    }

    // ---------- §2.1 gates ----------
    private static IEnumerable<ScenarioCase> GateCases()
    {
        static PatientRecord Flagged() => Breast().Condition(Sct, LimbWeakness, "Muscle weakness of limb");
        yield return new("Gate: deceasedBoolean true -> no cards", () => Flagged().Deceased(new FhirBoolean(true)), []);
        yield return new("Gate: deceasedBoolean false -> MSCC critical", () => Flagged().Deceased(new FhirBoolean(false)), [Crit(Mscc)]);
        yield return new("Gate: deceasedDateTime present -> no cards", () => Flagged().Deceased(new FhirDateTime(DaysAgo(1))), []);
        yield return new("Gate: 18th birthday tomorrow (17 y) -> no cards", () => Flagged().Born("2008-11-30"), []);
        yield return new("Gate: 18th birthday today -> MSCC critical", () => Flagged().Born("2008-11-29"), [Crit(Mscc)]);
        yield return new("Gate: birthDate missing -> rules still evaluated", () => Flagged().Born(null), [Crit(Mscc)]);
        yield return new("Gate: year-only birthDate 2010 (16 y) -> no cards", () => Flagged().Born("2010"), []);
        yield return new("Gate: under 18 with hypercalcaemia -> no cards",
            () => BreastWithBoneMets().Born("2012-01-01").Lab(TotalCaMass, 13.0m, "mg/dL", DaysAgo(1)),
            []);
    }

    // ---------- §5.11 Synthea codes, per-primary imaging content ----------
    private static IEnumerable<ScenarioCase> SyntheaAndPrimaryCases()
    {
        yield return new("Synthea 126906006 Neoplasm of prostate counts + bone pain -> imaging warning showing the display",
            () => new PatientRecord().Condition(Sct, "126906006", "Neoplasm of prostate").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)],
            d => AssertTextContains(d, Imaging, "Neoplasm of prostate"));
        yield return new("Synthea 92691004 carcinoma in situ of prostate + bone pain -> no card",
            () => new PatientRecord().Condition(Sct, "92691004", "Carcinoma in situ of prostate").Condition(Sct, BonePain, "Bone pain"),
            []);
        yield return new("Synthea 92691004 carcinoma in situ of prostate + backache -> no card",
            () => new PatientRecord().Condition(Sct, "92691004", "Carcinoma in situ of prostate").Condition(Sct, Backache, "Backache"),
            []);
        yield return new("Synthea 314994000 metastasis from prostate + backache -> MSCC warning",
            () => new PatientRecord().Condition(Sct, "314994000", "Metastasis from malignant tumor of prostate").Condition(Sct, Backache, "Backache"),
            [Warn(Mscc)]);
        yield return new("Synthea NSCLC TNM stage 4 (423121009) + bone pain -> imaging warning suggesting FDG PET/CT",
            () => new PatientRecord().Condition(Sct, "423121009", "Non-small cell carcinoma of lung, TNM stage 4").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)],
            d => AssertAnyTextContains(d, Imaging, "81554-8"));
        yield return new("Breast + bone pain -> imaging warning suggesting bone scan, trigger code and date in detail",
            () => Breast().Condition(Sct, BonePain, "Bone pain", recorded: DaysAgo(4)),
            [Warn(Imaging)],
            d =>
            {
                AssertAnyTextContains(d, Imaging, BoneScan);
                AssertTextContains(d, Imaging, BonePain, Day(DaysAgo(4)));
            });
        yield return new("Male breast cancer 372095001 + bone pain -> imaging warning",
            () => new PatientRecord().Condition(Sct, "372095001", "Malignant neoplasm of male breast").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)]);
        yield return new("Kidney 93849006 + rib pain -> imaging warning: CT/MRI, no bone-scan order",
            () => new PatientRecord().Condition(Sct, "93849006", "Primary malignant neoplasm of kidney").Condition(Sct, "297217002", "Rib pain"),
            [Warn(Imaging)],
            d =>
            {
                AssertTextContains(d, Imaging, "CT", "MRI");
                Assert.DoesNotContain(Suggested(d, Imaging), sr => sr.Code!.Coding.Any(c => c.Code == BoneScan));
            });
        yield return new("Thyroid 94098005 + bone pain -> imaging warning: radioiodine / FDG PET-CT, no bone-scan order",
            () => new PatientRecord().Condition(Sct, "94098005", "Primary malignant neoplasm of thyroid gland").Condition(Sct, BonePain, "Bone pain"),
            [Warn(Imaging)],
            d =>
            {
                AssertTextContains(d, Imaging, "radioiodine");
                Assert.DoesNotContain(Suggested(d, Imaging), sr => sr.Code!.Coding.Any(c => c.Code == BoneScan));
            });
        yield return new("94503003 metastasis TO prostate is not a prostate primary + backache -> no card",
            () => new PatientRecord().Condition(Sct, "94503003", "Metastatic malignant neoplasm to prostate").Condition(Sct, Backache, "Backache"),
            []);
        yield return new("Prostate + bone pain + PSA 25 ng/mL -> imaging warning showing the PSA",
            () => new PatientRecord().Condition(Sct, "399068003", "Malignant tumor of prostate").Condition(Sct, BonePain, "Bone pain")
                .Lab("2857-1", 25m, "ng/mL", DaysAgo(10)),
            [Warn(Imaging)],
            d => AssertTextContains(d, Imaging, "PSA", "25"));
    }
}
