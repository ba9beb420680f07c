using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>Card kinds; the topic code of each is in <see cref="TopicCodes"/> (our pinned decision 9).</summary>
public enum CardTopic
{
    SpinalCordCompression,
    SuspectedBoneMetastasis,
    Hypercalcemia,
    PathologicalFracture,
}

/// <summary>CDS Hooks card indicator.</summary>
public enum Indicator
{
    Info,
    Warning,
    Critical,
}

/// <summary>Primary sites the service knows (clinical.md §5.1).</summary>
public enum CancerSite
{
    Breast,
    Prostate,
    Lung,
    Thyroid,
    Kidney,
}

/// <summary>ServiceRequest.priority values used by suggestions.</summary>
public enum OrderPriority
{
    Routine,
    Urgent,
    Asap,
    Stat,
}

/// <summary>What kind of evidence an item is.</summary>
public enum EvidenceKind
{
    Diagnosis,
    Symptom,
    Lab,
    Imaging,
}

/// <summary>
/// One piece of evidence shown in a card: which resource, which coding matched, its date, and for labs the value.
/// <see cref="Role"/> is our own wording (e.g. "Cancer (breast)", "Neurological red flag"); <see cref="Code"/>.Display
/// is EHR text and must be escaped before it reaches Markdown. <see cref="Analyte"/> is the lab concept id of a lab item.
/// </summary>
public sealed record Evidence(
    EvidenceKind Kind,
    string Role,
    string ResourceId,
    CodeRef Code,
    DateTimeOffset? Date,
    decimal? Value = null,
    LabUnit? Unit = null,
    string? Qualifier = null,
    string? Analyte = null);

/// <summary>An orderable suggestion: a draft ServiceRequest to create (LOINC imaging or SNOMED referral).</summary>
public sealed record SuggestedOrder(
    string Label,
    string System,
    string Code,
    string Display,
    OrderPriority Priority,
    bool IsRecommended,
    string Reason);

/// <summary>The calcium arithmetic behind a hypercalcaemia card (clinical.md R3).</summary>
/// <param name="TotalCalcium">The latest valid total (or lab-reported corrected) calcium in the window, if any.</param>
/// <param name="Albumin">The albumin paired with it (±48 h), if any.</param>
/// <param name="CorrectedValue">Payne-corrected value in the calcium's reported unit (null when no albumin or lab-corrected).</param>
/// <param name="GradedValue">The value graded: corrected, else the uncorrected/lab-corrected total.</param>
/// <param name="GradedUnit">Unit of <see cref="GradedValue"/> (mEq/L results are graded in mmol/L).</param>
/// <param name="TotalUln">ULN used for total calcium in <see cref="GradedUnit"/>.</param>
/// <param name="TotalUlnFromLab">True when the ULN came from the result's reference range.</param>
/// <param name="TotalGrade">CTCAE grade from total calcium (0 = not raised).</param>
/// <param name="Ionized">The latest valid ionized calcium in the window, if any.</param>
/// <param name="IonizedMmolL">Ionized value in mmol/L.</param>
/// <param name="IonizedUlnMmolL">ULN used for ionized calcium, mmol/L.</param>
/// <param name="IonizedGrade">CTCAE grade from ionized calcium.</param>
/// <param name="Grade">Max of the two grades.</param>
/// <param name="SymptomUpgrade">Grade 1 raised to warning by a recent hypercalcaemia symptom.</param>
/// <param name="Severe">Above the Endocrine Society severe threshold (&gt; 14 mg/dL / 3.5 mmol/L).</param>
public sealed record CalciumAssessment(
    LabResult? TotalCalcium,
    LabResult? Albumin,
    decimal? CorrectedValue,
    decimal? GradedValue,
    LabUnit? GradedUnit,
    decimal? TotalUln,
    bool TotalUlnFromLab,
    int TotalGrade,
    LabResult? Ionized,
    decimal? IonizedMmolL,
    decimal? IonizedUlnMmolL,
    int IonizedGrade,
    int Grade,
    bool SymptomUpgrade,
    bool Severe);

/// <summary>Likely source of a raised ALP (clinical.md R6).</summary>
public enum AlpSource
{
    Undetermined,
    BoneLikely,
    PossiblyHepatic,
}

/// <summary>The ALP reading behind an imaging card (clinical.md R6).</summary>
public sealed record AlpAssessment(
    LabResult Alp,
    decimal UlnUPerL,
    bool UlnFromLab,
    decimal ValueUPerL,
    decimal UlnMultiple,
    int Grade,
    AlpSource Source,
    LabResult? Ggt,
    LabResult? BoneAlp);

/// <summary>
/// What one rule concluded. The card factory turns this into a CDS Hooks card; everything a card must show comes from
/// here (evidence, arithmetic, missing sources, suggestions), so the factory holds wording only.
/// </summary>
/// <param name="Topic">Card kind.</param>
/// <param name="Indicator">info / warning / critical as the rule says.</param>
/// <param name="RuleId">R1, R2, R3, R4, R5 (R6 feeds R5).</param>
/// <param name="Variant">Sub-case that changes wording, e.g. "pathological-fracture" / "impending-fracture", "lab-only".</param>
/// <param name="Evidence">Items shown in the card, most important first.</param>
/// <param name="Sites">Primary sites on record (drives imaging choice and wording).</param>
/// <param name="Orders">Suggested orders, in display order.</param>
/// <param name="Calcium">For hypercalcaemia, and for R5 when hypercalcaemia is a trigger.</param>
/// <param name="Alp">For R5 when ALP is a trigger or shown.</param>
/// <param name="Unavailable">Optional data sources that were not available and that this rule would have used.</param>
public sealed record Recommendation(
    CardTopic Topic,
    Indicator Indicator,
    string RuleId,
    string Variant,
    IReadOnlyList<Evidence> Evidence,
    IReadOnlyList<CancerSite> Sites,
    IReadOnlyList<SuggestedOrder> Orders,
    CalciumAssessment? Calcium,
    AlpAssessment? Alp,
    DataSources Unavailable);

/// <summary>Topic codes sent in <c>card.source.topic.code</c>.</summary>
public static class TopicCodes
{
    public const string System = "https://bonemets-cds.example.org/fhir/CodeSystem/card-topic";

    public static string Code(CardTopic topic) => topic switch
    {
        CardTopic.SpinalCordCompression => "spinal-cord-compression",
        CardTopic.SuspectedBoneMetastasis => "suspected-bone-metastasis",
        CardTopic.Hypercalcemia => "hypercalcemia",
        CardTopic.PathologicalFracture => "pathological-fracture",
        _ => throw new ArgumentOutOfRangeException(nameof(topic)),
    };
}
