using System.Collections.Frozen;

namespace BoneMets.Cds.Fhir.Mapping;

/// <summary>
/// The UCUM subset laboratory concentrations use: <c>&lt;prefix&gt;&lt;atom&gt;/&lt;prefix&gt;&lt;atom&gt;</c>, e.g. <c>mg/dL</c>,
/// <c>umol/L</c>, <c>nkat/L</c>, <c>kU/L</c>, <c>nmol/mmol</c>. Each side is reduced to a kind (mass, substance,
/// equivalents, catalytic activity, volume) and an exact decimal factor to the kind's base unit, so conversion is only
/// defined within the same kinds and never goes through floating point.
/// </summary>
/// <remarks>
/// Atoms are case-sensitive as in UCUM (<c>L</c> and <c>l</c> are both litre); prefixes <c>f p n u µ μ m c d da h k M</c>.
/// Anything else (<c>%</c>, <c>[IU]/L</c>, <c>10*3/uL</c>, <c>g/(100.mL)</c>, <c>mmol</c> alone) does not parse.
/// Catalytic activity uses U as its base: 1 kat = 60 000 000 U (1 U = 1 µmol/min), so kat → U is exact.
/// </remarks>
internal readonly record struct UcumRatio(UcumKind Numerator, UcumKind Denominator, decimal Factor)
{
    private static readonly FrozenDictionary<string, decimal> Prefixes = new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        [string.Empty] = 1m,
        ["f"] = 0.000000000000001m,
        ["p"] = 0.000000000001m,
        ["n"] = 0.000000001m,
        ["u"] = 0.000001m,
        ["µ"] = 0.000001m,
        ["μ"] = 0.000001m,
        ["m"] = 0.001m,
        ["c"] = 0.01m,
        ["d"] = 0.1m,
        ["da"] = 10m,
        ["h"] = 100m,
        ["k"] = 1000m,
        ["M"] = 1000000m,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Longest atom first, so "mol" is not read as "m" + "ol" and "kat" not as "k" + "at".
    private static readonly (string Atom, UcumKind Kind, decimal Factor)[] Atoms =
    [
        ("mol", UcumKind.Substance, 1m),
        ("kat", UcumKind.Catalytic, 60000000m),
        ("eq", UcumKind.Equivalents, 1m),
        ("g", UcumKind.Mass, 1m),
        ("U", UcumKind.Catalytic, 1m),
        ("L", UcumKind.Volume, 1m),
        ("l", UcumKind.Volume, 1m),
    ];

    /// <summary>Parses <c>a/b</c>; null when either side is not a prefixed atom.</summary>
    public static UcumRatio? TryParse(string unit)
    {
        var slash = unit.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash != unit.LastIndexOf('/') || slash == unit.Length - 1)
        {
            return null;
        }

        if (Term(unit.AsSpan(0, slash)) is not { } top || Term(unit.AsSpan(slash + 1)) is not { } bottom)
        {
            return null;
        }

        return new UcumRatio(top.Kind, bottom.Kind, top.Factor / bottom.Factor);
    }

    /// <summary>Multiply a value in this unit by the result to get it in <paramref name="target"/>; null across kinds.</summary>
    /// <remarks>Dividing by 1.000… drops trailing zeros (60.000000 → 60), so results carry no fake precision.</remarks>
    public decimal? FactorTo(UcumRatio target) =>
        Numerator == target.Numerator && Denominator == target.Denominator
            ? Factor / target.Factor / 1.0000000000000000000000000000m
            : null;

    private static (UcumKind Kind, decimal Factor)? Term(ReadOnlySpan<char> term)
    {
        foreach (var (atom, kind, factor) in Atoms)
        {
            if (term.EndsWith(atom, StringComparison.Ordinal)
                && Prefixes.TryGetValue(term[..^atom.Length].ToString(), out var prefix))
            {
                return (kind, prefix * factor);
            }
        }

        return null;
    }
}

/// <summary>What one side of a <see cref="UcumRatio"/> measures.</summary>
internal enum UcumKind
{
    Mass,
    Substance,
    Equivalents,
    Catalytic,
    Volume,
}
