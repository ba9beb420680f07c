namespace BoneMets.Cds.Domain.Terminology;

/// <summary>Canonical code-system URIs and the aliases EHRs send for them (clinical.md §2.2).</summary>
public static class CodeSystems
{
    public const string Snomed = "http://snomed.info/sct";
    public const string Loinc = "http://loinc.org";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string Cpt = "http://www.ama-assn.org/go/cpt";
    public const string HcpcsUmls = "http://www.nlm.nih.gov/research/umls/hcpcs";
    public const string HcpcsCms = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        [Snomed] = Snomed,
        ["urn:oid:2.16.840.1.113883.6.96"] = Snomed,
        [Loinc] = Loinc,
        ["urn:oid:2.16.840.1.113883.6.1"] = Loinc,
        [Icd10Cm] = Icd10Cm,
        ["urn:oid:2.16.840.1.113883.6.90"] = Icd10Cm,
        [Icd10] = Icd10,
        ["urn:oid:2.16.840.1.113883.6.3"] = Icd10,
        [Cpt] = Cpt,
        ["urn:oid:2.16.840.1.113883.6.12"] = Cpt,
        [HcpcsUmls] = HcpcsUmls,
        [HcpcsCms] = HcpcsUmls,
        ["urn:oid:2.16.840.1.113883.6.285"] = HcpcsUmls,
        [Ucum] = Ucum,
    };

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> AliasesBySpan =
        Aliases.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Returns the canonical URI for a known system (OID aliases and a trailing slash are accepted), or null when the
    /// system is unknown or local: local codes are never matched.
    /// </summary>
    public static string? Normalize(string? system) => system is null ? null : Normalize(system.AsSpan());

    /// <summary>
    /// <see cref="Normalize(string?)"/> on characters, without allocating: the hot path judges every prefetch entry's
    /// codings straight from the request JSON.
    /// </summary>
    public static string? Normalize(ReadOnlySpan<char> system)
    {
        var trimmed = system.Trim().TrimEnd('/');
        if (trimmed.IsEmpty)
        {
            return null;
        }

        if (AliasesBySpan.TryGetValue(trimmed, out var canonical))
        {
            return canonical;
        }

        // A SNOMED CT edition URI (http://snomed.info/sct/900000000000207008[/version/20240901]) belongs in
        // Coding.version, but some EHRs put it in Coding.system: it is still SNOMED CT, not another system (clinical.md §2.2).
        return IsSnomedEditionUri(trimmed) ? Snomed : null;
    }

    private static bool IsSnomedEditionUri(ReadOnlySpan<char> system)
    {
        const string Prefix = Snomed + "/";
        if (!system.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || system.Length == Prefix.Length)
        {
            return false;
        }

        var module = system[Prefix.Length..];
        var slash = module.IndexOf('/');
        if (slash >= 0)
        {
            module = module[..slash];
        }

        foreach (var c in module)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return module.Length > 0;
    }

    /// <summary>ICD-10 family systems are matched by prefix on the dotted code; the rest exactly.</summary>
    public static bool IsPrefixMatched(string canonicalSystem) =>
        canonicalSystem is Icd10Cm or Icd10;
}
