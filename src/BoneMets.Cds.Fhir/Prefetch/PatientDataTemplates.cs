using System.Collections.Frozen;
using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Fhir.Prefetch;

/// <summary>The six prefetch keys the patient-view service declares (clinical.md §6). Names are fixed.</summary>
public enum PatientDataKey
{
    /// <summary><c>patient</c>: <c>Patient/{{context.patientId}}</c> — required.</summary>
    Patient,

    /// <summary><c>conditions</c>: <c>Condition?patient=…</c> — required.</summary>
    Conditions,

    /// <summary><c>labs</c>: <c>Observation?patient=…&amp;category=laboratory…</c> — optional.</summary>
    Labs,

    /// <summary><c>symptoms</c>: <c>Observation?patient=…&amp;category=survey,exam</c> — optional.</summary>
    Symptoms,

    /// <summary><c>imaging</c>: <c>DiagnosticReport?patient=…&amp;category=…RAD</c> — optional.</summary>
    Imaging,

    /// <summary><c>orders</c>: <c>ServiceRequest?patient=…&amp;status=…</c> — optional.</summary>
    Orders,
}

/// <summary>
/// The parsed prefetch templates of the service definition, one per <see cref="PatientDataKey"/>, checked once at
/// start-up (key present, right resource type, read vs search) and shared by every request.
/// </summary>
public sealed class PatientDataTemplates
{
    private static readonly (PatientDataKey Key, string Name, string Type, PrefetchKind Kind, bool Required, DataSources Source)[] Spec =
    [
        (PatientDataKey.Patient, "patient", "Patient", PrefetchKind.Read, true, DataSources.None),
        (PatientDataKey.Conditions, "conditions", "Condition", PrefetchKind.Search, true, DataSources.None),
        (PatientDataKey.Labs, "labs", "Observation", PrefetchKind.Search, false, DataSources.Labs),
        (PatientDataKey.Symptoms, "symptoms", "Observation", PrefetchKind.Search, false, DataSources.Symptoms),
        (PatientDataKey.Imaging, "imaging", "DiagnosticReport", PrefetchKind.Search, false, DataSources.Imaging),
        (PatientDataKey.Orders, "orders", "ServiceRequest", PrefetchKind.Search, false, DataSources.Orders),
    ];

    private readonly FrozenDictionary<PatientDataKey, PrefetchTemplate> _templates;

    private PatientDataTemplates(FrozenDictionary<PatientDataKey, PrefetchTemplate> templates) => _templates = templates;

    /// <summary>All keys in declaration order (patient, conditions, labs, symptoms, imaging, orders).</summary>
    public static IReadOnlyList<PatientDataKey> Keys { get; } = Spec.Select(s => s.Key).ToArray();

    /// <summary>The template of a key.</summary>
    public PrefetchTemplate this[PatientDataKey key] => _templates[key];

    /// <summary>The prefetch key name (<c>patient</c>, <c>conditions</c>, …).</summary>
    public static string NameOf(PatientDataKey key) => Spec[(int)key].Name;

    /// <summary>Patient and conditions are required (cds-hooks.md "Our decisions" 3); the rest are optional.</summary>
    public static bool IsRequired(PatientDataKey key) => Spec[(int)key].Required;

    /// <summary>The flag an optional key sets in <see cref="PatientFacts.Unavailable"/>; <see cref="DataSources.None"/> for required keys.</summary>
    public static DataSources SourceOf(PatientDataKey key) => Spec[(int)key].Source;

    /// <summary>
    /// Parses the service definition's <c>prefetch</c> object. Keys other than the six are ignored.
    /// </summary>
    /// <param name="prefetch">Key → template, as written in the definition.</param>
    /// <param name="definitionFile">The definition file, named in the exception.</param>
    /// <exception cref="DefinitionException">A key is missing, or its template is malformed, of another resource type, or
    /// a read where a search is needed (or the reverse).</exception>
    public static PatientDataTemplates Create(IReadOnlyDictionary<string, string> prefetch, string definitionFile)
    {
        ArgumentNullException.ThrowIfNull(prefetch);
        ArgumentException.ThrowIfNullOrWhiteSpace(definitionFile);
        var templates = new Dictionary<PatientDataKey, PrefetchTemplate>();
        foreach (var (key, name, type, kind, _, _) in Spec)
        {
            if (!prefetch.TryGetValue(name, out var text))
            {
                throw new DefinitionException(definitionFile, $"prefetch key '{name}' is missing");
            }

            PrefetchTemplate template;
            try
            {
                template = PrefetchTemplate.Parse(name, text);
            }
            catch (FormatException ex)
            {
                throw new DefinitionException(definitionFile, ex.Message, ex);
            }

            if (template.ResourceType != type || template.Kind != kind)
            {
                throw new DefinitionException(
                    definitionFile,
                    $"prefetch key '{name}' must be a {kind.ToString().ToLowerInvariant()} of {type}, found a {template.Kind.ToString().ToLowerInvariant()} of {template.ResourceType}");
            }

            if (!template.Template.Contains(PrefetchTemplate.PatientIdToken, StringComparison.Ordinal))
            {
                throw new DefinitionException(definitionFile, $"prefetch key '{name}' does not use {PrefetchTemplate.PatientIdToken}");
            }

            templates.Add(key, template);
        }

        return new PatientDataTemplates(templates.ToFrozenDictionary());
    }
}
