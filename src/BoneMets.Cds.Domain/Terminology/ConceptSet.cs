namespace BoneMets.Cds.Domain.Terminology;

/// <summary>A pre-expanded value set: exact codes per canonical system, plus code prefixes for ICD-10 systems.</summary>
/// <param name="Id">Concept-set id (see <see cref="Concepts"/>).</param>
/// <param name="Version">The value set's version, echoed into card evidence and logs.</param>
/// <param name="Codes">Exact (system, code) pairs, system canonical.</param>
/// <param name="Prefixes">(system, dotted-code prefix) pairs; only for ICD-10-CM and WHO ICD-10.</param>
public sealed record ConceptSet(
    string Id,
    string Version,
    IReadOnlyCollection<SystemCode> Codes,
    IReadOnlyCollection<SystemCode> Prefixes);

/// <summary>A code in a canonical system.</summary>
public readonly record struct SystemCode(string System, string Code);
