using BoneMets.Cds.Fhir.Prefetch;

namespace BoneMets.Cds.Fhir.Fetch;

/// <summary>How the service may use the request's <c>fhirServer</c>.</summary>
public enum ServerAccess
{
    /// <summary>No <c>fhirServer</c> in the request.</summary>
    NotGiven,

    /// <summary>Named but not allowed (not allow-listed, wrong scheme, link-local/metadata address, no token and not open):
    /// treated as having no server; nothing is sent to it.</summary>
    NotAllowed,

    /// <summary>Allow-listed and the request carries a bearer token.</summary>
    WithToken,

    /// <summary>Allow-listed as an open (token-less) sandbox base, outside Production.</summary>
    Open,
}

/// <summary>The policy's verdict on a request's <c>fhirServer</c>; <see cref="Reason"/> is safe to return and log.</summary>
public sealed record ServerDecision(ServerAccess Access, Uri? Base, string? Reason)
{
    public bool MayFetch => Access is ServerAccess.WithToken or ServerAccess.Open;
}

/// <summary>Decides whether a request's <c>fhirServer</c> may be contacted (allow-list, scheme, address checks).</summary>
public interface IFhirServerPolicy
{
    ServerDecision Decide(Uri? fhirServer, bool hasAccessToken);
}

/// <summary>
/// Fetches what prefetch lacked from the EHR's FHIR server: each not-satisfied key's own template (tokens filled from the
/// context) and the remaining pages of partial (paged) keys, in parallel, within the total budget.
/// </summary>
public interface IEhrDataFetcher
{
    /// <param name="snapshot">The judged prefetch.</param>
    /// <param name="server">An allowed base (<see cref="ServerDecision.MayFetch"/>).</param>
    /// <param name="accessToken">The bearer token, or null for an open server. Never logged, cached or sent elsewhere.</param>
    /// <param name="cancellationToken">The hook call's token (EHR disconnect); the budget is applied inside.</param>
    /// <returns>The snapshot with fetched keys replaced; a key that could not be obtained stays not satisfied, with a
    /// reason that says why (timeout, HTTP status, circuit open, malformed response, too large) and holds no patient data
    /// or token.</returns>
    Task<PrefetchSnapshot> FillAsync(PrefetchSnapshot snapshot, Uri server, string? accessToken, CancellationToken cancellationToken);
}
