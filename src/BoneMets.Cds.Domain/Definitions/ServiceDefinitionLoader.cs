using System.Text.Json;
using System.Text.RegularExpressions;

namespace BoneMets.Cds.Domain.Definitions;

/// <summary>
/// Loads and validates a service definition. Faults stop the host with a <see cref="DefinitionException"/> naming the
/// file and the fault: a CDS service that starts with a broken definition would answer with silently wrong cards.
/// </summary>
public static partial class ServiceDefinitionLoader
{
    /// <summary>Hooks this build can evaluate, with the context fields CDS Hooks 2.0 allows as prefetch tokens.</summary>
    private static readonly Dictionary<string, string[]> HookTokens = new(StringComparer.Ordinal)
    {
        ["patient-view"] = ["context.userId", "context.patientId", "context.encounterId"],
    };

    private static readonly string[] UserTokens =
        ["userPractitionerId", "userPractitionerRoleId", "userPatientId", "userRelatedPersonId"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    /// <summary>Loads <paramref name="file"/>; relative paths inside it resolve against its directory.</summary>
    public static ServiceDefinition Load(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!File.Exists(file))
        {
            throw new DefinitionException(file, "file not found");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(file), DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new DefinitionException(file, $"not valid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DefinitionException(file, "the top level must be a JSON object");
            }

            var id = RequiredString(file, root, "id");
            if (!IdPattern().IsMatch(id))
            {
                throw new DefinitionException(file, $"'id' \"{id}\" must be lower-case letters, digits and hyphens");
            }

            var hook = RequiredString(file, root, "hook");
            if (!HookTokens.TryGetValue(hook, out var contextTokens))
            {
                throw new DefinitionException(file, $"'hook' \"{hook}\" is not a hook this service can evaluate (supported: {string.Join(", ", HookTokens.Keys)})");
            }

            var title = RequiredString(file, root, "title");
            var description = RequiredString(file, root, "description");
            string? usage = null;
            if (root.TryGetProperty("usageRequirements", out var usageElement))
            {
                usage = usageElement.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(usageElement.GetString())
                    ? usageElement.GetString()
                    : throw new DefinitionException(file, "'usageRequirements' must be a non-empty string when present");
            }

            var prefetch = ReadPrefetch(file, root, contextTokens);
            var required = ReadRequired(file, root, prefetch);

            var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
            var valueSets = Path.GetFullPath(Path.Combine(dir, RequiredString(file, root, "valueSets")));
            if (!Directory.Exists(valueSets))
            {
                throw new DefinitionException(file, $"'valueSets' directory '{valueSets}' does not exist");
            }

            var thresholds = Path.GetFullPath(Path.Combine(dir, RequiredString(file, root, "thresholds")));
            if (!File.Exists(thresholds))
            {
                throw new DefinitionException(file, $"'thresholds' file '{thresholds}' does not exist");
            }

            return new ServiceDefinition
            {
                Id = id,
                Hook = hook,
                Title = title,
                Description = description,
                UsageRequirements = usage,
                Prefetch = prefetch,
                RequiredPrefetch = required,
                ValueSetDirectory = valueSets,
                ThresholdsFile = thresholds,
                SourceFile = Path.GetFullPath(file),
            };
        }
    }

    /// <summary>
    /// Checks one template against the CDS Hooks 2.0 token rules: only <c>{{context.&lt;field&gt;}}</c> for the hook's
    /// token fields and the four user tokens (no FHIRPath, no <c>today()</c>: those are 3.0-ballot features), and a relative
    /// read or search URL.
    /// </summary>
    /// <returns>null when valid, else the fault.</returns>
    public static string? ValidateTemplate(string template, IReadOnlyCollection<string> contextTokens)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(contextTokens);
        if (template.Length == 0)
        {
            return "is empty";
        }

        var path = template.Split('?', 2)[0];
        if (path.StartsWith('/') || path.Contains("://", StringComparison.Ordinal))
        {
            return "must be a relative FHIR URL (Type/{{...}} or Type?query)";
        }

        if (!ResourcePathPattern().IsMatch(path))
        {
            return $"path '{path}' must be a resource type, optionally followed by /{{{{token}}}} or /id";
        }

        var opens = CountOf(template, "{{");
        var closes = CountOf(template, "}}");
        var matches = TokenPattern().Matches(template);
        if (opens != closes || opens != matches.Count)
        {
            return "has an unbalanced or malformed {{token}}";
        }

        foreach (Match m in matches)
        {
            var token = m.Groups[1].Value.Trim();
            if (!contextTokens.Contains(token) && !UserTokens.Contains(token))
            {
                return $"uses token '{{{{{token}}}}}', which CDS Hooks 2.0 does not allow for this hook (allowed: {string.Join(", ", contextTokens.Concat(UserTokens))})";
            }
        }

        return null;
    }

    private static Dictionary<string, string> ReadPrefetch(string file, JsonElement root, string[] contextTokens)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("prefetch", out var prefetch))
        {
            return result;
        }

        if (prefetch.ValueKind != JsonValueKind.Object)
        {
            throw new DefinitionException(file, "'prefetch' must be an object of key → template string");
        }

        foreach (var p in prefetch.EnumerateObject())
        {
            if (!KeyPattern().IsMatch(p.Name))
            {
                throw new DefinitionException(file, $"prefetch key '{p.Name}' must be letters, digits or underscores");
            }

            if (p.Value.ValueKind != JsonValueKind.String)
            {
                throw new DefinitionException(file, $"prefetch '{p.Name}' must be a string");
            }

            var template = p.Value.GetString()!;
            var fault = ValidateTemplate(template, contextTokens);
            if (fault is not null)
            {
                throw new DefinitionException(file, $"prefetch '{p.Name}' {fault}");
            }

            result[p.Name] = template;
        }

        return result;
    }

    private static List<string> ReadRequired(string file, JsonElement root, Dictionary<string, string> prefetch)
    {
        var required = new List<string>();
        if (!root.TryGetProperty("requiredPrefetch", out var element))
        {
            return required;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new DefinitionException(file, "'requiredPrefetch' must be an array of prefetch keys");
        }

        foreach (var item in element.EnumerateArray())
        {
            var key = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new DefinitionException(file, "'requiredPrefetch' items must be strings");
            if (!prefetch.ContainsKey(key))
            {
                throw new DefinitionException(file, $"'requiredPrefetch' names '{key}', which is not a prefetch key");
            }

            required.Add(key);
        }

        return required;
    }

    private static string RequiredString(string file, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            throw new DefinitionException(file, $"'{name}' is missing");
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new DefinitionException(file, $"'{name}' must be a non-empty string");
        }

        return value.GetString()!;
    }

    private static int CountOf(string s, string part)
    {
        var count = 0;
        for (var i = s.IndexOf(part, StringComparison.Ordinal); i >= 0; i = s.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^[A-Z][A-Za-z]+(/(\{\{[^{}]+\}\}|[A-Za-z0-9\-.]{1,64}))?$")]
    private static partial Regex ResourcePathPattern();

    [GeneratedRegex(@"\{\{([^{}]+)\}\}")]
    private static partial Regex TokenPattern();
}
