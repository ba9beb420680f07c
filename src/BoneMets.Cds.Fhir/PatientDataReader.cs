using System.Collections.Immutable;
using System.Text.Json;
using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Fhir.Mapping;
using BoneMets.Cds.Fhir.Prefetch;
using Hl7.Fhir.Model;

namespace BoneMets.Cds.Fhir;

/// <summary>
/// Turns a hook request's prefetch into <see cref="PatientFacts"/>: judges each of the six keys
/// (<see cref="ReadPrefetch"/>), then maps the usable ones (<see cref="BuildFacts"/>). Stateless and thread-safe; create
/// one at start-up and share it.
/// </summary>
/// <remarks>
/// <para>The two steps are separate so that a FHIR fetcher can sit between them later: take
/// <see cref="PrefetchSnapshot.NotSatisfiedKeys"/>, fetch each with <see cref="PrefetchTemplate.Resolve"/>, and put the
/// outcome back with <see cref="PrefetchSnapshot.With"/>.</para>
/// <para>Observations are mapped by concept, not by key: a lab-coded Observation in <c>symptoms</c> becomes a lab result
/// and a symptom-coded one in <c>labs</c> a finding (an EHR's categories are not reliable; the codes are what the rules
/// are defined on). An Observation present in both keys is mapped once (by id).</para>
/// <para>A <c>patient</c> key that is <c>null</c> is "no data" (pinned decision 2): the rules run without the deceased and
/// age gates (clinical.md §2.1 does the same for a missing birthDate) and the key is never re-queried.</para>
/// <para>If mapping a key's resources throws despite the defensive reads, that key is treated as not satisfied
/// ("malformed element value") and its facts are dropped; the other keys are unaffected.</para>
/// </remarks>
public sealed class PatientDataReader
{
    internal const string ReasonPatientNull = "the patient key holds no Patient resource";
    internal const string ReasonMappingFailed = "malformed element value";

    private readonly PatientDataTemplates _templates;
    private readonly CodeCatalog _catalog;
    private readonly CodeCatalog? _entryFilter;

