using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;

namespace BoneMets.Cds.Domain.Units;

/// <summary>A calcium result graded against CTCAE v5 "Hypercalcemia".</summary>
/// <param name="Grade">0 (not above the ULN) to 4.</param>
/// <param name="Value">The value graded, in <paramref name="Unit"/>.</param>
/// <param name="Unit">The grading unit: mg/dL or mmol/L (mEq/L and all ionized results are graded in mmol/L).</param>
/// <param name="Uln">The ULN used, in <paramref name="Unit"/>.</param>
/// <param name="UlnFromLab">True when the ULN came from the result's reference range.</param>
public readonly record struct CalciumGrade(int Grade, decimal Value, LabUnit Unit, decimal Uln, bool UlnFromLab);

/// <summary>An ALP result graded against CTCAE v5 "Alkaline phosphatase increased" (baseline normal).</summary>
/// <param name="Grade">0 (not above the ULN) to 4.</param>
/// <param name="ValueUPerL">The value in U/L.</param>
/// <param name="UlnUPerL">The ULN used, U/L.</param>
/// <param name="UlnFromLab">True when the ULN came from the result's reference range.</param>
/// <param name="UlnMultiple">Value ÷ ULN, rounded to 2 decimals (for display).</param>
public readonly record struct AlpGrade(int Grade, decimal ValueUPerL, decimal UlnUPerL, bool UlnFromLab, decimal UlnMultiple);

/// <summary>
/// CTCAE v5.0 grading (clinical.md R3, R6). Hypercalcaemia is graded in the unit reported, because CTCAE's mg/dL and
/// mmol/L cut-offs are not exact conversions of each other: mg/dL with the mg/dL table, mmol/L with the mmol/L table;
/// mEq/L is converted to mmol/L (÷ 2) and graded there; ionized calcium is always graded in mmol/L.
/// </summary>
/// <remarks>
/// Every CTCAE cut-off is "&gt;": a value equal to a bound belongs to the lower grade (mg/dL 11.5 → 1, 11.51 → 2).
/// Grade 0 when the value is ≤ ULN. Grade 1 is "&gt; ULN – bound 1"; when the ULN is at or above bound 1 that range is
/// empty, and a value above both still gets grade 2 or higher.
/// </remarks>
public sealed class CtcaeGrader
{
    private readonly Thresholds _thresholds;
    private readonly UnitConverter _units;

    public CtcaeGrader(Thresholds thresholds, UnitConverter units)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(units);
        _thresholds = thresholds;
        _units = units;
    }

    /// <summary>
    /// Generic CTCAE step grading: 0 when ≤ <paramref name="uln"/>, else 1 + the number of
    /// <paramref name="upperBounds"/> (ascending upper bounds of grades 1, 2, 3) the value exceeds.
    /// </summary>
    public static int GradeAboveUln(decimal value, decimal uln, IReadOnlyList<decimal> upperBounds)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        if (value <= uln)
        {
            return 0;
        }

        var grade = 1;
        for (var i = 0; i < upperBounds.Count; i++)
        {
            if (value > upperBounds[i])
            {
                grade = i + 2;
            }
        }

        return grade;
    }

    /// <summary>
    /// Grades a total calcium (Payne-corrected, lab-corrected or uncorrected) with the "corrected serum Ca" columns.
    /// <paramref name="referenceHigh"/> is the result's reference-range high in any calcium unit.
    /// False when the unit is not a calcium unit.
    /// </summary>
    public bool TryGradeTotalCalcium(decimal value, LabUnit unit, Measure? referenceHigh, out CalciumGrade grade)
    {
        grade = default;
        LabUnit gradingUnit;
        IReadOnlyList<decimal> bounds;
        decimal defaultUln;
        switch (unit)
        {
            case LabUnit.MgPerDl:
                gradingUnit = LabUnit.MgPerDl;
                bounds = _thresholds.HypercalcemiaCtcae.CorrectedMgDl;
                defaultUln = _thresholds.DefaultUln.CalciumTotalMgDl;
                break;
            case LabUnit.MmolPerL:
            case LabUnit.MeqPerL:
                gradingUnit = LabUnit.MmolPerL;
                bounds = _thresholds.HypercalcemiaCtcae.CorrectedMmolL;
                defaultUln = _thresholds.DefaultUln.CalciumTotalMmolL;
                break;
            default:
                return false;
        }

        if (!_units.TryConvertCalcium(value, unit, gradingUnit, out var graded))
        {
            return false;
        }

        var uln = ReferenceLimits.Resolve(_units, Concepts.LabCalciumTotal, referenceHigh, gradingUnit, defaultUln, out var fromLab);
        grade = new CalciumGrade(GradeAboveUln(graded, uln, bounds), graded, gradingUnit, uln, fromLab);
        return true;
    }

    /// <summary>Grades an ionized calcium in mmol/L (mg/dL and mEq/L results are converted). False for other units.</summary>
    public bool TryGradeIonizedCalcium(decimal value, LabUnit unit, Measure? referenceHigh, out CalciumGrade grade)
    {
        grade = default;
        if (!_units.TryConvertCalcium(value, unit, LabUnit.MmolPerL, out var mmol))
        {
            return false;
        }

        var uln = ReferenceLimits.Resolve(
            _units, Concepts.LabCalciumIonized, referenceHigh, LabUnit.MmolPerL, _thresholds.DefaultUln.CalciumIonizedMmolL, out var fromLab);
        grade = new CalciumGrade(
            GradeAboveUln(mmol, uln, _thresholds.HypercalcemiaCtcae.IonizedMmolL), mmol, LabUnit.MmolPerL, uln, fromLab);
        return true;
    }

    /// <summary>
    /// Grades an ALP (U/L or µkat/L, compared in U/L) by multiples of the ULN: &gt; ULN–2.5× = 1, &gt; 2.5–5× = 2,
    /// &gt; 5–20× = 3, &gt; 20× = 4 (multiples from thresholds). False for other units.
    /// </summary>
    public bool TryGradeAlp(decimal value, LabUnit unit, Measure? referenceHigh, out AlpGrade grade)
    {
        grade = default;
        if (!UnitConverter.TryConvertEnzymeActivity(value, unit, LabUnit.UPerL, out var uPerL))
        {
            return false;
        }

        var uln = ReferenceLimits.Resolve(_units, Concepts.LabAlp, referenceHigh, LabUnit.UPerL, _thresholds.DefaultUln.AlpUPerL, out var fromLab);
        var multiples = _thresholds.AlpCtcaeUlnMultiples;
        var g = 0;
        if (uPerL > uln)
        {
            g = 1;
            for (var i = 0; i < multiples.Count; i++)
            {
                if (uPerL > uln * multiples[i])
                {
                    g = i + 2;
                }
            }
        }

        grade = new AlpGrade(g, uPerL, uln, fromLab, Math.Round(uPerL / uln, 2, MidpointRounding.AwayFromZero));
        return true;
    }

    /// <summary>
    /// Whether a graded total calcium is above the Endocrine Society "severe" threshold (&gt; 14 mg/dL; mmol/L values
    /// are converted to mg/dL first).
    /// </summary>
    public bool IsSevere(decimal value, LabUnit unit) =>
        _units.TryConvertCalcium(value, unit, LabUnit.MgPerDl, out var mgDl) && mgDl > _thresholds.SevereHypercalcemiaMgDl;
}
