using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Fhir.Mapping;
using Fhir.Metrics;

namespace BoneMets.Cds.Fhir.Tests.Mapping;

public sealed class LabUnitsTests
{
    [Theory]
    [InlineData("mg/dL", "mg/L", 10)]
    [InlineData("mg/L", "mg/dL", 0.1)]
    [InlineData("umol/L", "mmol/L", 0.001)]
    [InlineData("µmol/L", "mmol/L", 0.001)]
    [InlineData("ukat/L", "U/L", 60)]
    [InlineData("nkat/L", "U/L", 0.06)]
    [InlineData("kU/L", "U/L", 1000)]
    [InlineData("U/mL", "U/L", 1000)]
    [InlineData("ug/dL", "ng/mL", 10)]
    [InlineData("g/dL", "g/L", 10)]
    [InlineData("umol/mol", "nmol/mmol", 1)]
    [InlineData("mmol/l", "mmol/L", 1)]
    public void UcumRatio_SameKinds_ExactFactor(string from, string to, double factor) =>
        Assert.Equal((decimal)factor, UcumRatio.TryParse(from)!.Value.FactorTo(UcumRatio.TryParse(to)!.Value));

    [Theory]
    [InlineData("mmol/L", "meq/L")]
    [InlineData("mg/dL", "mmol/L")]
    [InlineData("U/L", "mg/L")]
    [InlineData("nmol/mmol", "nmol/L")]
    public void UcumRatio_DifferentKinds_NoFactor(string from, string to) =>
        Assert.Null(UcumRatio.TryParse(from)!.Value.FactorTo(UcumRatio.TryParse(to)!.Value));

    [Theory]
    [InlineData("%")]
    [InlineData("[IU]/L")]
    [InlineData("mmol")]
    [InlineData("10*3/uL")]
    [InlineData("g/(100.mL)")]
    [InlineData("mg/dL/h")]
    [InlineData("/L")]
    [InlineData("mg/")]
    [InlineData("xg/L")]
    [InlineData("MG/DL")]
    public void UcumRatio_OutsideSubset_DoesNotParse(string unit) =>
        Assert.Null(UcumRatio.TryParse(unit));

    [Theory]
    [InlineData("mg/100mL", Concepts.LabCalciumTotal, LabUnit.MgPerDl)]
    [InlineData("g/100 mL", Concepts.LabAlbumin, LabUnit.GPerDl)]
    [InlineData("IU/L", Concepts.LabAlp, LabUnit.UPerL)]
    [InlineData("µkat/L", Concepts.LabGgt, LabUnit.UkatPerL)]
    [InlineData("μg/L", Concepts.LabPsa, LabUnit.UgPerL)]
    [InlineData("nmol {BCE} / mmol {creat}", Concepts.LabNtx, LabUnit.NmolPerMmol)]
    [InlineData("MEQ/L", Concepts.LabCalciumIonized, LabUnit.MeqPerL)]
    [InlineData("U/L", Concepts.Lab5Nucleotidase, LabUnit.UPerL)]
    [InlineData("U/L", Concepts.LabAlpBone, LabUnit.UPerL)]
    [InlineData("mg/dL", Concepts.LabCalciumCorrected, LabUnit.MgPerDl)]
    public void Normalize_DirectSpellings_KeepValue(string unit, string analyte, LabUnit expected) =>
        Assert.Equal((7.5m, expected), LabUnits.Normalize(7.5m, unit, analyte));

    [Fact]
    public void Normalize_BoneAlpMassOtherUnit_ConvertsToUgPerL() =>
        Assert.Equal((7.5m, LabUnit.UgPerL), LabUnits.Normalize(7.5m, "ng/mL", Concepts.LabAlpBone));

    [Theory]
    [InlineData("nmol BCE", Concepts.LabNtx)]
    [InlineData("nmol BCE/mmol creat", Concepts.LabNtx)]
    [InlineData("mg/dL", "lab-unknown")]
    [InlineData("mg/dL", Concepts.CancerBreast)]
    [InlineData("", Concepts.LabCalciumTotal)]
    [InlineData("{BCE}", Concepts.LabNtx)]
    public void Normalize_UnknownUnitOrAnalyte_IsNull(string unit, string analyte) =>
        Assert.Null(LabUnits.Normalize(1m, unit, analyte));

    [Fact]
    public void Profiles_CoverEveryLabConcept() =>
        Assert.All(Concepts.All.Where(c => c.StartsWith("lab-", StringComparison.Ordinal)), c => Assert.True(LabUnits.IsKnownAnalyte(c), c));

    [Fact]
    public void FhirMetrics_UnderInvariantGlobalization_CannotInitialise()
    {
        // Why LabUnits does not use Fhir.Metrics: its Exponential type initialiser creates the en-US culture, which
        // throws while the repository builds with InvariantGlobalization=true. If this test starts failing, Fhir.Metrics
        // has become usable here and UcumRatio could be replaced by it.
        var ex = Record.Exception(() =>
            FhirMetricService.Instance.Value.TryConvertTo((104m, "mg/L", CodeSystems.Ucum), "mg/dL", out _));

        Assert.IsType<TypeInitializationException>(ex);
    }
}
