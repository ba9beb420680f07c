using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Tests.Support;
using BoneMets.Cds.Domain.Units;

namespace BoneMets.Cds.Domain.Tests;

public sealed class CtcaeGraderTests
{
    private static readonly CtcaeGrader Grader = new(TestThresholds.Real, new UnitConverter(TestThresholds.Real.CalciumMolarMass));

    [Theory]
    // mg/dL, default ULN 10.5: every edge
    [InlineData(10.5, LabUnit.MgPerDl, 0)]
    [InlineData(10.51, LabUnit.MgPerDl, 1)]
    [InlineData(11.5, LabUnit.MgPerDl, 1)]
    [InlineData(11.51, LabUnit.MgPerDl, 2)]
    [InlineData(12.5, LabUnit.MgPerDl, 2)]
    [InlineData(12.51, LabUnit.MgPerDl, 3)]
    [InlineData(13.5, LabUnit.MgPerDl, 3)]
    [InlineData(13.51, LabUnit.MgPerDl, 4)]
    [InlineData(8.0, LabUnit.MgPerDl, 0)]
    // mmol/L, default ULN 2.62
    [InlineData(2.62, LabUnit.MmolPerL, 0)]
    [InlineData(2.63, LabUnit.MmolPerL, 1)]
    [InlineData(2.9, LabUnit.MmolPerL, 1)]
    [InlineData(2.91, LabUnit.MmolPerL, 2)]
    [InlineData(3.1, LabUnit.MmolPerL, 2)]
    [InlineData(3.11, LabUnit.MmolPerL, 3)]
    [InlineData(3.4, LabUnit.MmolPerL, 3)]
    [InlineData(3.41, LabUnit.MmolPerL, 4)]
    // mEq/L → mmol/L (÷ 2), mmol/L table
    [InlineData(5.24, LabUnit.MeqPerL, 0)]
    [InlineData(5.26, LabUnit.MeqPerL, 1)]
    [InlineData(5.8, LabUnit.MeqPerL, 1)]
    [InlineData(5.82, LabUnit.MeqPerL, 2)]
    [InlineData(6.2, LabUnit.MeqPerL, 2)]
    [InlineData(6.22, LabUnit.MeqPerL, 3)]
    [InlineData(6.8, LabUnit.MeqPerL, 3)]
    [InlineData(6.82, LabUnit.MeqPerL, 4)]
    public void TryGradeTotalCalcium_DefaultUln_GradesAtEveryEdge(decimal value, LabUnit unit, int expected)
    {
        Assert.True(Grader.TryGradeTotalCalcium(value, unit, null, out var grade));

        Assert.Equal(expected, grade.Grade);
        Assert.False(grade.UlnFromLab);
        Assert.Equal(unit == LabUnit.MgPerDl ? LabUnit.MgPerDl : LabUnit.MmolPerL, grade.Unit);
        Assert.Equal(unit == LabUnit.MgPerDl ? 10.5m : 2.62m, grade.Uln);
    }

    [Fact]
    public void TryGradeTotalCalcium_MeqPerL_ReportsValueInMmolPerL()
    {
        Assert.True(Grader.TryGradeTotalCalcium(6.22m, LabUnit.MeqPerL, null, out var grade));

        Assert.Equal(3.11m, grade.Value);
        Assert.Equal(LabUnit.MmolPerL, grade.Unit);
    }

