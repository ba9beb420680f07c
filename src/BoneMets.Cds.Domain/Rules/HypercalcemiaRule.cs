using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// R3 hypercalcaemia of malignancy (clinical.md §3): CancerContext and CTCAE grade ≥ 1 on the latest valid (corrected)
/// total or ionized calcium. Grade 1 → info (warning with a recent hypercalcaemia symptom), 2 → warning, 3–4 → critical.
/// </summary>
/// <remarks>
/// No order is suggested: the endocrinology referral (306278007) is for refractory hypercalcaemia, which the engine
/// cannot recognise (it has no treatment history); management is card text.
/// </remarks>
internal static class HypercalcemiaRule
{
    public const string VariantPayneCorrected = "payne-corrected";
    public const string VariantUncorrected = "uncorrected";
    public const string VariantLabCorrected = "lab-corrected";
    public const string VariantIonizedOnly = "ionized-only";

    public static Recommendation? Evaluate(EvaluationContext ctx)
    {
        if (!ctx.Cancer.Context || ctx.Calcium is not { Grade: > 0 } calcium)
        {
            return null;
        }

        var indicator = calcium.Grade switch
        {
            1 => calcium.SymptomUpgrade ? Indicator.Warning : Indicator.Info,
            2 => Indicator.Warning,
            _ => Indicator.Critical,
        };

        var evidence = new EvidenceList();
        string variant;
        if (calcium.TotalCalcium is { } total)
        {
            var grade = EvidenceList.GradeWord(calcium.TotalGrade);
            if (total.Analyte == Terminology.Concepts.LabCalciumCorrected)
            {
                variant = VariantLabCorrected;
                evidence.AddLab(total, "Corrected calcium (lab-reported)", "as reported by the lab, " + grade);
            }
            else if (calcium.Albumin is { } albumin)
            {
                variant = VariantPayneCorrected;
                evidence.AddLab(total, "Total calcium", "Payne-corrected, " + grade);
                evidence.AddLab(albumin, "Albumin (used for correction)");
            }
            else
            {
                variant = VariantUncorrected;
                evidence.AddLab(total, "Total calcium", "uncorrected (no albumin in range), " + grade);
            }
        }
        else
        {
            variant = VariantIonizedOnly;
        }

        if (calcium.Ionized is { } ionized)
        {
            evidence.AddLab(ionized, "Ionized calcium", EvidenceList.GradeWord(calcium.IonizedGrade));
        }

        evidence.AddFindings(ctx.Symptoms.Hypercalcaemia, "Hypercalcaemia symptom");
        evidence.AddCancerContext(ctx.Cancer);
        return new Recommendation(
            CardTopic.Hypercalcemia, indicator, "R3", variant, evidence.Items, ctx.Cancer.Sites, [], calcium, null,
            ctx.Missing(DataSources.Labs | DataSources.Symptoms));
    }
}
