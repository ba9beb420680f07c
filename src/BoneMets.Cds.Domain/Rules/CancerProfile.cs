using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>One counted target-primary cancer Condition for one site (clinical.md §2.6).</summary>
/// <param name="Condition">The Condition.</param>
/// <param name="Site">Primary site.</param>
/// <param name="Code">The coding that matched (the cancer coding when present, else the personal-history coding).</param>
/// <param name="Current">Current cancer (active/recurrence/relapse/absent status and not a personal-history code).</param>
/// <param name="PersonalHistory">Matched a personal-history concept (ICD-10-CM Z85.*): always past cancer.</param>
/// <param name="Qualifying">In CancerQualifying: current, or past within the look-back.</param>
internal sealed record CancerEntry(
    ConditionFact Condition,
    CancerSite Site,
    CodeRef Code,
    bool Current,
    bool PersonalHistory,
    bool Qualifying);

/// <summary>A counted context Condition (bone metastasis, liver disease) and the coding that matched.</summary>
internal sealed record ContextCondition(ConditionFact Condition, CodeRef Code);

/// <summary>
/// The cancer context sets of clinical.md §2.6: CancerAny, CancerQualifying, KnownBoneMets, CancerContext, plus the
/// liver-disease Conditions R6 needs. Only counted Conditions (verification confirmed or absent) take part.
/// </summary>
internal sealed class CancerProfile
{
    private static readonly (CancerSite Site, string Cancer, string History)[] SiteConcepts =
    [
        (CancerSite.Breast, Concepts.CancerBreast, Concepts.HistoryBreast),
        (CancerSite.Prostate, Concepts.CancerProstate, Concepts.HistoryProstate),
        (CancerSite.Lung, Concepts.CancerLung, Concepts.HistoryLung),
        (CancerSite.Thyroid, Concepts.CancerThyroid, Concepts.HistoryThyroid),
        (CancerSite.Kidney, Concepts.CancerKidney, Concepts.HistoryKidney),
    ];

    private CancerProfile()
    {
    }

    /// <summary>Counted cancers: current first, then most recent first.</summary>
    public List<CancerEntry> Cancers { get; } = [];

    /// <summary>Counted bone-metastasis Conditions (any clinical status).</summary>
    public List<ContextCondition> BoneMetastases { get; } = [];

    /// <summary>Counted, current liver-disease Conditions (incl. liver metastases) for the R6 liver caveat.</summary>
    public List<ContextCondition> LiverDisease { get; } = [];

    /// <summary>CancerAny: any counted target-primary cancer, current or past without a time limit.</summary>
    public bool Any => Cancers.Count > 0;

    /// <summary>CancerQualifying: a current cancer or a past one within the look-back (gates R5 only).</summary>
    public bool Qualifying { get; private set; }

    /// <summary>KnownBoneMets.</summary>
    public bool KnownBoneMets => BoneMetastases.Count > 0;

    /// <summary>CancerContext = CancerAny ∪ KnownBoneMets (gates R1–R4).</summary>
    public bool Context => Any || KnownBoneMets;

    /// <summary>Distinct sites of all counted cancers, in <see cref="CancerSite"/> order.</summary>
    public List<CancerSite> Sites { get; } = [];

    /// <summary>Distinct sites of qualifying cancers, in <see cref="CancerSite"/> order.</summary>
    public List<CancerSite> QualifyingSites { get; } = [];

    /// <param name="conditions">All mapped Conditions.</param>
    /// <param name="now">Evaluation time.</param>
    /// <param name="lookbackYears">CancerLookbackYears.</param>
    public static CancerProfile Build(IReadOnlyList<ConditionFact> conditions, DateTimeOffset now, int lookbackYears)
    {
        var profile = new CancerProfile();
        var lookbackStart = now.AddYears(-lookbackYears);
        foreach (var condition in conditions)
        {
            if (!ConditionSemantics.Counts(condition))
            {
                continue;
            }

            foreach (var (site, cancerConcept, historyConcept) in SiteConcepts)
            {
                var hasCancer = condition.Matches.TryGetValue(cancerConcept, out var cancerCode);
                var hasHistory = condition.Matches.TryGetValue(historyConcept, out var historyCode);
                if (!hasCancer && !hasHistory)
                {
                    continue;
                }

                // A personal-history code always means past cancer, whatever the clinical status says.
                var current = hasCancer && !hasHistory && ConditionSemantics.IsCurrent(condition.ClinicalStatus);
                var qualifying = current || PastWithinLookback(condition, lookbackStart);
                profile.Cancers.Add(new CancerEntry(condition, site, (hasCancer ? cancerCode : historyCode)!, current, hasHistory, qualifying));
                profile.Qualifying |= qualifying;
                AddSite(profile.Sites, site);
                if (qualifying)
                {
                    AddSite(profile.QualifyingSites, site);
                }
            }

            if (condition.Matches.TryGetValue(Concepts.BoneMetastasis, out var mets))
            {
                profile.BoneMetastases.Add(new ContextCondition(condition, mets));
            }

            if (condition.Matches.TryGetValue(Concepts.LiverDisease, out var liver) && ConditionSemantics.IsCurrent(condition.ClinicalStatus))
            {
                profile.LiverDisease.Add(new ContextCondition(condition, liver));
            }
        }

        if (profile.Cancers.Count > 1)
        {
            profile.Cancers.Sort(CurrentThenRecent);
        }

        profile.Sites.Sort();
        profile.QualifyingSites.Sort();
        return profile;
    }

    /// <summary>
    /// Past cancer look-back: abatement within the look-back; with no abatement, the latest of onset and recorded date;
    /// with no date at all, it counts (it cannot be shown to be remote).
    /// </summary>
    private static bool PastWithinLookback(ConditionFact condition, DateTimeOffset lookbackStart)
    {
        if (condition.Abatement is { } abatement)
        {
            return abatement >= lookbackStart;
        }

        DateTimeOffset? latest = condition.Onset;
        if (condition.Recorded is { } recorded && (latest is null || recorded > latest))
        {
            latest = recorded;
        }

        return latest is not { } date || date >= lookbackStart;
    }

    private static void AddSite(List<CancerSite> sites, CancerSite site)
    {
        if (!sites.Contains(site))
        {
            sites.Add(site);
        }
    }

    private static int CurrentThenRecent(CancerEntry a, CancerEntry b)
    {
        if (a.Current != b.Current)
        {
            return a.Current ? -1 : 1;
        }

        if (a.Qualifying != b.Qualifying)
        {
            return a.Qualifying ? -1 : 1;
        }

        var da = a.Condition.Onset ?? a.Condition.Recorded;
        var db = b.Condition.Onset ?? b.Condition.Recorded;
        var byDate = Nullable.Compare(db, da);
        return byDate != 0 ? byDate : string.CompareOrdinal(a.Condition.Id, b.Condition.Id);
    }
}
