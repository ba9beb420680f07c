using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Units;

/// <summary>
/// Upper limits of normal (clinical.md §2.4): the result's own <c>referenceRange.high</c>, converted to the unit the value
/// is compared in, over the configured default. A lab limit that is not positive or not convertible is not used.
/// </summary>
public static class ReferenceLimits
{
    /// <summary>The lab's ULN in <paramref name="unit"/>, or false when there is none or it cannot be converted.</summary>
    public static bool TryLabUln(UnitConverter units, string analyte, Measure? referenceHigh, LabUnit unit, out decimal uln)
    {
        ArgumentNullException.ThrowIfNull(units);
        uln = 0m;
        if (referenceHigh is not { } high || high.Value <= 0m)
        {
            return false;
        }

        return units.TryConvert(analyte, high.Value, high.Unit, unit, out uln) && uln > 0m;
    }

    /// <summary>The lab's ULN in <paramref name="unit"/> when usable, else <paramref name="defaultUln"/> (already in that unit).</summary>
    public static decimal Resolve(
        UnitConverter units,
        string analyte,
        Measure? referenceHigh,
        LabUnit unit,
        decimal defaultUln,
        out bool fromLab)
    {
        fromLab = TryLabUln(units, analyte, referenceHigh, unit, out var uln);
        return fromLab ? uln : defaultUln;
    }
}