    [Theory]
    // mmol/L, default ULN 1.32
    [InlineData(1.32, LabUnit.MmolPerL, 0)]
    [InlineData(1.33, LabUnit.MmolPerL, 1)]
    [InlineData(1.5, LabUnit.MmolPerL, 1)]
    [InlineData(1.51, LabUnit.MmolPerL, 2)]
    [InlineData(1.6, LabUnit.MmolPerL, 2)]
    [InlineData(1.61, LabUnit.MmolPerL, 3)]
    [InlineData(1.8, LabUnit.MmolPerL, 3)]
    [InlineData(1.81, LabUnit.MmolPerL, 4)]
    // mg/dL (17863-2 / 38230-9) converted to mmol/L via 40.078 g/mol, rounded to 3 decimals
    [InlineData(5.28, LabUnit.MgPerDl, 0)] // 1.317
    [InlineData(5.30, LabUnit.MgPerDl, 1)] // 1.322: 5.3 mg/dL is not exactly 1.32 mmol/L
    [InlineData(6.01, LabUnit.MgPerDl, 1)] // 1.500
    [InlineData(6.02, LabUnit.MgPerDl, 2)] // 1.502
    [InlineData(6.41, LabUnit.MgPerDl, 2)] // 1.599
    [InlineData(6.42, LabUnit.MgPerDl, 3)] // 1.602
    [InlineData(7.21, LabUnit.MgPerDl, 3)] // 1.799
    [InlineData(7.22, LabUnit.MgPerDl, 4)] // 1.801
    // mEq/L ÷ 2
    [InlineData(2.64, LabUnit.MeqPerL, 0)]
    [InlineData(3.0, LabUnit.MeqPerL, 1)]
    [InlineData(3.02, LabUnit.MeqPerL, 2)]
    [InlineData(3.6, LabUnit.MeqPerL, 3)]
    [InlineData(3.62, LabUnit.MeqPerL, 4)]
    public void TryGradeIonizedCalcium_AnyUnit_GradesInMmolPerL(decimal value, LabUnit unit, int expected)
    {
        Assert.True(Grader.TryGradeIonizedCalcium(value, unit, null, out var grade));

        Assert.Equal(expected, grade.Grade);
        Assert.Equal(LabUnit.MmolPerL, grade.Unit);
        Assert.Equal(1.32m, grade.Uln);
    }

    [Theory]
    // lab ULN wins over the default
    [InlineData(10.7, LabUnit.MgPerDl, 10.8, LabUnit.MgPerDl, 0, 10.8)]
    [InlineData(10.4, LabUnit.MgPerDl, 10.2, LabUnit.MgPerDl, 1, 10.2)]
    // lab ULN in another unit is converted to the value's unit
    [InlineData(10.3, LabUnit.MgPerDl, 2.55, LabUnit.MmolPerL, 1, 10.22)]
    [InlineData(2.60, LabUnit.MmolPerL, 10.2, LabUnit.MgPerDl, 1, 2.545)]
    [InlineData(2.60, LabUnit.MmolPerL, 10.5, LabUnit.MgPerDl, 0, 2.620)]
    [InlineData(2.62, LabUnit.MmolPerL, 10.5, LabUnit.MgPerDl, 0, 2.620)]
    [InlineData(5.3, LabUnit.MeqPerL, 5.2, LabUnit.MeqPerL, 1, 2.6)]
    // ULN at or above the grade-1 bound: grade 1 cannot occur, higher grades still can
    [InlineData(11.7, LabUnit.MgPerDl, 11.8, LabUnit.MgPerDl, 0, 11.8)]
    [InlineData(11.9, LabUnit.MgPerDl, 11.8, LabUnit.MgPerDl, 2, 11.8)]
    [InlineData(12.6, LabUnit.MgPerDl, 11.8, LabUnit.MgPerDl, 3, 11.8)]
    public void TryGradeTotalCalcium_ReferenceRange_OverridesDefault(
        decimal value, LabUnit unit, decimal high, LabUnit highUnit, int expected, decimal expectedUln)
    {
        Assert.True(Grader.TryGradeTotalCalcium(value, unit, new Measure(high, highUnit), out var grade));

        Assert.Equal(expected, grade.Grade);
        Assert.Equal(expectedUln, grade.Uln);
        Assert.True(grade.UlnFromLab);
    }

    [Theory]
    [InlineData(3.0, LabUnit.GPerDl)] // not a calcium unit
    [InlineData(0, LabUnit.MgPerDl)]  // not positive
    [InlineData(-1, LabUnit.MgPerDl)]
    public void TryGradeTotalCalcium_UnusableReferenceRange_UsesDefault(decimal high, LabUnit highUnit)
    {
        Assert.True(Grader.TryGradeTotalCalcium(10.6m, LabUnit.MgPerDl, new Measure(high, highUnit), out var grade));

        Assert.Equal(1, grade.Grade);
        Assert.Equal(10.5m, grade.Uln);
        Assert.False(grade.UlnFromLab);
    }

