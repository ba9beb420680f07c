using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>How Condition and Observation statuses are read (clinical.md §2.3, §2.4). One place for every status rule.</summary>
internal static class ConditionSemantics
{
    /// <summary>
    /// verificationStatus confirmed or absent counts. entered-in-error/refuted are ignored and provisional/unconfirmed/
    /// differential do not count; an unrecognised code cannot be shown to be confirmed, so it does not count either.
    /// </summary>
    public static bool Counts(ConditionFact condition) =>
        condition.VerificationStatus is VerificationStatus.Absent or VerificationStatus.Confirmed;

    /// <summary>
    /// clinicalStatus active, recurrence, relapse or absent: a current cancer, or a present symptom/fracture. Anything
    /// else (inactive, remission, resolved, unrecognised) is past cancer / an absent symptom.
    /// </summary>
    public static bool IsCurrent(ClinicalStatus status) =>
        status is ClinicalStatus.Absent or ClinicalStatus.Active or ClinicalStatus.Recurrence or ClinicalStatus.Relapse;

    /// <summary>Observation.status final, amended or corrected; everything else (incl. preliminary) is ignored.</summary>
    public static bool IsValidResult(ResultStatus status) =>
        status is ResultStatus.Final or ResultStatus.Amended or ResultStatus.Corrected;

    /// <summary>
    /// The date of a symptom or fracture Condition: the later of onset and recorded date, ignoring either one when it lies
    /// beyond the future tolerance (a data error). Null when neither is usable: the finding cannot be shown to be recent.
    /// </summary>
    public static DateTimeOffset? FindingDate(ConditionFact condition, EvaluationClock clock)
    {
        DateTimeOffset? best = null;
        if (condition.Onset is { } onset && clock.IsNotFuture(onset))
        {
            best = onset;
        }

        if (condition.Recorded is { } recorded && clock.IsNotFuture(recorded) && (best is null || recorded > best))
        {
            best = recorded;
        }

        return best;
    }

    /// <summary>Lower-case word for a past cancer's clinical status, for evidence qualifiers.</summary>
    public static string PastStatusWord(ClinicalStatus status) => status switch
    {
        ClinicalStatus.Inactive => "inactive",
        ClinicalStatus.Remission => "remission",
        ClinicalStatus.Resolved => "resolved",
        _ => "status not recognised",
    };
}
