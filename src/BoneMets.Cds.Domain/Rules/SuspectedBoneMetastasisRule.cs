using System.Globalization;
using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// R5 suspected bone metastases — imaging recommendation (clinical.md §3). Fires when CancerQualifying, no known bone
/// metastases, no recent bone imaging done or ordered, no R1/R2 card (checked by the engine) and at least one trigger:
/// symptom triggers (bone pain B, long-bone pain L, pathological fracture) → warning, variant "symptom"; otherwise lab
/// triggers only (ALP grade ≥ 1, hypercalcaemia grade ≥ 1, urine NTx above the lab ULN) → info, variant "lab-only".
/// </summary>
/// <remarks>
/// Missing data never reads as normal: when imaging history or orders are unavailable the card still fires and
/// <see cref="Recommendation.Unavailable"/> says which source was missing. Orders follow the primary-site table for the
/// qualifying sites (de-duplicated); kidney has no orderable first-line study with a code in clinical.md, so it adds none.
/// Priority: urgent for symptom triggers (the "urgent outpatient, e.g. within 2 weeks" local policy), routine for
/// lab-only triggers, which are non-specific (ALP may be hepatic).
/// </remarks>
internal static class SuspectedBoneMetastasisRule
{
    public const string VariantSymptom = "symptom";
    public const string VariantLabOnly = "lab-only";

    private const string UrgentNote =
        " Priority urgent: urgent outpatient imaging (e.g. within 2 weeks) is a local policy, not guideline-derived.";

    private const string RoutineNote =
        " Priority routine: lab-only trigger, non-specific (local policy).";

    private const string XrayReason = "Painful bone: X-ray of the whole bone (Mirels score for long bones).";

    public static Recommendation? Evaluate(EvaluationContext ctx)
    {
        var cancer = ctx.Cancer;
        if (!cancer.Qualifying || cancer.KnownBoneMets || HasRecentBoneImaging(ctx))
        {
            return null;
        }

        var symptoms = ctx.Symptoms;
        var symptomTrigger = symptoms.Fractures.Count > 0 || symptoms.LongBonePain.Count > 0 || symptoms.BonePain.Count > 0;

        var alp = ctx.Alp;
        var alpTrigger = alp is { Assessment.Grade: > 0 };
        var calcium = ctx.Calcium;
        var calciumTrigger = calcium is { Grade: > 0 };
        var ntx = ctx.Labs.Latest(Concepts.LabNtx, ctx.Clock.Now - TimeSpan.FromDays(ctx.Windows.AlpDays));
        var ntxTrigger = ntx is not null && ntx.Bound != LabBound.AtMost && AlpAssessor.AboveLabUln(ctx.Services.Units, ntx);

        if (!symptomTrigger && !alpTrigger && !calciumTrigger && !ntxTrigger)
        {
            return null;
        }

        var evidence = new EvidenceList();
        evidence.AddFindings(symptoms.Fractures, "Pathological fracture");
        evidence.AddFindings(symptoms.LongBonePain, "Long-bone pain");
        evidence.AddFindings(symptoms.BonePain, "Bone pain");

        if (alpTrigger)
        {
            AddAlpEvidence(evidence, alp!, cancer);
        }

        if (calciumTrigger)
        {
            if (calcium!.TotalCalcium is { } total && calcium.TotalGrade > 0)
            {
                evidence.AddLab(total, "Calcium", EvidenceList.GradeWord(calcium.TotalGrade));
            }

            if (calcium.Ionized is { } ionized && calcium.IonizedGrade > 0)
            {
                evidence.AddLab(ionized, "Ionized calcium", EvidenceList.GradeWord(calcium.IonizedGrade));
            }
        }

        if (ntxTrigger)
        {
            evidence.AddLab(ntx!, "Urine NTx", "above the lab ULN");
        }

        evidence.AddCancerContext(cancer, ctx.Windows.CancerLookbackYears);
        if (cancer.Sites.Contains(CancerSite.Prostate) && ctx.Labs.LatestEver(Concepts.LabPsa) is { } psa)
        {
            evidence.AddLab(psa, "Latest PSA");
        }

        var priority = symptomTrigger ? OrderPriority.Urgent : OrderPriority.Routine;
        var orders = BuildOrders(ctx, priority);

        return new Recommendation(
            CardTopic.SuspectedBoneMetastasis,
            symptomTrigger ? Indicator.Warning : Indicator.Info,
            "R5",
            symptomTrigger ? VariantSymptom : VariantLabOnly,
            evidence.Items,
            cancer.Sites,
            orders,
            calciumTrigger ? calcium : null,
            alp?.Assessment,
            ctx.Missing(DataSources.Labs | DataSources.Symptoms | DataSources.Imaging | DataSources.Orders));
    }