    [Theory]
    [InlineData(1.38, LabUnit.MmolPerL, 5.6, LabUnit.MgPerDl, 0)] // ULN 1.397 mmol/L
    [InlineData(1.40, LabUnit.MmolPerL, 5.6, LabUnit.MgPerDl, 1)]
    [InlineData(5.3, LabUnit.MgPerDl, 5.3, LabUnit.MgPerDl, 0)]
    [InlineData(1.30, LabUnit.MmolPerL, 1.28, LabUnit.MmolPerL, 1)]
    public void TryGradeIonizedCalcium_ReferenceRange_OverridesDefault(decimal value, LabUnit unit, decimal high, LabUnit highUnit, int expected)
    {
        Assert.True(Grader.TryGradeIonizedCalcium(value, unit, new Measure(high, highUnit), out var grade));

        Assert.Equal(expected, grade.Grade);
        Assert.True(grade.UlnFromLab);
    }

    [Theory]
    [InlineData(LabUnit.GPerL)]
    [InlineData(LabUnit.UPerL)]
    public void TryGradeCalcium_NonCalciumUnit_ReturnsFalse(LabUnit unit)
    {
        Assert.False(Grader.TryGradeTotalCalcium(10m, unit, null, out _));
        Assert.False(Grader.TryGradeIonizedCalcium(10m, unit, null, out _));
    }

    [Theory]
    // default ULN 120 U/L: >ULN–2.5× = 1, >2.5–5× = 2, >5–20× = 3, >20× = 4
    [InlineData(120, LabUnit.UPerL, 0, 1.00)]
    [InlineData(121, LabUnit.UPerL, 1, 1.01)]
    [InlineData(300, LabUnit.UPerL, 1, 2.50)]
    [InlineData(301, LabUnit.UPerL, 2, 2.51)]
    [InlineData(600, LabUnit.UPerL, 2, 5.00)]
    [InlineData(601, LabUnit.UPerL, 3, 5.01)]
    [InlineData(2400, LabUnit.UPerL, 3, 20.00)]
    [InlineData(2401, LabUnit.UPerL, 4, 20.01)]
    [InlineData(2.0, LabUnit.UkatPerL, 0, 1.00)]
    [InlineData(2.1, LabUnit.UkatPerL, 1, 1.05)]
    [InlineData(5.1, LabUnit.UkatPerL, 2, 2.55)]
    public void TryGradeAlp_DefaultUln_GradesByMultiples(decimal value, LabUnit unit, int expected, decimal multiple)
    {
        Assert.True(Grader.TryGradeAlp(value, unit, null, out var grade));

        Assert.Equal(expected, grade.Grade);
        Assert.Equal(120m, grade.UlnUPerL);
        Assert.Equal(multiple, grade.UlnMultiple);
        Assert.False(grade.UlnFromLab);
    }

    [Theory]
    [InlineData(110, 100, LabUnit.UPerL, 1, 100)]
    [InlineData(140, 2.5, LabUnit.UkatPerL, 0, 150)]
    [InlineData(251, 100, LabUnit.UPerL, 2, 100)]
    [InlineData(130, 9, LabUnit.MgPerDl, 1, 120)] // unusable range → default
    public void TryGradeAlp_ReferenceRange_OverridesDefault(decimal value, decimal high, LabUnit highUnit, int expected, decimal expectedUln)
    {
        Assert.True(Grader.TryGradeAlp(value, LabUnit.UPerL, new Measure(high, highUnit), out var grade));

        Assert.Equal(expected, grade.Grade);
        Assert.Equal(expectedUln, grade.UlnUPerL);
    }

    [Theory]
    [InlineData(14.0, LabUnit.MgPerDl, false)]
    [InlineData(14.01, LabUnit.MgPerDl, true)]
    [InlineData(3.49, LabUnit.MmolPerL, false)]
    [InlineData(3.5, LabUnit.MmolPerL, true)]
    public void IsSevere_EndocrineSocietyThreshold_ComparedInMgPerDl(decimal value, LabUnit unit, bool expected)
    {
        Assert.Equal(expected, Grader.IsSevere(value, unit));
    }

    [Theory]
    [InlineData(5, 5, 0)]
    [InlineData(5.01, 5, 1)]
    [InlineData(7, 5, 1)]
    [InlineData(7.01, 5, 2)]
    [InlineData(9, 5, 3)]
    [InlineData(9.01, 5, 4)]
    public void GradeAboveUln_Bounds_UseStrictGreaterThan(decimal value, decimal uln, int expected)
    {
        Assert.Equal(expected, CtcaeGrader.GradeAboveUln(value, uln, [7m, 8m, 9m]));
    }
}
