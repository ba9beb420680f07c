using System.Text.Json;
using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Terminology;
using Hl7.Fhir.Model;

namespace BoneMets.Cds.Fhir.Terminology;

/// <summary>
/// Loads the pre-expanded value sets in <c>cds-services/valuesets/</c> (one FHIR R4 <c>ValueSet</c> per file, id = a
/// concept id of <see cref="Concepts"/>) into domain <see cref="ConceptSet"/>s. Runs once at start-up; any fault stops
/// the host with a <see cref="DefinitionException"/> naming the file.
/// </summary>
/// <remarks>
/// Supported <c>compose.include</c> shapes (everything else is a fault, never silently skipped):
/// <list type="bullet">
/// <item>a <c>system</c> known to <see cref="CodeSystems"/> with a <c>concept</c> list → exact codes (system canonicalised;
/// ICD-10 codes upper-cased and dotted with <see cref="CodeCatalog.NormalizeIcd"/>);</item>
/// <item>an ICD-10-CM or WHO ICD-10 <c>system</c> with exactly one <c>filter</c> <c>concept is-a &lt;code&gt;</c> →
/// a code prefix (clinical.md §2.2).</item>
/// </list>
/// An include with both <c>concept</c> and <c>filter</c> means their intersection in FHIR, which we do not implement, so
/// it is a fault as well.
/// </remarks>
public static class ValueSetLoader
{
    /// <summary>Parses every <c>*.json</c> file of <paramref name="directory"/> (not recursive), in ordinal file-name order.</summary>
    /// <returns>One concept set per file; every id of <see cref="Concepts.All"/> is present exactly once.</returns>
    /// <exception cref="DefinitionException">The directory is missing, or a file is not a supported ValueSet, or a
    /// required concept id has no file.</exception>
    public static IReadOnlyList<ConceptSet> LoadDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DefinitionException(directory, "value-set directory not found");
        }

        var files = Directory.GetFiles(directory, "*.json", SearchOption.TopDirectoryOnly);
        Array.Sort(files, StringComparer.Ordinal);

        var sets = new List<ConceptSet>(files.Length);
        var fileById = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var set = LoadFile(file);
            if (fileById.TryGetValue(set.Id, out var first))
            {
                throw new DefinitionException(file, $"duplicate value-set id '{set.Id}' (already defined in '{Path.GetFileName(first)}')");
            }

            fileById.Add(set.Id, file);
            sets.Add(set);
        }

        var missing = Concepts.All.Where(id => !fileById.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            throw new DefinitionException(directory, $"no value-set file for required concept id(s): {string.Join(", ", missing)}");
        }

        return sets;
    }

    /// <summary>Parses one ValueSet file into a concept set (no cross-file checks).</summary>
    /// <exception cref="DefinitionException">The file is unreadable or not a supported ValueSet.</exception>
    public static ConceptSet LoadFile(string filePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        ValueSet valueSet;
        try
        {
            using var stream = File.OpenRead(filePath);
            using var document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("resourceType", out var type)
                || type.ValueKind != JsonValueKind.String
                || type.GetString() != "ValueSet")
            {
                throw new DefinitionException(filePath, "not a FHIR ValueSet (resourceType must be \"ValueSet\")");
            }

            valueSet = document.RootElement.Deserialize<ValueSet>(FhirJson.Strict)
                ?? throw new DefinitionException(filePath, "empty document");
        }
        catch (DefinitionException)
        {
            throw;
        }
        catch (JsonException ex)
        {
            throw new DefinitionException(filePath, $"invalid JSON: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new DefinitionException(filePath, $"cannot read file: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new DefinitionException(filePath, $"cannot read file: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is Hl7.Fhir.Utility.CodedException or Hl7.Fhir.Serialization.DeserializationFailedException)
        {
            throw new DefinitionException(filePath, $"invalid FHIR ValueSet: {ex.Message}", ex);
        }

        return ToConceptSet(valueSet, filePath);
    }

    private static ConceptSet ToConceptSet(ValueSet valueSet, string file)
    {
        var id = valueSet.Id;
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new DefinitionException(file, "ValueSet.id is missing");
        }

        if (!Concepts.All.Contains(id, StringComparer.Ordinal))
        {
            throw new DefinitionException(file, $"ValueSet.id '{id}' is not a known concept id");
        }

        if (string.IsNullOrWhiteSpace(valueSet.Version))
        {
            throw new DefinitionException(file, $"ValueSet '{id}' has no version");
        }

        var compose = valueSet.Compose;
        if (compose is null || compose.Include.Count == 0)
        {
            throw new DefinitionException(file, $"ValueSet '{id}' has no compose.include (empty set)");
        }

        if (compose.Exclude.Count > 0)
        {
            throw new DefinitionException(file, $"ValueSet '{id}' uses compose.exclude, which is not supported (pre-expand the set instead)");
        }

        var codes = new HashSet<SystemCode>();
        var prefixes = new HashSet<SystemCode>();
        for (var i = 0; i < compose.Include.Count; i++)
        {
            ReadInclude(compose.Include[i], $"compose.include[{i}]", codes, prefixes, file);
        }

        if (codes.Count == 0 && prefixes.Count == 0)
        {
            throw new DefinitionException(file, $"ValueSet '{id}' contains no codes (empty set)");
        }

        return new ConceptSet(id, valueSet.Version, codes.ToArray(), prefixes.ToArray());
    }

    private static void ReadInclude(
        ValueSet.ConceptSetComponent include,
        string where,
        HashSet<SystemCode> codes,
        HashSet<SystemCode> prefixes,
        string file)
    {
        if (include.ValueSet.Any())
        {
            throw new DefinitionException(file, $"{where} imports another value set (valueSet), which is not supported");
        }

        if (string.IsNullOrWhiteSpace(include.System))
        {
            throw new DefinitionException(file, $"{where} has no system");
        }

        var system = CodeSystems.Normalize(include.System);
        if (system is null || system == CodeSystems.Ucum)
        {
            throw new DefinitionException(file, $"{where} uses unknown code system '{include.System}'");
        }

        var hasConcepts = include.Concept.Count > 0;
        var hasFilters = include.Filter.Count > 0;
        if (hasConcepts && hasFilters)
        {
            throw new DefinitionException(file, $"{where} has both concept and filter (an intersection); put them in separate includes");
        }

        if (!hasConcepts && !hasFilters)
        {
            throw new DefinitionException(file, $"{where} has neither concept nor filter (a whole code system is not supported)");
        }

        var prefixMatched = CodeSystems.IsPrefixMatched(system);
        for (var c = 0; c < include.Concept.Count; c++)
        {
            var code = include.Concept[c].Code?.Trim();
            if (string.IsNullOrEmpty(code))
            {
                throw new DefinitionException(file, $"{where}.concept[{c}] has no code");
            }

            codes.Add(new SystemCode(system, prefixMatched ? CodeCatalog.NormalizeIcd(code) : code));
        }

        if (!hasFilters)
        {
            return;
        }

        if (include.Filter.Count > 1)
        {
            throw new DefinitionException(file, $"{where} has {include.Filter.Count} filters (an intersection); use one filter per include");
        }

        var filter = include.Filter[0];
        if (!prefixMatched || filter.Property != "concept" || filter.Op != FilterOperator.IsA)
        {
            throw new DefinitionException(
                file,
                $"{where}.filter[0] '{filter.Property} {filter.OpElement?.JsonValue}' on '{include.System}' is not supported (only 'concept is-a' on ICD-10-CM or WHO ICD-10)");
        }

        var value = filter.Value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            throw new DefinitionException(file, $"{where}.filter[0] has no value");
        }

        prefixes.Add(new SystemCode(system, CodeCatalog.NormalizeIcd(value)));
    }
}
