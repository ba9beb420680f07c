using System.Collections.Immutable;

namespace BoneMets.Cds.Fhir.Prefetch;

/// <summary>
/// The per-key outcome of one request's prefetch, addressable by <see cref="PatientDataKey"/>. Immutable: a later data
/// source (e.g. fetching a not-satisfied key from the EHR's FHIR server) replaces a key with <see cref="With"/> before
/// the facts are built.
/// </summary>
public sealed class PrefetchSnapshot
{
    private readonly ImmutableArray<PrefetchResult> _results;

    internal PrefetchSnapshot(string patientId, ImmutableArray<PrefetchResult> results)
    {
        PatientId = patientId;
        _results = results;
    }

    /// <summary>The context patient id the keys were checked against.</summary>
    public string PatientId { get; }

    /// <summary>The result of one key.</summary>
    public PrefetchResult this[PatientDataKey key] => _results[(int)key];

    /// <summary>All results, in <see cref="PatientDataTemplates.Keys"/> order.</summary>
    public IReadOnlyList<PrefetchResult> Results => _results;

    /// <summary>Keys the client did not satisfy (candidates for fetching; "no data" keys are never among them).</summary>
    public IEnumerable<PatientDataKey> NotSatisfiedKeys =>
        PatientDataTemplates.Keys.Where(k => _results[(int)k].State == PrefetchState.NotSatisfied);

    /// <summary>A copy with one key's result replaced.</summary>
    /// <exception cref="ArgumentException"><paramref name="result"/> is for another key.</exception>
    public PrefetchSnapshot With(PatientDataKey key, PrefetchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Key != _results[(int)key].Key)
        {
            throw new ArgumentException($"Result for key '{result.Key}' cannot replace key '{_results[(int)key].Key}'.", nameof(result));
        }

        return new PrefetchSnapshot(PatientId, _results.SetItem((int)key, result));
    }
}
