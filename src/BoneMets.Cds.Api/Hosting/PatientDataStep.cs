using BoneMets.Cds.Api.Contracts;
using BoneMets.Cds.Fhir.Fetch;
using BoneMets.Cds.Fhir.Outcomes;
using BoneMets.Cds.Fhir.Prefetch;

namespace BoneMets.Cds.Api.Hosting;

/// <summary>Result of gathering the patient's data: facts, or the required sources that could not be obtained.</summary>
/// <param name="Facts">The facts, or null when required data is missing.</param>
/// <param name="MissingRequired">Why required data is missing (the 412 body).</param>
/// <param name="PartialKeys">Searchset keys only partly read (page cap, or a next link off the allowed base).</param>
/// <param name="PartialRequired">The 412 issues to use when a required key is partial and no card fired: the data read
/// cannot show "nothing to report" (missing data never reads as normal data).</param>
public sealed record PatientDataOutcome(
    Domain.Facts.PatientFacts? Facts,
    IReadOnlyList<OutcomeIssue> MissingRequired,
    IReadOnlyList<string> PartialKeys,
    IReadOnlyList<OutcomeIssue> PartialRequired);

/// <summary>
/// Gathers the patient's data: judges each prefetch key (use it / no data / not satisfied), fetches what is not
/// satisfied (and the rest of paged keys) from the request's <c>fhirServer</c> when the policy allows it, then maps the
/// FHIR data to domain facts. Required keys still missing → the issues for a 412.
/// </summary>
public sealed class PatientDataStep(
    CdsRuntime runtime,
    IFhirServerPolicy policy,
    IEhrDataFetcher fetcher,
    TimeProvider time,
    Security.ClientFhirAllowList clientServers)
{
    /// <param name="request">The parsed hook request.</param>
    /// <param name="client">The verified caller's client (its own FHIR bases are allowed for it alone), or null.</param>
    /// <param name="cancellationToken">The hook call's token.</param>
    public async Task<PatientDataOutcome> ReadAsync(HookRequest request, Security.TrustedClient? client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var snapshot = runtime.PatientData.ReadPrefetch(request.Prefetch, request.Context.PatientId, time.GetUtcNow());
        string? whyNotFetched = null;
        if (NeedsFetching(snapshot))
        {
            var decision = policy.Decide(request.FhirServer, request.FhirAuthorization is not null);
            if (decision.MayFetch && !clientServers.Allows(request.FhirServer!, client))
            {
                decision = new ServerDecision(ServerAccess.NotAllowed, null, NotListedForCaller);
            }

            if (decision.MayFetch)
            {
                snapshot = await fetcher.FillAsync(snapshot, decision.Base!, request.FhirAuthorization?.AccessToken, cancellationToken)
                    .ConfigureAwait(false);
            }
            else
            {
                whyNotFetched = decision.Reason ?? "no FHIR server may be contacted";
            }
        }

        var result = runtime.PatientData.BuildFacts(snapshot);
        if (result.Facts is not null)
        {
            var partialRequired = new List<OutcomeIssue>();
            foreach (var key in result.PartialKeys)
            {
                if (runtime.Service.RequiredPrefetch.Contains(key))
                {
                    partialRequired.Add(new OutcomeIssue(
                        OutcomeKind.Incomplete,
                        $"Required data '{key}' was only partly obtained (more searchset pages exist that could not be read "
                        + $"from an allowed FHIR server within the limits){(whyNotFetched is null ? string.Empty : ": " + whyNotFetched)}; "
                        + "the part read gives no card, which cannot be read as nothing to report.",
                        "prefetch." + key));
                }
            }

            return new PatientDataOutcome(result.Facts, [], result.PartialKeys, partialRequired);
        }

        var issues = new OutcomeIssue[result.MissingRequired.Count];
        for (var i = 0; i < issues.Length; i++)
        {
            var p = result.MissingRequired[i];
            var message = whyNotFetched is null
                ? $"Required data '{p.Key}' could not be obtained: {p.Reason}."
                : $"Required data '{p.Key}' could not be obtained: {p.Reason}; not fetched: {whyNotFetched}.";
            issues[i] = new OutcomeIssue(OutcomeKind.Incomplete, message, "prefetch." + p.Key);
        }

        return new PatientDataOutcome(null, issues, result.PartialKeys, []);
    }

    private const string NotListedForCaller = "fhirServer is not an allow-listed FHIR server for this client";

    private static bool NeedsFetching(PrefetchSnapshot snapshot)
    {
        foreach (var r in snapshot.Results)
        {
            if (r.State == PrefetchState.NotSatisfied || r.IsPartial)
            {
                return true;
            }
        }

        return false;
    }
}
