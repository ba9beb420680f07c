namespace BoneMets.Cds.Fhir.Fetch;

/// <summary>
/// Configuration section <c>Cds:Fhir</c>: which EHR FHIR servers the service may contact when prefetch is incomplete,
/// and the budget and limits of those calls (cds-hooks.md pinned decision 4).
/// </summary>
public sealed class FhirFetchOptions
{
    public const string Section = "Cds:Fhir";

    /// <summary>
    /// FHIR base URLs that may be contacted (exact match of scheme, host, port and path; a trailing slash is ignored).
    /// Environment form: <c>Cds__Fhir__AllowedServers__0=https://ehr.example.org/fhir</c>. Empty = never fetch.
    /// </summary>
    public List<string> AllowedServers { get; set; } = [];

    /// <summary>
    /// Open (token-less) FHIR bases an informatics team tests against, e.g. a public sandbox. Fetched without
    /// <c>fhirAuthorization</c>; refused at start-up in Production. Each must also be in <see cref="AllowedServers"/>.
    /// </summary>
    public List<string> OpenServers { get; set; } = [];

    /// <summary>Total time for all fetching in one hook call (all keys, pages and retries). Default 1.5 s.</summary>
    public TimeSpan TotalBudget { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Timeout of one HTTP attempt, inside the budget. Default 800 ms.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Retries per GET (only 408, 429, 5xx, timeouts, connection faults; only while the budget allows).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Most searchset pages followed per key (first page included).</summary>
    public int MaxPages { get; set; } = 10;

    /// <summary>Largest accepted response body per page; larger responses are aborted. Default 4 MiB.</summary>
    public long MaxResponseBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Circuit breaker per FHIR base: failure ratio that opens it.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Circuit breaker: minimum calls in the sampling window before it may open.</summary>
    public int BreakerMinimumThroughput { get; set; } = 4;

    /// <summary>Circuit breaker: sampling window.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Circuit breaker: how long it stays open.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}
