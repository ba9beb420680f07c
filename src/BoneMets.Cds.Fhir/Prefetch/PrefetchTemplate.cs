using Hl7.Fhir.Model;

namespace BoneMets.Cds.Fhir.Prefetch;

/// <summary>Whether a prefetch template is an instance read (<c>Patient/{{context.patientId}}</c>) or a type search.</summary>
public enum PrefetchKind
{
    Read,
    Search,
}

/// <summary>
/// One prefetch template of the service definition, parsed once at start-up: which resource type the key must hold and
/// whether it is a read (a single resource) or a search (a <c>searchset</c> Bundle).
/// </summary>
/// <param name="Key">The prefetch key, e.g. <c>labs</c>.</param>
/// <param name="Template">The template as written, e.g. <c>Observation?patient={{context.patientId}}&amp;category=laboratory</c>.</param>
/// <param name="ResourceType">The FHIR resource type read or searched, e.g. <c>Observation</c>.</param>
/// <param name="Kind">Read or search.</param>
/// <param name="ReadId">For a read, the id segment as written (may hold a token); null for a search.</param>
public sealed record PrefetchTemplate(string Key, string Template, string ResourceType, PrefetchKind Kind, string? ReadId)
{
    /// <summary>The token CDS Hooks clients replace with the context patient id.</summary>
    public const string PatientIdToken = "{{context.patientId}}";

    /// <summary>
    /// Parses a relative read (<c>Type/id</c>) or search (<c>Type?query</c> or <c>Type</c>) URL. The type must be an R4
    /// resource type.
    /// </summary>
    /// <exception cref="FormatException">The template is empty, absolute, or not of either form.</exception>
    public static PrefetchTemplate Parse(string key, string template)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (string.IsNullOrWhiteSpace(template))
        {
            throw new FormatException($"Prefetch template '{key}' is empty.");
        }

        var trimmed = template.Trim();
        var query = trimmed.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? trimmed : trimmed[..query];

        // Only the path must be relative: the query may hold system URIs (code=http://loinc.org|17861-6).
        if (path.Contains(':', StringComparison.Ordinal) || path.StartsWith('/'))
        {
            throw new FormatException($"Prefetch template '{key}' must be a relative FHIR URL (Type/id or Type?query).");
        }
        var segments = path.Split('/');
        var type = segments[0];
        if (!ModelInfo.IsKnownResource(type))
        {
            throw new FormatException($"Prefetch template '{key}' names unknown resource type '{type}'.");
        }

        if (segments.Length == 1)
        {
            return new PrefetchTemplate(key, trimmed, type, PrefetchKind.Search, null);
        }

        if (segments.Length == 2 && query < 0 && segments[1].Length > 0)
        {
            return new PrefetchTemplate(key, trimmed, type, PrefetchKind.Read, segments[1]);
        }

        throw new FormatException($"Prefetch template '{key}' is neither a read (Type/id) nor a type-level search (Type?query).");
    }

    /// <summary>
    /// The id a read must return for this context: <see cref="ReadId"/> with <see cref="PatientIdToken"/> filled in.
    /// Null for a search, or when the id holds a token other than the patient id (it cannot be checked then).
    /// </summary>
    public string? ExpectedReadId(string patientId)
    {
        if (Kind != PrefetchKind.Read || ReadId is null)
        {
            return null;
        }

        var id = ReadId.Replace(PatientIdToken, patientId, StringComparison.Ordinal);
        return id.Contains("{{", StringComparison.Ordinal) ? null : id;
    }

    /// <summary>
    /// The relative URL for this patient (<see cref="PatientIdToken"/> filled in, URL-escaped), for fetching the key from
    /// the EHR's FHIR server when the client did not satisfy it.
    /// </summary>
    public string Resolve(string patientId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        return Template.Replace(PatientIdToken, Uri.EscapeDataString(patientId), StringComparison.Ordinal);
    }
}
