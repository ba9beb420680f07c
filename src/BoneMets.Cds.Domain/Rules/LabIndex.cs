using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Units;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// Valid laboratory results by analyte, latest first (clinical.md §2.4). A result is valid when its status is
/// final/amended/corrected, it has a time that is not beyond the future tolerance, and its unit is one the analyte
/// accepts. Selection is "latest wins", never the maximum.
/// </summary>
/// <remarks>
/// A censored result (<see cref="LabResult.Bound"/>) takes part with its bound as the value, as a clinician reads it:
/// "&gt;15 mg/dL" calcium is graded as at least 15, so the grade can only be understated and a critical card is never
/// lost to an out-of-range result; "&lt;2.0 mg/dL" is a newer low result and wins as the latest. Card evidence says the
/// value is a bound.
/// Ties on time are broken deterministically: corrected/amended before final, then the higher value (the safer reading),
/// then resource id.
/// </remarks>
internal sealed class LabIndex
{
    private readonly Dictionary<string, List<LabResult>> _byAnalyte;

    private LabIndex(Dictionary<string, List<LabResult>> byAnalyte) => _byAnalyte = byAnalyte;

    public static LabIndex Build(IReadOnlyList<LabResult> labs, EvaluationClock clock)
    {
        var byAnalyte = new Dictionary<string, List<LabResult>>(StringComparer.Ordinal);
        foreach (var lab in labs)
        {
            if (!ConditionSemantics.IsValidResult(lab.Status)
                || lab.Time is not { } time
                || !clock.IsNotFuture(time)
                || !UnitConverter.IsSupported(lab.Analyte, lab.Unit))
            {
                continue;
            }

            if (!byAnalyte.TryGetValue(lab.Analyte, out var list))
            {
                list = [];
                byAnalyte.Add(lab.Analyte, list);
            }

            list.Add(lab);
        }

        foreach (var list in byAnalyte.Values)
        {
            if (list.Count > 1)
            {
                list.Sort(LatestFirst);
            }
        }

        return new LabIndex(byAnalyte);
    }

    /// <summary>The latest valid result of <paramref name="analyte"/> dated at or after <paramref name="notBefore"/>.</summary>
    public LabResult? Latest(string analyte, DateTimeOffset notBefore)
    {
        var latest = LatestEver(analyte);
        return latest is not null && latest.Time >= notBefore ? latest : null;
    }

    /// <summary>The latest valid result of <paramref name="analyte"/> at any date.</summary>
    public LabResult? LatestEver(string analyte) =>
        _byAnalyte.TryGetValue(analyte, out var list) ? list[0] : null;

    /// <summary>
    /// The valid result of <paramref name="analyte"/> closest in time to <paramref name="anchor"/> within
    /// ± <paramref name="halfWidth"/> (edges included); on a tie, the later one.
    /// </summary>
    public LabResult? Closest(string analyte, DateTimeOffset anchor, TimeSpan halfWidth)
    {
        if (!_byAnalyte.TryGetValue(analyte, out var list))
        {
            return null;
        }

        LabResult? best = null;
        var bestDistance = TimeSpan.MaxValue;
        foreach (var lab in list)
        {
            var distance = (lab.Time!.Value - anchor).Duration();
            if (distance <= halfWidth && distance < bestDistance)
            {
                best = lab;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static int LatestFirst(LabResult a, LabResult b)
    {
        var byTime = b.Time!.Value.CompareTo(a.Time!.Value);
        if (byTime != 0)
        {
            return byTime;
        }

        var byStatus = Rank(b.Status).CompareTo(Rank(a.Status));
        if (byStatus != 0)
        {
            return byStatus;
        }

        var byValue = b.Value.CompareTo(a.Value);
        return byValue != 0 ? byValue : string.CompareOrdinal(a.Id, b.Id);

        static int Rank(ResultStatus status) => status is ResultStatus.Final ? 0 : 1;
    }
}
