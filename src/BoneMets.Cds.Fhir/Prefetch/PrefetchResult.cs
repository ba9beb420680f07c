using Hl7.Fhir.Model;

namespace BoneMets.Cds.Fhir.Prefetch;

/// <summary>What one prefetch key gave us (cds-hooks.md "Our decisions" 2, §2.5–§2.6).</summary>
public enum PrefetchState
{
    /// <summary>Right shape, right patient: <see cref="PrefetchResult.Resources"/> holds the data (possibly a first page only).</summary>
    Satisfied,

    /// <summary>The client ran the query and found nothing (<c>null</c>, or a searchset without entries). Never re-queried.</summary>
    NoData,

    /// <summary>Absent or unusable (see <see cref="PrefetchResult.Reason"/>): fetch it ourselves, or treat it as unavailable.</summary>
    NotSatisfied,
}

/// <summary>
/// The outcome of reading one prefetch key. <see cref="Reason"/> is a fixed phrase that never contains patient data, so
/// it may be logged and put in an OperationOutcome.
/// </summary>
public sealed class PrefetchResult
{
    private PrefetchResult(
        PrefetchTemplate template,
        PrefetchState state,
        string? reason,
        IReadOnlyList<Resource> resources,
        string? nextLink)
    {
        Template = template;
        State = state;
        Reason = reason;
        Resources = resources;
        NextLink = nextLink;
    }

    /// <summary>The template of the key.</summary>
    public PrefetchTemplate Template { get; }

    /// <summary>The prefetch key.</summary>
    public string Key => Template.Key;

    /// <summary>Satisfied, no data, or not satisfied.</summary>
    public PrefetchState State { get; }

    /// <summary>Why the key is not satisfied; null otherwise.</summary>
    public string? Reason { get; }

    /// <summary>
    /// The matching resources, all of <see cref="PrefetchTemplate.ResourceType"/> and (as far as they say) of the context
    /// patient; empty unless <see cref="State"/> is <see cref="PrefetchState.Satisfied"/>.
    /// </summary>
    public IReadOnlyList<Resource> Resources { get; }

    /// <summary>The searchset's <c>next</c> link when the client sent only a first page (not followed here); else null.</summary>
    public string? NextLink { get; }

    /// <summary>True when a searchset has more pages than the client sent.</summary>
    public bool IsPartial => NextLink is not null;

    /// <summary>A usable key.</summary>
    public static PrefetchResult Satisfied(PrefetchTemplate template, IReadOnlyList<Resource> resources, string? nextLink = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(resources);
        return new PrefetchResult(template, PrefetchState.Satisfied, null, resources, nextLink);
    }

    /// <summary>A key the client answered with "nothing there".</summary>
    public static PrefetchResult NoData(PrefetchTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return new PrefetchResult(template, PrefetchState.NoData, null, [], null);
    }

    /// <summary>An absent or unusable key; <paramref name="reason"/> must not contain patient data.</summary>
    public static PrefetchResult NotSatisfied(PrefetchTemplate template, string reason)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new PrefetchResult(template, PrefetchState.NotSatisfied, reason, [], null);
    }

    /// <inheritdoc />
    public override string ToString() =>
        State == PrefetchState.NotSatisfied ? $"{Key}: {State} ({Reason})" : $"{Key}: {State} ({Resources.Count} resources)";
}
