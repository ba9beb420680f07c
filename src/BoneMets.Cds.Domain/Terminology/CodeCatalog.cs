using System.Collections.Frozen;

namespace BoneMets.Cds.Domain.Terminology;

/// <summary>
/// All concept sets, frozen at start-up. Answers "which concept ids does this coding belong to?" in O(1) for exact
/// systems and O(code length) for prefix-matched ICD-10 systems. Thread-safe and shared by every request.
/// </summary>
public sealed class CodeCatalog
{
    private readonly FrozenDictionary<SystemCode, string[]> _exact;
    private readonly FrozenDictionary<SystemCode, string[]> _prefix;

    public CodeCatalog(IEnumerable<ConceptSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var exact = new Dictionary<SystemCode, List<string>>();
        var prefix = new Dictionary<SystemCode, List<string>>();
        var list = new List<ConceptSet>();
        foreach (var set in sets)
        {
            list.Add(set);
            foreach (var c in set.Codes)
            {
                Add(exact, new SystemCode(c.System, CodeSystems.IsPrefixMatched(c.System) ? NormalizeIcd(c.Code) : c.Code.Trim()), set.Id);
            }

            foreach (var p in set.Prefixes)
            {
                Add(prefix, new SystemCode(p.System, NormalizeIcd(p.Code)), set.Id);
            }
        }

        Sets = list.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);
        _exact = exact.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.Distinct(StringComparer.Ordinal).ToArray());
        _prefix = prefix.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.Distinct(StringComparer.Ordinal).ToArray());
    }

    /// <summary>The loaded sets by id.</summary>
    public FrozenDictionary<string, ConceptSet> Sets { get; }

    /// <summary>
    /// Concept ids that a coding belongs to. <paramref name="system"/> may be an alias (OID form); unknown or local
    /// systems never match. Text and display are never used.
    /// </summary>
    public IReadOnlyList<string> Match(string? system, string? code)
    {
        var canonical = CodeSystems.Normalize(system);
        if (canonical is null || string.IsNullOrWhiteSpace(code))
        {
            return [];
        }

        var trimmed = code.Trim();
        if (!CodeSystems.IsPrefixMatched(canonical))
        {
            return _exact.TryGetValue(new SystemCode(canonical, trimmed), out var ids) ? ids : [];
        }

        // ICD-10(-CM): every prefix of the dotted code, e.g. M84.58XA -> M, M8, M84, M84., M84.5, M84.58, ...
        var normalized = NormalizeIcd(trimmed);
        List<string>? found = null;
        if (_exact.TryGetValue(new SystemCode(canonical, normalized), out var exactIds))
        {
            found = [.. exactIds];
        }

        for (var len = 1; len <= normalized.Length; len++)
        {
            if (_prefix.TryGetValue(new SystemCode(canonical, normalized[..len]), out var ids))
            {
                found ??= [];
                foreach (var id in ids)
                {
                    if (!found.Contains(id))
                    {
                        found.Add(id);
                    }
                }
            }
        }

        return (IReadOnlyList<string>?)found ?? [];
    }

    /// <summary>ICD codes are compared upper-case with the dot kept (C50.911); an undotted code (C50911) gets its dot.</summary>
    public static string NormalizeIcd(string code)
    {
        var c = code.Trim().ToUpperInvariant();
        if (c.Length > 3 && !c.Contains('.', StringComparison.Ordinal))
        {
            c = string.Concat(c.AsSpan(0, 3), ".", c.AsSpan(3));
        }

        return c;
    }

    private static void Add(Dictionary<SystemCode, List<string>> map, SystemCode key, string id)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(id);
    }
}
