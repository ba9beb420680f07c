using System.Collections.Frozen;
using System.Text.RegularExpressions;
using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;
using FhirQuantity = Hl7.Fhir.Model.Quantity;

namespace BoneMets.Cds.Fhir.Mapping;

/// <summary>
/// Turns a FHIR Quantity into a value in one of the <see cref="LabUnit"/>s the rules understand for an analyte
/// (clinical.md §2.4, §4). The unit is <c>code</c> when <c>system</c> is UCUM, otherwise <c>unit</c> (display text); it is
/// never inferred from the size of the number. If no accepted unit can be determined the value is not mapped.
/// </summary>
/// <remarks>
/// <para>Order of attempts for a unit string (UCUM annotations such as <c>{BCE}</c> and whitespace removed first):</para>
/// <list type="number">
/// <item>a case-insensitive match on the known spellings (<c>mg/dL</c>, <c>mEq/L</c>, <c>[IU]/L</c>, <c>IU/L</c>,
/// <c>µkat/L</c>, <c>g/100mL</c>, …) — kept as reported when the analyte accepts that unit;</item>
/// <item>otherwise a UCUM conversion into the analyte's target unit for the same kind of quantity, e.g. <c>mg/L</c> →
/// mg/dL for calcium, <c>umol/L</c> → mmol/L, <c>nkat/L</c> or <c>kU/L</c> → U/L, <c>mg/dL</c> albumin → g/L,
/// <c>umol/mol</c> → nmol/mmol (<see cref="UcumRatio"/>).</item>
/// </list>
/// <para>Fhir.Metrics is not used: its <c>Exponential</c> type initialiser creates the <c>en-US</c> culture, which
/// throws under this repository's <c>InvariantGlobalization</c> (every conversion would fail). The UCUM subset here —
/// a prefixed atom over a prefixed atom — is exact decimal arithmetic and keeps kinds apart: equivalents never become
/// moles (UCUM defines eq = mol, wrong for calcium where 1 mmol/L = 2 mEq/L), mass never becomes moles, and <c>%</c> is
/// never an NTx ratio. <c>[IU]</c> is taken as U only through the direct spellings (brief, clinical.md §4).</para>
/// </remarks>
internal static partial class LabUnits
{
    private static readonly FrozenDictionary<string, LabUnit> Direct = new Dictionary<string, LabUnit>(StringComparer.OrdinalIgnoreCase)
    {
        ["mg/dL"] = LabUnit.MgPerDl,
        ["mg/100mL"] = LabUnit.MgPerDl,
        ["mmol/L"] = LabUnit.MmolPerL,
        ["meq/L"] = LabUnit.MeqPerL,
        ["g/dL"] = LabUnit.GPerDl,
        ["g/100mL"] = LabUnit.GPerDl,
        ["g/L"] = LabUnit.GPerL,
        ["U/L"] = LabUnit.UPerL,
        ["[IU]/L"] = LabUnit.UPerL,
        ["IU/L"] = LabUnit.UPerL,
        ["ukat/L"] = LabUnit.UkatPerL,
        ["µkat/L"] = LabUnit.UkatPerL,
        ["μkat/L"] = LabUnit.UkatPerL,
        ["ng/mL"] = LabUnit.NgPerMl,
        ["ug/L"] = LabUnit.UgPerL,
        ["µg/L"] = LabUnit.UgPerL,
        ["μg/L"] = LabUnit.UgPerL,
        ["nmol/mmol"] = LabUnit.NmolPerMmol,
        ["nmol/L"] = LabUnit.NmolPerL,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Per analyte: the units kept as reported, then the conversion targets tried in order (the first UCUM-convertible
    /// one of the same kind wins).
    /// </summary>
    private static readonly FrozenDictionary<string, (LabUnit[] Accepted, LabUnit[] Targets)> Profiles =
        new Dictionary<string, (LabUnit[] Accepted, LabUnit[] Targets)>(StringComparer.Ordinal)
        {
            [Concepts.LabCalciumTotal] = Calcium(),
            [Concepts.LabCalciumCorrected] = Calcium(),
            [Concepts.LabCalciumIonized] = Calcium(),
            [Concepts.LabAlbumin] = ([LabUnit.GPerDl, LabUnit.GPerL], [LabUnit.GPerL]),
            [Concepts.LabAlp] = Enzyme(),
            [Concepts.LabGgt] = Enzyme(),
            [Concepts.Lab5Nucleotidase] = Enzyme(),
            [Concepts.LabAlpBone] = ([LabUnit.UPerL, LabUnit.UkatPerL, LabUnit.UgPerL], [LabUnit.UPerL, LabUnit.UgPerL]),
            [Concepts.LabPsa] = ([LabUnit.NgPerMl, LabUnit.UgPerL], [LabUnit.NgPerMl]),
            [Concepts.LabNtx] = ([LabUnit.NmolPerMmol, LabUnit.NmolPerL], [LabUnit.NmolPerMmol, LabUnit.NmolPerL]),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>True when <paramref name="analyte"/> (a <c>lab-*</c> concept id) has unit rules.</summary>
    public static bool IsKnownAnalyte(string analyte) => Profiles.ContainsKey(analyte);

    /// <summary>
    /// The quantity's value in an accepted unit for the analyte, or null when the value or its unit is missing, the unit
    /// cannot be determined, or it cannot be converted.
    /// </summary>
    public static (decimal Value, LabUnit Unit)? Normalize(FhirQuantity? quantity, string analyte)
    {
        if (quantity is null || FhirValues.Dec(quantity.ValueElement) is not { } value)
        {
            return null;
        }

        var unit = UnitOf(quantity);
        return unit is null ? null : Normalize(value, unit, analyte);
    }

    /// <summary>The unit string to interpret: UCUM <c>code</c> when the system is UCUM, else the <c>unit</c> text.</summary>
    public static string? UnitOf(FhirQuantity quantity)
    {
        var code = FhirValues.Str(quantity.CodeElement);
        if (code is not null && CodeSystems.Normalize(FhirValues.Str(quantity.SystemElement)) == CodeSystems.Ucum)
        {
            return code;
        }

        return FhirValues.Str(quantity.UnitElement);
    }

    /// <summary>Normalises a value given with a unit string (see the type remarks).</summary>
    public static (decimal Value, LabUnit Unit)? Normalize(decimal value, string unit, string analyte)
    {
        if (!Profiles.TryGetValue(analyte, out var profile))
        {
            return null;
        }

        var cleaned = Clean(unit);
        if (cleaned.Length == 0)
        {
            return null;
        }

        if (Direct.TryGetValue(cleaned, out var direct) && Array.IndexOf(profile.Accepted, direct) >= 0)
        {
            return (value, direct);
        }

        foreach (var target in profile.Targets)
        {
            if (Factor(cleaned, target) is { } factor)
            {
                return (value * factor / 1.0000000000000000000000000000m, target);
            }
        }

        return null;
    }

    private static (LabUnit[] Accepted, LabUnit[] Targets) Calcium() =>
        ([LabUnit.MgPerDl, LabUnit.MmolPerL, LabUnit.MeqPerL], [LabUnit.MgPerDl, LabUnit.MmolPerL, LabUnit.MeqPerL]);

    private static (LabUnit[] Accepted, LabUnit[] Targets) Enzyme() =>
        ([LabUnit.UPerL, LabUnit.UkatPerL], [LabUnit.UPerL]);

    /// <summary>Removes UCUM annotations (<c>{BCE}</c>) and all whitespace.</summary>
    private static string Clean(string unit)
    {
        var withoutAnnotations = unit.Contains('{', StringComparison.Ordinal) ? Annotation().Replace(unit, string.Empty) : unit;
        return withoutAnnotations.Any(char.IsWhiteSpace)
            ? string.Concat(withoutAnnotations.Where(c => !char.IsWhiteSpace(c)))
            : withoutAnnotations;
    }

    private static decimal? Factor(string unit, LabUnit target)
    {
        if (UcumRatio.TryParse(unit) is not { } source || UcumRatio.TryParse(TargetCode(target)) is not { } goal)
        {
            return null;
        }

        return source.FactorTo(goal);
    }

    private static string TargetCode(LabUnit unit) => unit switch
    {
        LabUnit.MgPerDl => "mg/dL",
        LabUnit.MmolPerL => "mmol/L",
        LabUnit.MeqPerL => "meq/L",
        LabUnit.GPerDl => "g/dL",
        LabUnit.GPerL => "g/L",
        LabUnit.UPerL => "U/L",
        LabUnit.UkatPerL => "ukat/L",
        LabUnit.NgPerMl => "ng/mL",
        LabUnit.UgPerL => "ug/L",
        LabUnit.NmolPerMmol => "nmol/mmol",
        LabUnit.NmolPerL => "nmol/L",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, null),
    };

    [GeneratedRegex(@"\{[^}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex Annotation();
}
