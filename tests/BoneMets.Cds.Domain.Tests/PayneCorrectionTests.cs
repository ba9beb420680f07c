using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Tests.Support;
using BoneMets.Cds.Domain.Units;

namespace BoneMets.Cds.Domain.Tests;

public sealed class PayneCorrectionTests
{
    private static readonly UnitConverter Units = new(TestThresholds.Real.CalciumMolarMass);
    private static readonly PayneCorrection Payne = new(TestThresholds.Real.Payne, Units);
    private static readonly CtcaeGrader Grader = new(TestThresholds.Real, Units);

    [Theory]
    // clinical.md R3 worked checks
    [InlineData(10.2, LabUnit.MgPerDl, 2.1, LabUnit.GPerDl, 11.72, LabUnit.MgPerDl, 2)]
    [InlineData(3.32, LabUnit.MmolPerL, 38, LabUnit.GPerL, 3.36, LabUnit.MmolPerL, 3)]
    [InlineData(15.2, LabUnit.MgPerDl, 3.0, LabUnit.GPerDl, 16.0, LabUnit.MgPerDl, 4)]
    // the same with the albumin in the other unit family
    [InlineData(10.2, LabUnit.MgPerDl, 21, LabUnit.GPerL, 11.72, LabUnit.MgPerDl, 2)]
    [InlineData(3.32, LabUnit.MmolPerL, 3.8, LabUnit.GPerDl, 3.36, LabUnit.MmolPerL, 3)]
    // mEq/L is corrected (and graded) in mmol/L
    [InlineData(6.64, LabUnit.MeqPerL, 38, LabUnit.GPerL, 3.36, LabUnit.MmolPerL, 3)]
    // both directions: high albumin lowers the value
    [InlineData(10.8, LabUnit.MgPerDl, 5.0, LabUnit.GPerDl, 10.0, LabUnit.MgPerDl, 0)]
    [InlineData(2.70, LabUnit.MmolPerL, 46, LabUnit.GPerL, 2.58, LabUnit.MmolPerL, 0)]
    [InlineData(10.0, LabUnit.MgPerDl, 4.0, LabUnit.GPerDl, 10.0, LabUnit.MgPerDl, 0)]
    public void TryCorrect_WorkedChecks_GiveValueAndGrade(
        decimal calcium, LabUnit caUnit, decimal albumin, LabUnit albUnit, decimal expected, LabUnit expectedUnit, int expectedGrade)
    {
        Assert.True(Payne.TryCorrect(calcium, caUnit, albumin, albUnit, out var corrected));

        Assert.Equal(expected, corrected.Value);
        Assert.Equal(expectedUnit, corrected.Unit);
        Assert.True(Grader.TryGradeTotalCalcium(corrected.Value, corrected.Unit, null, out var grade));
        Assert.Equal(expectedGrade, grade.Grade);
    }

    [Theory]
    [InlineData(LabUnit.GPerL, LabUnit.MgPerDl)]
    [InlineData(LabUnit.MgPerDl, LabUnit.MmolPerL)]
    [InlineData(LabUnit.MgPerDl, LabUnit.UPerL)]
    public void TryCorrect_WrongUnits_ReturnsFalse(LabUnit caUnit, LabUnit albUnit)
    {
        Assert.False(Payne.TryCorrect(10m, caUnit, 3m, albUnit, out _));
    }
}
