using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Domain.Units;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// R3 arithmetic (clinical.md R3): selects the calcium results, pairs albumin, applies Payne, grades by CTCAE v5.
/// </summary>
/// <remarks>
/// Total calcium: the latest valid total calcium in the calcium window. A lab-reported corrected calcium is used (as
/// reported, no further correction) only when it is newer than the latest total calcium, or there is no total calcium
/// in the window — "latest wins" is never overridden by the kind of result. On equal times the total calcium is used.
/// Albumin: the valid albumin closest in time to that total calcium within ± the pairing window (on a tie, the later).
/// Ionized: the latest valid ionized calcium in the window, always graded in mmol/L.
/// </remarks>
internal static class CalciumAssessor
{
    public static CalciumAssessment? Assess(EvaluationContext ctx)
    {
        var windowStart = ctx.Clock.Now - TimeSpan.FromDays(ctx.Windows.CalciumDays);
        var total = ctx.Labs.Latest(Concepts.LabCalciumTotal, windowStart);
        var labCorrected = ctx.Labs.Latest(Concepts.LabCalciumCorrected, windowStart);
        var ionized = ctx.Labs.Latest(Concepts.LabCalciumIonized, windowStart);

        var calcium = total;
        if (labCorrected is not null && (total is null || labCorrected.Time > total.Time))
        {
            calcium = labCorrected;
        }

        if (calcium is null && ionized is null)
        {
            return null;
        }

        var grader = ctx.Services.Grader;
        LabResult? albumin = null;
        decimal? corrected = null;
        CalciumGrade? totalGrade = null;
        var severe = false;
        if (calcium is not null)
        {
            var value = new Measure(calcium.Value, calcium.Unit);
            if (ReferenceEquals(calcium, total))
            {
                albumin = ctx.Labs.Closest(Concepts.LabAlbumin, calcium.Time!.Value, TimeSpan.FromHours(ctx.Windows.AlbuminPairingHours));
                if (albumin is not null && ctx.Services.Payne.TryCorrect(calcium.Value, calcium.Unit, albumin.Value, albumin.Unit, out var c))
                {
                    corrected = c.Value;
                    value = c;
                }
                else
                {
                    albumin = null;
                }
            }

            // An upper bound ("<13 mg/dL") cannot show that calcium is raised: it wins as the latest result, grade 0.
            if (calcium.Bound != LabBound.AtMost && grader.TryGradeTotalCalcium(value.Value, value.Unit, calcium.ReferenceHigh, out var g))
            {
                totalGrade = g;
                severe = grader.IsSevere(g.Value, g.Unit);
            }
        }

        CalciumGrade? ionizedGrade = null;
        if (ionized is not null && ionized.Bound != LabBound.AtMost && grader.TryGradeIonizedCalcium(ionized.Value, ionized.Unit, ionized.ReferenceHigh, out var ig))
        {
            ionizedGrade = ig;
        }

        var tg = totalGrade?.Grade ?? 0;
        var ig2 = ionizedGrade?.Grade ?? 0;
        var grade = Math.Max(tg, ig2);
        return new CalciumAssessment(
            TotalCalcium: calcium,
            Albumin: albumin,
            CorrectedValue: corrected,
            GradedValue: totalGrade?.Value,
            GradedUnit: totalGrade?.Unit,
            TotalUln: totalGrade?.Uln,
            TotalUlnFromLab: totalGrade?.UlnFromLab ?? false,
            TotalGrade: tg,
            Ionized: ionized,
            IonizedMmolL: ionizedGrade?.Value,
            IonizedUlnMmolL: ionizedGrade?.Uln,
            IonizedGrade: ig2,
            Grade: grade,
            SymptomUpgrade: grade == 1 && ctx.Symptoms.Hypercalcaemia.Count > 0,
            Severe: severe);
    }
}
