using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// Recent symptoms by group (§5.6: B, L, S, N, H) and recent pathological fractures, each list latest first.
/// Symptoms come from Conditions (counted verification, present clinical status, dated within the symptom window) and
/// from symptom Observations (valid status, <see cref="Presence.Present"/>, dated within the window).
/// </summary>
/// <remarks>
/// An Observation saying a symptom is absent (or indeterminate) is ignored: it neither counts nor cancels a present
/// Condition or an earlier present Observation (safety first; clinical.md §3.2 only says "ignored").
/// </remarks>
internal sealed class SymptomIndex
{
    private SymptomIndex()
    {
    }

    public List<Finding> BonePain { get; } = [];
    public List<Finding> LongBonePain { get; } = [];
    public List<Finding> SpinalPain { get; } = [];
    public List<Finding> NeuroRedFlag { get; } = [];
    public List<Finding> Hypercalcaemia { get; } = [];
    public List<Finding> Fractures { get; } = [];

    public static SymptomIndex Build(PatientFacts facts, EvaluationClock clock, WindowSettings windows)
    {
        var index = new SymptomIndex();
        var symptomWindow = TimeSpan.FromDays(windows.SymptomDays);
        var fractureWindow = TimeSpan.FromDays(windows.FractureDays);

        foreach (var condition in facts.Conditions)
        {
            if (!ConditionSemantics.Counts(condition) || !ConditionSemantics.IsCurrent(condition.ClinicalStatus))
            {
                continue;
            }

            var date = ConditionSemantics.FindingDate(condition, clock);
            if (date is not { } d)
            {
                continue;
            }

            if (condition.Matches.TryGetValue(Concepts.PathologicalFracture, out var fx) && clock.IsRecent(d, fractureWindow))
            {
                index.Fractures.Add(new Finding(EvidenceKind.Diagnosis, condition.Id, fx, d, false));
            }

            if (clock.IsRecent(d, symptomWindow))
            {
                index.AddSymptom(condition.Matches, condition.Id, d, false);
            }
        }

        foreach (var observation in facts.SymptomObservations)
        {
            if (observation.Presence != Presence.Present
                || !ConditionSemantics.IsValidResult(observation.Status)
                || !clock.IsRecent(observation.Time, symptomWindow))
            {
                continue;
            }

            index.AddSymptom(observation.Matches, observation.Id, observation.Time!.Value, true);
        }

        foreach (var list in new[] { index.BonePain, index.LongBonePain, index.SpinalPain, index.NeuroRedFlag, index.Hypercalcaemia, index.Fractures })
        {
            if (list.Count > 1)
            {
                list.Sort(LatestFirst);
            }
        }

        return index;
    }

    private void AddSymptom(IReadOnlyDictionary<string, CodeRef> matches, string id, DateTimeOffset date, bool fromObservation)
    {
        Add(BonePain, Concepts.SymptomBonePain);
        Add(LongBonePain, Concepts.SymptomLongBonePain);
        Add(SpinalPain, Concepts.SymptomSpinalPain);
        Add(NeuroRedFlag, Concepts.SymptomNeuroRedFlag);
        Add(Hypercalcaemia, Concepts.SymptomHypercalcaemia);

        void Add(List<Finding> list, string concept)
        {
            if (matches.TryGetValue(concept, out var code))
            {
                list.Add(new Finding(EvidenceKind.Symptom, id, code, date, fromObservation));
            }
        }
    }

    private static int LatestFirst(Finding a, Finding b)
    {
        var byDate = b.Date.CompareTo(a.Date);
        return byDate != 0 ? byDate : string.CompareOrdinal(a.ResourceId, b.ResourceId);
    }
}
