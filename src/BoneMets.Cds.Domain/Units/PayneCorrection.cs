using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;

namespace BoneMets.Cds.Domain.Units;

/// <summary>
/// Albumin-adjusted ("corrected") total calcium, Payne RB et al. BMJ 1973 [S10] (clinical.md R3). Applied in both
/// directions (also when albumin is above the reference), to avoid false positives from haemoconcentration.
/// </summary>
/// <remarks>
/// The form follows the calcium's unit family: mg/dL uses <c>Ca + 0.8 × (4.0 − albumin g/dL)</c>; mmol/L uses
/// <c>Ca + 0.02 × (40 − albumin g/L)</c>. An mEq/L calcium is first converted to mmol/L (÷ 2) and corrected in the SI
/// form, so its corrected value is in mmol/L (the unit it is graded in). Albumin is converted to the family's unit.
/// </remarks>
public sealed class PayneCorrection
{
    private readonly PayneSettings _settings;
    private readonly UnitConverter _units;

    public PayneCorrection(PayneSettings settings, UnitConverter units)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(units);
        _settings = settings;
        _units = units;
    }

    /// <summary>
    /// Corrects a total calcium for albumin. False when a unit is not a calcium or albumin unit.
    /// </summary>
    /// <param name="calcium">Total calcium value.</param>
    /// <param name="calciumUnit">mg/dL, mmol/L or mEq/L.</param>
    /// <param name="albumin">Albumin value.</param>
    /// <param name="albuminUnit">g/dL or g/L.</param>
    /// <param name="corrected">The corrected calcium: mg/dL for mg/dL input, mmol/L for mmol/L and mEq/L input.</param>
    public bool TryCorrect(decimal calcium, LabUnit calciumUnit, decimal albumin, LabUnit albuminUnit, out Measure corrected)
    {
        corrected = default;
        switch (calciumUnit)
        {
            case LabUnit.MgPerDl:
                if (!UnitConverter.TryConvertAlbumin(albumin, albuminUnit, LabUnit.GPerDl, out var albGdl))
                {
                    return false;
                }

                corrected = new Measure(
                    calcium + (_settings.MgDlPerGPerDl * (_settings.ReferenceAlbuminGPerDl - albGdl)),
                    LabUnit.MgPerDl);
                return true;

            case LabUnit.MmolPerL:
            case LabUnit.MeqPerL:
                if (!UnitConverter.TryConvertAlbumin(albumin, albuminUnit, LabUnit.GPerL, out var albGl)
                    || !_units.TryConvert(Concepts.LabCalciumTotal, calcium, calciumUnit, LabUnit.MmolPerL, out var mmol))
                {
                    return false;
                }

                corrected = new Measure(
                    mmol + (_settings.MmolLPerGPerL * (_settings.ReferenceAlbuminGPerL - albGl)),
                    LabUnit.MmolPerL);
                return true;

            default:
                return false;
        }
    }
}
