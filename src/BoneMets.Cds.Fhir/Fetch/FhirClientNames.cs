namespace BoneMets.Cds.Fhir.Fetch;

/// <summary>Names of the <see cref="IHttpClientFactory"/> clients this library registers.</summary>
public static class FhirClientNames
{
    /// <summary>The client for the EHR's FHIR server: no redirects, no cookies, response size cap, resilience pipeline
    /// (per-attempt timeout, budget-aware retry, one circuit breaker per FHIR base).</summary>
    public const string Ehr = "ehr-fhir";
}
