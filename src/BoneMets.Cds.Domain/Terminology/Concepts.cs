namespace BoneMets.Cds.Domain.Terminology;

/// <summary>
/// Concept-set ids. Each id is the <c>ValueSet.id</c> of one file in <c>cds-services/valuesets/</c>; the mapper tags
/// every FHIR resource with the ids its codings match, and the rules only ever look at these ids.
/// </summary>
public static class Concepts
{
    // Target primary cancers (clinical.md §5.1). Personal-history codes (Z85.*) are separate: they always mean past cancer.
    public const string CancerBreast = "cancer-breast";
    public const string CancerProstate = "cancer-prostate";
    public const string CancerLung = "cancer-lung";
    public const string CancerThyroid = "cancer-thyroid";
    public const string CancerKidney = "cancer-kidney";
    public const string HistoryBreast = "cancer-history-breast";
    public const string HistoryProstate = "cancer-history-prostate";
    public const string HistoryLung = "cancer-history-lung";
    public const string HistoryThyroid = "cancer-history-thyroid";
    public const string HistoryKidney = "cancer-history-kidney";

    public const string BoneMetastasis = "bone-metastasis";             // §5.2
    public const string PathologicalFracture = "pathological-fracture"; // §5.4
    public const string LiverDisease = "liver-disease";                 // §5.7 (incl. liver metastases)

    // Symptom groups (§5.6) and cord-compression diagnoses (§5.3, part of group N).
    public const string SymptomBonePain = "symptom-bone-pain";           // group B
    public const string SymptomLongBonePain = "symptom-long-bone-pain";  // group L
    public const string SymptomSpinalPain = "symptom-spinal-pain";       // group S
    public const string SymptomNeuroRedFlag = "symptom-neuro-red-flag";  // group N
    public const string SymptomHypercalcaemia = "symptom-hypercalcaemia"; // group H

    // Laboratory analytes (§5.8, LOINC).
    public const string LabCalciumTotal = "lab-calcium-total";
    public const string LabCalciumCorrected = "lab-calcium-corrected";
    public const string LabCalciumIonized = "lab-calcium-ionized";
    public const string LabAlbumin = "lab-albumin";
    public const string LabAlp = "lab-alp";
    public const string LabAlpBone = "lab-alp-bone";
    public const string LabGgt = "lab-ggt";
    public const string Lab5Nucleotidase = "lab-5-nucleotidase";
    public const string LabNtx = "lab-urine-ntx";
    public const string LabPsa = "lab-psa";

    // Bone-relevant imaging (§5.9): studies and orders that suppress a new imaging recommendation.
    public const string ImagingBone = "imaging-bone";

    public static readonly IReadOnlyList<string> All =
    [
        CancerBreast, CancerProstate, CancerLung, CancerThyroid, CancerKidney,
        HistoryBreast, HistoryProstate, HistoryLung, HistoryThyroid, HistoryKidney,
        BoneMetastasis, PathologicalFracture, LiverDisease,
        SymptomBonePain, SymptomLongBonePain, SymptomSpinalPain, SymptomNeuroRedFlag, SymptomHypercalcaemia,
        LabCalciumTotal, LabCalciumCorrected, LabCalciumIonized, LabAlbumin, LabAlp, LabAlpBone, LabGgt,
        Lab5Nucleotidase, LabNtx, LabPsa,
        ImagingBone,
    ];
}
