using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Domain.Units;

namespace BoneMets.Cds.Domain.Tests;

public sealed class UnitConverterTests
{
    private static readonly UnitConverter Units = new(40.078m);

    [Theory]
    [InlineData(10.0, LabUnit.MgPerDl, LabUnit.MmolPerL, 2.495)]
    [InlineData(10.5, LabUnit.MgPerDl, LabUnit.MmolPerL, 2.620)]
    [InlineData(13.5, LabUnit.MgPerDl, LabUnit.MmolPerL, 3.368)]
    [InlineData(2.5, LabUnit.MmolPerL, LabUnit.MgPerDl, 10.02)]
    [InlineData(2.62, LabUnit.MmolPerL, LabUnit.MgPerDl, 10.50)]
    [InlineData(3.36, LabUnit.MmolPerL, LabUnit.MgPerDl, 13.47)]
    [InlineData(2.5, LabUnit.MmolPerL, LabUnit.MeqPerL, 5.0)]
    [InlineData(5.0, LabUnit.MeqPerL, LabUnit.MmolPerL, 2.5)]
    [InlineData(5.0, LabUnit.MeqPerL, LabUnit.MgPerDl, 10.02)]
    [InlineData(10.0, LabUnit.MgPerDl, LabUnit.MeqPerL, 4.990)]
    [InlineData(9.7, LabUnit.MgPerDl, LabUnit.MgPerDl, 9.7)]
    public void TryConvert_Calcium_UsesMolarMassAndValence(decimal value, LabUnit from, LabUnit to, decimal expected)
    {
        foreach (var analyte in new[] { Concepts.LabCalciumTotal, Concepts.LabCalciumCorrected, Concepts.LabCalciumIonized })
        {
            Assert.True(Units.TryConvert(analyte, value, from, to, out var result));
            Assert.Equal(expected, result);
        }
    }

    [Theory]
    [InlineData(Concepts.LabAlbumin, 3.5, LabUnit.GPerDl, LabUnit.GPerL, 35)]
    [InlineData(Concepts.LabAlbumin, 38, LabUnit.GPerL, LabUnit.GPerDl, 3.8)]
    [InlineData(Concepts.LabAlp, 2.0, LabUnit.UkatPerL, LabUnit.UPerL, 120)]
    [InlineData(Concepts.LabAlp, 120, LabUnit.UPerL, LabUnit.UkatPerL, 2.0)]
    [InlineData(Concepts.LabAlp, 100, LabUnit.UPerL, LabUnit.UkatPerL, 1.667)]
    [InlineData(Concepts.LabGgt, 0.5, LabUnit.UkatPerL, LabUnit.UPerL, 30)]
    [InlineData(Concepts.Lab5Nucleotidase, 0.25, LabUnit.UkatPerL, LabUnit.UPerL, 15)]
    [InlineData(Concepts.LabAlpBone, 1.0, LabUnit.UkatPerL, LabUnit.UPerL, 60)]
    [InlineData(Concepts.LabPsa, 4.2, LabUnit.NgPerMl, LabUnit.UgPerL, 4.2)]
    [InlineData(Concepts.LabPsa, 25, LabUnit.UgPerL, LabUnit.NgPerMl, 25)]
    [InlineData(Concepts.LabNtx, 70, LabUnit.NmolPerMmol, LabUnit.NmolPerMmol, 70)]
    public void TryConvert_OtherAnalytes_Converts(string analyte, decimal value, LabUnit from, LabUnit to, decimal expected)
    {
        Assert.True(Units.TryConvert(analyte, value, from, to, out var result));
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData(Concepts.LabCalciumTotal, LabUnit.GPerDl, LabUnit.MgPerDl)]
    [InlineData(Concepts.LabCalciumTotal, LabUnit.MgPerDl, LabUnit.UPerL)]
    [InlineData(Concepts.LabAlbumin, LabUnit.MgPerDl, LabUnit.GPerL)]
    [InlineData(Concepts.LabAlbumin, LabUnit.GPerDl, LabUnit.MmolPerL)]
    [InlineData(Concepts.LabAlp, LabUnit.MgPerDl, LabUnit.UPerL)]
    [InlineData(Concepts.LabAlpBone, LabUnit.UgPerL, LabUnit.UPerL)]
    [InlineData(Concepts.LabNtx, LabUnit.NmolPerMmol, LabUnit.NmolPerL)]
    [InlineData(Concepts.LabPsa, LabUnit.NgPerMl, LabUnit.NmolPerL)]
    [InlineData("unknown-analyte", LabUnit.MgPerDl, LabUnit.MgPerDl)]
    public void TryConvert_NotConvertible_ReturnsFalse(string analyte, LabUnit from, LabUnit to)
    {
        Assert.False(Units.TryConvert(analyte, 1m, from, to, out _));
    }

    [Theory]
    [InlineData(Concepts.LabCalciumTotal, LabUnit.MeqPerL, true)]
    [InlineData(Concepts.LabCalciumIonized, LabUnit.MgPerDl, true)]
    [InlineData(Concepts.LabCalciumTotal, LabUnit.GPerL, false)]
    [InlineData(Concepts.LabAlbumin, LabUnit.GPerL, true)]
    [InlineData(Concepts.LabAlbumin, LabUnit.MgPerDl, false)]
    [InlineData(Concepts.LabAlp, LabUnit.UkatPerL, true)]
    [InlineData(Concepts.LabAlp, LabUnit.UgPerL, false)]
    [InlineData(Concepts.LabAlpBone, LabUnit.UgPerL, true)]
    [InlineData(Concepts.LabNtx, LabUnit.NmolPerL, true)]
    [InlineData(Concepts.LabPsa, LabUnit.UgPerL, true)]
    [InlineData(Concepts.LabPsa, LabUnit.UPerL, false)]
    public void IsSupported_UnitPerAnalyte_MatchesClinicalTable(string analyte, LabUnit unit, bool expected)
    {
        Assert.Equal(expected, UnitConverter.IsSupported(analyte, unit));
    }

    [Fact]
    public void Constructor_NonPositiveMolarMass_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnitConverter(0m));
    }
}