    /// <summary>Creates the reader.</summary>
    /// <param name="templates">The service's prefetch templates.</param>
    /// <param name="catalog">The concept sets the mapping (and, by default, the entry pre-filter) works with.</param>
    /// <param name="skipIrrelevantEntries">When <c>true</c> (the default, and what the service uses), searchset entries
    /// whose <c>code.coding</c> matches no concept set are judged but never materialised as POCOs. <c>false</c>
    /// materialises every entry: only for benchmarks and the test that proves both give the same cards.</param>
    /// <param name="labHorizon">With the pre-filter: laboratory results older than this (before "now") are not
    /// materialised, since no rule window reaches that far back. Null: no time pre-filter.</param>
    public PatientDataReader(PatientDataTemplates templates, CodeCatalog catalog, bool skipIrrelevantEntries = true, TimeSpan? labHorizon = null)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(catalog);
        _templates = templates;
        _catalog = catalog;
        _entryFilter = skipIrrelevantEntries ? catalog : null;
        _labHorizon = skipIrrelevantEntries ? labHorizon : null;
    }

    private readonly TimeSpan? _labHorizon;

    /// <summary>Reads the prefetch and builds the facts in one go (no fetching).</summary>
    /// <param name="prefetch">The request's prefetch object: the keys present (a JSON <c>null</c> value included);
    /// keys we never asked for are ignored.</param>
    /// <param name="patientId">The context patient id.</param>
    /// <param name="now">Evaluation time, for the laboratory time pre-filter (null: no time pre-filter).</param>
    public PatientDataResult Read(IReadOnlyDictionary<string, JsonElement> prefetch, string patientId, DateTimeOffset? now = null) =>
        BuildFacts(ReadPrefetch(prefetch, patientId, now));

    /// <summary>Judges and parses each of the six keys independently.</summary>
    /// <param name="prefetch">The request's prefetch object (keys present).</param>
    /// <param name="patientId">The context patient id.</param>
    /// <param name="now">Evaluation time, for the laboratory time pre-filter (null: no time pre-filter).</param>
    public PrefetchSnapshot ReadPrefetch(IReadOnlyDictionary<string, JsonElement> prefetch, string patientId, DateTimeOffset? now = null)
    {
        DateTimeOffset? labsBefore = now is { } n && _labHorizon is { } h ? n - h : null;
        ArgumentNullException.ThrowIfNull(prefetch);
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        var results = ImmutableArray.CreateBuilder<PrefetchResult>(PatientDataTemplates.Keys.Count);
        foreach (var key in PatientDataTemplates.Keys)
        {
            var template = _templates[key];
            JsonElement? value = prefetch.TryGetValue(template.Key, out var element) ? element : null;
            results.Add(PrefetchReader.Read(template, value, patientId, _entryFilter, labsBefore));
        }

        return new PrefetchSnapshot(patientId, results.MoveToImmutable());
    }

    /// <summary>Maps the usable keys of <paramref name="snapshot"/> to facts, or reports the missing required keys.</summary>
    public PatientDataResult BuildFacts(PrefetchSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var problems = new Problems();
        var partial = snapshot.Results.Where(r => r.IsPartial).Select(r => r.Key).ToList();

        // Patient (required). A JSON null is "no data" (pinned decision 2), not "not satisfied": evaluate without the
        // birth-date and deceased gates, as clinical.md §2.1 does for a missing birthDate, rather than lose every card.
        Demographics? demographics = null;
        var patientResult = snapshot[PatientDataKey.Patient];
        if (patientResult.State == PrefetchState.NotSatisfied)
        {
            problems.Add(PatientDataKey.Patient, patientResult.Reason!);
        }
        else if (patientResult.State == PrefetchState.NoData)
        {
            demographics = new Demographics(null, Deceased: false);
        }
        else if (patientResult.Resources[0] is not Patient patient)
        {
            problems.Add(PatientDataKey.Patient, ReasonPatientNull);
        }
        else
        {
            Map(snapshot, PatientDataKey.Patient, problems, _ => demographics = FactsMapper.MapPatient(patient));
        }

        var conditions = new List<ConditionFact>();
        Map(snapshot, PatientDataKey.Conditions, problems, resources =>
        {
            var mapped = new List<ConditionFact>();
            foreach (var resource in resources)
            {
                if (resource is Condition c && FactsMapper.MapCondition(c, _catalog) is { } fact)
                {
                    mapped.Add(fact);
                }
            }

            conditions = mapped;
        });

        if (problems.MissingRequired.Count > 0 || demographics is null)
        {
            // Nothing will be evaluated: only report the optional keys' problems for the log.
            foreach (var key in PatientDataTemplates.Keys)
            {
                if (!PatientDataTemplates.IsRequired(key) && snapshot[key].State == PrefetchState.NotSatisfied)
                {
                    problems.Add(key, snapshot[key].Reason!);
                }
            }

            return PatientDataResult.RequiredMissing(problems.MissingRequired, problems.All, partial);
        }

        // Observations from both keys, mapped by concept; the same Observation (by id) only once.
        var labs = new List<LabResult>();
        var findings = new List<ObservationFinding>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in (ReadOnlySpan<PatientDataKey>)[PatientDataKey.Labs, PatientDataKey.Symptoms])
        {
            Map(snapshot, key, problems, resources =>
            {
                var keyLabs = new List<LabResult>();
                var keyFindings = new List<ObservationFinding>();
                var keySeen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var resource in resources)
                {
                    if (resource is not Observation o)
                    {
                        continue;
                    }

                    var id = FhirValues.Id(o);
                    if (id.Length > 0 && (seen.Contains(id) || !keySeen.Add(id)))
                    {
                        continue;
                    }

                    FactsMapper.MapObservation(o, _catalog, keyLabs, keyFindings);
                }

                labs.AddRange(keyLabs);
                findings.AddRange(keyFindings);
                seen.UnionWith(keySeen);
            });
        }

        var imaging = new List<ImagingFact>();
        Map(snapshot, PatientDataKey.Imaging, problems, resources =>
        {
            var mapped = new List<ImagingFact>();
            foreach (var resource in resources)
            {
                if (resource is DiagnosticReport r && FactsMapper.MapReport(r, _catalog) is { } fact)
                {
                    mapped.Add(fact);
                }
            }

            imaging.AddRange(mapped);
        });
        Map(snapshot, PatientDataKey.Orders, problems, resources =>
        {
            var mapped = new List<ImagingFact>();
            foreach (var resource in resources)
            {
                if (resource is ServiceRequest r && FactsMapper.MapOrder(r, _catalog) is { } fact)
                {
                    mapped.Add(fact);
                }
            }

            imaging.AddRange(mapped);
        });

        var facts = new PatientFacts(snapshot.PatientId, demographics, conditions, labs, findings, imaging, problems.Unavailable);
        return PatientDataResult.Available(facts, problems.All, partial);
    }

    /// <summary>
    /// Runs <paramref name="map"/> over a usable key's resources. The delegate must publish its output only as its last
    /// step, so that a failure leaves nothing behind. A not-satisfied key, or a failing map, is recorded in
    /// <paramref name="problems"/>.
    /// </summary>
    private static void Map(PrefetchSnapshot snapshot, PatientDataKey key, Problems problems, Action<IReadOnlyList<Resource>> map)
    {
        var result = snapshot[key];
        if (result.State == PrefetchState.NotSatisfied)
        {
            problems.Add(key, result.Reason!);
            return;
        }

        try
        {
            map(result.Resources);
        }
#pragma warning disable CA1031 // A malformed value in one key must only degrade that key.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            problems.Add(key, ReasonMappingFailed);
        }
    }

    private sealed class Problems
    {
        public List<KeyProblem> All { get; } = [];

        public List<KeyProblem> MissingRequired { get; } = [];

        public DataSources Unavailable { get; private set; }

        public void Add(PatientDataKey key, string reason)
        {
            var problem = new KeyProblem(PatientDataTemplates.NameOf(key), reason);
            All.Add(problem);
            if (PatientDataTemplates.IsRequired(key))
            {
                MissingRequired.Add(problem);
            }
            else
            {
                Unavailable |= PatientDataTemplates.SourceOf(key);
            }
        }
    }
}
