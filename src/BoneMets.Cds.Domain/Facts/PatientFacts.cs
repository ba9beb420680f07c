namespace BoneMets.Cds.Domain.Facts;

/// <summary>Everything the rules may use about one patient, already mapped from FHIR and tagged with concept ids.</summary>
/// <param name="PatientId">The context patient id (for logs and card identity; never shown in cards).</param>
/// <param name="Demographics">Birth date and deceased flag.</param>
/// <param name="Conditions">Conditions whose codings matched at least one concept set.</param>
/// <param name="Labs">Laboratory results with a determinable unit whose code matched a lab concept set.</param>
/// <param name="SymptomObservations">Symptom Observations whose code matched a symptom concept set.</param>
/// <param name="Imaging">Bone-relevant DiagnosticReports and ServiceRequests.</param>
/// <param name="Unavailable">Optional sources that could not be obtained (not satisfied and not fetchable).</param>
public sealed record PatientFacts(
    string PatientId,
    Demographics Demographics,
    IReadOnlyList<ConditionFact> Conditions,
    IReadOnlyList<LabResult> Labs,
    IReadOnlyList<ObservationFinding> SymptomObservations,
    IReadOnlyList<ImagingFact> Imaging,
    DataSources Unavailable);

/// <summary>Patient.birthDate (null when absent or partial beyond use) and whether the patient is deceased.</summary>
public sealed record Demographics(DateOnly? BirthDate, bool Deceased);

/// <summary>A Condition, with the concept ids its codings matched (concept id → the coding that matched).</summary>
public sealed record ConditionFact(
    string Id,
    IReadOnlyDictionary<string, CodeRef> Matches,
    ClinicalStatus ClinicalStatus,
    VerificationStatus VerificationStatus,
    DateTimeOffset? Onset,
    DateTimeOffset? Recorded,
    DateTimeOffset? Abatement);

/// <summary>
/// A numeric laboratory result. <see cref="Time"/> is effectiveDateTime, else effectivePeriod.end, else issued.
/// Reference limits are in their own unit (they may differ from the value's; convert before comparing).
/// </summary>
public sealed record LabResult(
    string Id,
    string Analyte,
    CodeRef Code,
    ResultStatus Status,
    DateTimeOffset? Time,
    decimal Value,
    LabUnit Unit,
    Measure? ReferenceHigh,
    Measure? ReferenceLow)
{
    /// <summary>
    /// Whether <see cref="Value"/> is exact or a censored bound (valueQuantity.comparator: &gt; / &gt;= → AtLeast,
    /// &lt; / &lt;= → AtMost), e.g. a calcium reported as "&gt;15.0 mg/dL" above the analyser's range.
    /// </summary>
    public LabBound Bound { get; init; } = LabBound.Exact;
}

/// <summary>Exact value, or a bound reported with a comparator.</summary>
public enum LabBound
{
    Exact,
    AtLeast,
    AtMost,
}

/// <summary>A value with a unit (used for reference-range limits).</summary>
public readonly record struct Measure(decimal Value, LabUnit Unit);

/// <summary>A symptom recorded as an Observation (category survey/exam), tagged with the concept ids its code matched.</summary>
public sealed record ObservationFinding(
    string Id,
    IReadOnlyDictionary<string, CodeRef> Matches,
    ResultStatus Status,
    DateTimeOffset? Time,
    Presence Presence);

/// <summary>Where an imaging fact came from.</summary>
public enum ImagingSource
{
    Report,
    Order,
}

/// <summary>Normalised imaging status: done (report final/amended/corrected, order completed), ordered (order active/on-hold), or other.</summary>
public enum ImagingStatus
{
    Done,
    Ordered,
    Other,
}

/// <summary>A bone-relevant imaging study or order (§5.9). Time: report effective/issued; order occurrence/authoredOn.</summary>
public sealed record ImagingFact(
    string Id,
    ImagingSource Source,
    CodeRef Code,
    ImagingStatus Status,
    DateTimeOffset? Time);
