using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;

namespace BoneMets.Cds.Domain.Units;

/// <summary>
/// Converts laboratory values between the <see cref="LabUnit"/>s the service understands (clinical.md §4).
/// Conversions are analyte-specific: mg/dL ↔ mmol/L is only defined for calcium (via its molar mass), never inferred
/// from the size of a number. Thread-safe and immutable.
/// </summary>
/// <remarks>
/// Results of inexact conversions are rounded (away from zero) to a precision finer than any lab reports, so that a
/// reference limit converted between units does not drift across an equal value: mmol/L, mEq/L and µkat/L to 3
/// decimals, mg/dL to 2 decimals. Exact conversions (×2, ÷2, ×10, ÷10, ×60, identity) are not rounded.
/// </remarks>
public sealed class UnitConverter
{
    /// <summary>Creates a converter. <paramref name="calciumMolarMass"/> is in g/mol (40.078).</summary>
    public UnitConverter(decimal calciumMolarMass)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calciumMolarMass);
        CalciumMolarMass = calciumMolarMass;
    }

    /// <summary>Calcium molar mass, g/mol. 1 mmol/L = molar mass ÷ 10 mg/dL.</summary>
    public decimal CalciumMolarMass { get; }

    /// <summary>µkat/L → U/L factor: 1 µkat/L = 60 U/L (1 U = 1 µmol/min; 1 kat = 1 mol/s).</summary>
    public const decimal UPerLPerUkatPerL = 60m;

    /// <summary>Whether <paramref name="unit"/> is a unit this service accepts for the analyte (concept id).</summary>
    public static bool IsSupported(string analyte, LabUnit unit) => analyte switch
    {
        Concepts.LabCalciumTotal or Concepts.LabCalciumCorrected or Concepts.LabCalciumIonized
            => unit is LabUnit.MgPerDl or LabUnit.MmolPerL or LabUnit.MeqPerL,
        Concepts.LabAlbumin => unit is LabUnit.GPerDl or LabUnit.GPerL,
        Concepts.LabAlp or Concepts.LabGgt or Concepts.Lab5Nucleotidase => unit is LabUnit.UPerL or LabUnit.UkatPerL,
        // Bone ALP is sometimes a mass concentration (µg/L): kept, compared with the lab ULN only (clinical.md §4).
        Concepts.LabAlpBone => unit is LabUnit.UPerL or LabUnit.UkatPerL or LabUnit.UgPerL,
        Concepts.LabNtx => unit is LabUnit.NmolPerMmol or LabUnit.NmolPerL,
        Concepts.LabPsa => unit is LabUnit.NgPerMl or LabUnit.UgPerL,
        _ => false,
    };

    /// <summary>
    /// Converts <paramref name="value"/> of an analyte (concept id) from one unit to another. False when either unit is
    /// not supported for the analyte or the two are not convertible (e.g. NTx nmol/mmol ↔ nmol/L, bone ALP µg/L ↔ U/L).
    /// </summary>
    public bool TryConvert(string analyte, decimal value, LabUnit from, LabUnit to, out decimal result)
    {
        ArgumentNullException.ThrowIfNull(analyte);
        result = 0m;
        if (!IsSupported(analyte, from) || !IsSupported(analyte, to))
        {
            return false;
        }

        if (from == to)
        {
            result = value;
            return true;
        }

        return analyte switch
        {
            Concepts.LabCalciumTotal or Concepts.LabCalciumCorrected or Concepts.LabCalciumIonized
                => TryConvertCalcium(value, from, to, out result),
            Concepts.LabAlbumin => TryConvertAlbumin(value, from, to, out result),
            Concepts.LabAlp or Concepts.LabGgt or Concepts.Lab5Nucleotidase or Concepts.LabAlpBone
                => TryConvertEnzymeActivity(value, from, to, out result),
            Concepts.LabPsa => TryConvertPsa(value, from, to, out result),
            _ => false,
        };
    }

    /// <summary>
    /// Calcium: mg/dL ↔ mmol/L via the molar mass (1 mmol/L = M/10 mg/dL), and mEq/L = 2 × mmol/L (Ca²⁺ is divalent).
    /// </summary>
    public bool TryConvertCalcium(decimal value, LabUnit from, LabUnit to, out decimal result)
    {
        result = 0m;
        if (!IsCalciumUnit(from) || !IsCalciumUnit(to))
        {
            return false;
        }

        if (from == to)
        {
            result = value;
            return true;
        }

        // Everything goes through mmol/L.
        decimal mmol;
        var exact = true;
        switch (from)
        {
            case LabUnit.MmolPerL:
                mmol = value;
                break;
            case LabUnit.MeqPerL:
                mmol = value / 2m;
                break;
            default: // mg/dL
                mmol = value * 10m / CalciumMolarMass;
                exact = false;
                break;
        }

        switch (to)
        {
            case LabUnit.MmolPerL:
                result = exact ? mmol : Round(mmol, 3);
                break;
            case LabUnit.MeqPerL:
                result = exact ? mmol * 2m : Round(mmol * 2m, 3);
                break;
            default: // mg/dL
                result = Round(mmol * CalciumMolarMass / 10m, 2);
                break;
        }

        return true;
    }

    /// <summary>Albumin: g/L = 10 × g/dL.</summary>
    public static bool TryConvertAlbumin(decimal value, LabUnit from, LabUnit to, out decimal result)
    {
        switch ((from, to))
        {
            case (LabUnit.GPerDl, LabUnit.GPerDl):
            case (LabUnit.GPerL, LabUnit.GPerL):
                result = value;
                return true;
            case (LabUnit.GPerDl, LabUnit.GPerL):
                result = value * 10m;
                return true;
            case (LabUnit.GPerL, LabUnit.GPerDl):
                result = value / 10m;
                return true;
            default:
                result = 0m;
                return false;
        }
    }

    /// <summary>Enzyme activity (ALP, bone ALP, GGT, 5'-NT): 1 µkat/L = 60 U/L.</summary>
    public static bool TryConvertEnzymeActivity(decimal value, LabUnit from, LabUnit to, out decimal result)
    {
        switch ((from, to))
        {
            case (LabUnit.UPerL, LabUnit.UPerL):
            case (LabUnit.UkatPerL, LabUnit.UkatPerL):
                result = value;
                return true;
            case (LabUnit.UkatPerL, LabUnit.UPerL):
                result = value * UPerLPerUkatPerL;
                return true;
            case (LabUnit.UPerL, LabUnit.UkatPerL):
                result = Round(value / UPerLPerUkatPerL, 3);
                return true;
            default:
                result = 0m;
                return false;
        }
    }

    /// <summary>PSA: 1 ng/mL = 1 µg/L.</summary>
    public static bool TryConvertPsa(decimal value, LabUnit from, LabUnit to, out decimal result)
    {
        var ok = from is LabUnit.NgPerMl or LabUnit.UgPerL && to is LabUnit.NgPerMl or LabUnit.UgPerL;
        result = ok ? value : 0m;
        return ok;
    }

    /// <summary>mg/dL, mmol/L or mEq/L.</summary>
    public static bool IsCalciumUnit(LabUnit unit) => unit is LabUnit.MgPerDl or LabUnit.MmolPerL or LabUnit.MeqPerL;

    private static decimal Round(decimal value, int decimals) =>
        Math.Round(value, decimals, MidpointRounding.AwayFromZero);
}