    /// <summary>
    /// Bone-relevant imaging done within the window, or ordered (active/on-hold) within the window. An order may carry a
    /// future (scheduled) time, and an order with no time is taken as current; a done study with no time cannot be shown
    /// to be recent. Done studies dated beyond the future tolerance are ignored as data errors.
    /// </summary>
    private static bool HasRecentBoneImaging(EvaluationContext ctx)
    {
        var window = TimeSpan.FromDays(ctx.Windows.RecentBoneImagingDays);
        var start = ctx.Clock.Now - window;
        foreach (var imaging in ctx.Facts.Imaging)
        {
            switch (imaging.Status)
            {
                case ImagingStatus.Done when ctx.Clock.IsRecent(imaging.Time, window):
                case ImagingStatus.Ordered when imaging.Time is null || imaging.Time >= start:
                    return true;
            }
        }

        return false;
    }

    private static void AddAlpEvidence(EvidenceList evidence, AlpFindings alp, CancerProfile cancer)
    {
        var a = alp.Assessment;
        var source = a.Source switch
        {
            AlpSource.BoneLikely => "bone source likely",
            AlpSource.PossiblyHepatic => "may be hepatic",
            _ => "source undetermined",
        };
        evidence.AddLab(
            a.Alp,
            "Alkaline phosphatase",
            string.Create(CultureInfo.InvariantCulture, $"{EvidenceList.GradeWord(a.Grade)} ({a.UlnMultiple:0.##} × ULN), {source}"));
        if (a.BoneAlp is { } bone)
        {
            evidence.AddLab(bone, "Bone-specific ALP", alp.BoneAlpRaised ? "above the lab ULN" : "not above the lab ULN");
        }

        if (a.Ggt is { } ggt)
        {
            evidence.AddLab(ggt, "GGT", alp.GgtRaised ? "above ULN" : "not above ULN");
        }

        if (alp.Nucleotidase is { } nt)
        {
            evidence.AddLab(nt, "5'-nucleotidase", alp.NucleotidaseRaised ? "above the lab ULN" : "not above the lab ULN");
        }

        if (a.Source == AlpSource.PossiblyHepatic)
        {
            foreach (var liver in cancer.LiverDisease)
            {
                evidence.Add(new Evidence(
                    EvidenceKind.Diagnosis, "Liver disease", liver.Condition.Id, liver.Code,
                    liver.Condition.Onset ?? liver.Condition.Recorded, Qualifier: "ALP may be hepatic"));
            }
        }
    }

    private static List<SuggestedOrder> BuildOrders(EvaluationContext ctx, OrderPriority priority)
    {
        var orders = new List<SuggestedOrder>(4);
        foreach (var site in ctx.Cancer.QualifyingSites)
        {
            switch (site)
            {
                case CancerSite.Breast:
                    OrderCatalog.AddDistinct(orders, OrderCatalog.BoneScan(priority, true,
                        "Breast primary: Tc-99m whole-body bone scan (NCCN; ACR), with X-ray of symptomatic bones."));
                    OrderCatalog.AddDistinct(orders, OrderCatalog.FdgPetCt(priority, false,
                        "Breast primary: FDG PET/CT is an alternative (NCCN: optional; if it clearly shows bone metastases a bone scan may not be needed)."));
                    break;
                case CancerSite.Prostate:
                    OrderCatalog.AddDistinct(orders, OrderCatalog.BoneScan(priority, true,
                        "Prostate primary: bone scan (NCCN/AUA/ACR); PSMA PET/CT where available has no LOINC code and must be ordered locally."));
                    break;
                case CancerSite.Lung:
                    OrderCatalog.AddDistinct(orders, OrderCatalog.FdgPetCt(priority, true,
                        "Lung primary: FDG PET/CT skull base to mid-thigh (ACR); a separate bone scan is not needed."));
                    break;
                case CancerSite.Thyroid:
                    OrderCatalog.AddDistinct(orders, OrderCatalog.FdgPetCt(priority, false,
                        "Thyroid primary: radioiodine whole-body scan first (no verified LOINC code: order locally); FDG PET/CT if RAI-refractory."));
                    break;
                case CancerSite.Kidney:
                    // CT chest/abdomen/pelvis or MRI of the symptomatic region: no code in clinical.md, card text only.
                    break;
            }
        }

        foreach (var pain in ctx.Symptoms.LongBonePain)
        {
            OrderCatalog.AddDistinct(orders, OrderCatalog.WholeBoneXray(pain.Code, priority, XrayReason));
        }

        foreach (var pain in ctx.Symptoms.BonePain)
        {
            OrderCatalog.AddDistinct(orders, OrderCatalog.WholeBoneXray(pain.Code, priority, XrayReason));
        }

        var note = priority == OrderPriority.Urgent ? UrgentNote : RoutineNote;
        var result = new List<SuggestedOrder>(orders.Count);
        foreach (var recommended in new[] { true, false })
        {
            foreach (var order in orders)
            {
                if (order.IsRecommended == recommended)
                {
                    result.Add(order with { Reason = order.Reason + note });
                }
            }
        }

        return result;
    }
}
