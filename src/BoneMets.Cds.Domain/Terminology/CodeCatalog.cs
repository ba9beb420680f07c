using System.Collections.Frozen;

namespace BoneMets.Cds.Domain.Terminology;

/// <summary>
/// All concept sets, frozen at start-up. Answers "which concept ids does this coding belong to?" in O(1) for exact
/// systems and O(code length) for prefix-matched ICD-10 systems. Thread-safe and shared by every request.
/// </summary>
public sealed class CodeCatalog
{
    /// <summary>Longest ICD-10 code normalised on the stack; a longer one is normalised on the heap.</summary>
    private const int MaxStackCode = 128;

    private readonly FrozenDictionary<string, CodeTable> _bySystem;

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
        _bySystem = exact.Keys.Concat(prefix.Keys).Select(k => k.System).Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(system => system, system => new CodeTable(Table(exact, system), Table(prefix, system)), StringComparer.Ordinal);
    }

    /// <summary>The loaded sets by id.</summary>
    public FrozenDictionary<string, ConceptSet> Sets { get; }

    /// <summary>
    /// Concept ids that a coding belongs to. <paramref name="system"/> may be an alias (OID form); unknown or local
    /// systems never match. Text and display are never used.
    /// </summary>
    public IReadOnlyList<string> Match(string? system, string? code) =>
        system is null || code is null ? [] : Match(system.AsSpan(), code.AsSpan());

    /// <summary>
    /// <see cref="Match(string?, string?)"/> on characters. Allocates nothing unless an ICD-10 code matches by prefix
    /// (the list of ids): the hot path judges every prefetch entry's codings straight from the request JSON.
    /// </summary>
    public IReadOnlyList<string> Match(ReadOnlySpan<char> system, ReadOnlySpan<char> code)
    {
        var canonical = CodeSystems.Normalize(system);
        var trimmed = code.Trim();
        if (canonical is null || trimmed.IsEmpty || !_bySystem.TryGetValue(canonical, out var table))
        {
            return [];
        }

        if (!CodeSystems.IsPrefixMatched(canonical))
        {
            return table.Exact.TryGetValue(trimmed, out var ids) ? ids : [];
        }

        // ICD-10(-CM): every prefix of the dotted code, e.g. M84.58XA -> M, M8, M84, M84., M84.5, M84.58, ...
        var normalized = trimmed.Length < MaxStackCode
            ? NormalizeIcd(trimmed, stackalloc char[MaxStackCode])
            : NormalizeIcdSlow(trimmed);
        List<string>? found = null;
        if (table.Exact.TryGetValue(normalized, out var exactIds))
        {
            found = [.. exactIds];
        }

        for (var len = 1; len <= normalized.Length; len++)
        {
            if (table.Prefix.TryGetValue(normalized[..len], out var ids))
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
        ArgumentNullException.ThrowIfNull(code);
        var trimmed = code.AsSpan().Trim();
        return trimmed.Length < MaxStackCode
            ? new string(NormalizeIcd(trimmed, stackalloc char[MaxStackCode]))
            : NormalizeIcdSlow(trimmed);
    }

    /// <summary><see cref="NormalizeIcd(string)"/> of an already trimmed code into <paramref name="buffer"/>, which
    /// holds at least one character more than the code.</summary>
    private static ReadOnlySpan<char> NormalizeIcd(ReadOnlySpan<char> trimmed, Span<char> buffer)
    {
        var written = trimmed.ToUpperInvariant(buffer);
        if (written > 3 && buffer[..written].IndexOf('.') < 0)
        {
            buffer[3..written].CopyTo(buffer[4..]);
            buffer[3] = '.';
            written++;
        }

        return buffer[..written];
    }

    private static string NormalizeIcdSlow(ReadOnlySpan<char> trimmed)
    {
        var c = trimmed.ToString().ToUpperInvariant();
        return c.Length > 3 && !c.Contains('.', StringComparison.Ordinal) ? string.Concat(c.AsSpan(0, 3), ".", c.AsSpan(3)) : c;
    }

    private static FrozenDictionary<string, string[]> Table(Dictionary<SystemCode, List<string>> map, string system) =>
        map.Where(kv => kv.Key.System == system)
            .ToFrozenDictionary(kv => kv.Key.Code, kv => kv.Value.Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

    private static void Add(Dictionary<SystemCode, List<string>> map, SystemCode key, string id)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(id);
    }

    /// <summary>One code system's codes: exact, and (ICD-10) prefixes; both looked up by characters without a string.</summary>
    private sealed class CodeTable(FrozenDictionary<string, string[]> exact, FrozenDictionary<string, string[]> prefix)
    {
        public FrozenDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> Exact { get; } = exact.GetAlternateLookup<ReadOnlySpan<char>>();

        public FrozenDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> Prefix { get; } = prefix.GetAlternateLookup<ReadOnlySpan<char>>();
    }
}
