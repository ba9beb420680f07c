namespace BoneMets.Cds.Api.Security;

/// <summary>
/// One trusted CDS client (an EHR), an entry of the configuration array <c>Cds:Clients</c> (cds-hooks.md §5.2–5.3,
/// pinned decision 6). Keys come from an allow-listed <see cref="JwksUrl"/> (the token's <c>jku</c> must equal it
/// exactly; any other <c>jku</c> is refused without being fetched) or from a <see cref="JwksFile"/> exchanged out of
/// band. With both, the file is the pinned copy of that URL's keys and the URL is never fetched (the CDS Hooks sandbox,
/// whose <c>jku</c> is unreachable offline).
/// </summary>
public sealed class TrustedClientOptions
{
    /// <summary>The token's <c>iss</c>, exactly (e.g. <c>https://fhir.epic.com/interconnect-fhir-oauth/</c>).</summary>
    public string? Issuer { get; set; }

    /// <summary>The client's JWK Set URL (<c>https</c> outside Development).</summary>
    public string? JwksUrl { get; set; }

    /// <summary>Path of a JWK Set file (relative paths are read from the content root).</summary>
    public string? JwksFile { get; set; }

    /// <summary>Allowed <c>tenant</c> claims; when set, a token must carry one of them.</summary>
    public List<string> Tenants { get; set; } = [];

    /// <summary>Allowed JWS algorithms (asymmetric only). Default ES384 and RS384.</summary>
    public List<string> Algorithms { get; set; } = [];

    /// <summary>Longest accepted <c>exp − iat</c>. Default 900 s.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromSeconds(900);

    /// <summary>Clock skew allowed on <c>exp</c> and <c>iat</c>. Default 60 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>FHIR bases this client may name as <c>fhirServer</c>, in addition to <c>Cds:Fhir:AllowedServers</c>.</summary>
    public List<string> FhirServers { get; set; } = [];

    /// <summary>Hook and feedback calls allowed per rate-limit window for this client; default <c>Cds:RateLimit:PermitLimit</c>.</summary>
    public int? PermitLimit { get; set; }
}

/// <summary>Configuration section <c>Cds:Auth</c>: how tokens and key sets are handled.</summary>
public sealed class CdsAuthOptions
{
    public const string Section = "Cds:Auth";

    /// <summary>Require a JWT on discovery too (pinned decision 5: public by default; a JWT that is sent is verified).</summary>
    public bool RequireOnDiscovery { get; set; }

    /// <summary>Development only: calls without an <c>Authorization</c> header are accepted from loopback (default true).</summary>
    public bool AllowAnonymousLoopbackInDevelopment { get; set; } = true;

    /// <summary>Development only: trust the CDS Hooks sandbox issuer with its shipped public key set (default true).</summary>
    public bool TrustSandboxInDevelopment { get; set; } = true;

    /// <summary>How long fetched JWK Sets are used before they are fetched again. Default 1 h.</summary>
    public TimeSpan JwksCacheTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Least time between two fetches of one client's JWK Set (an unknown <c>kid</c> triggers one). Default 60 s.</summary>
    public TimeSpan JwksRefreshMinInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Time allowed for one JWK Set fetch, retries included. Default 3 s.</summary>
    public TimeSpan JwksTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Largest JWK Set accepted. Default 64 KiB.</summary>
    public long JwksMaxBytes { get; set; } = 64 * 1024;
}

/// <summary>Configuration section <c>Cds:Cors</c>: browser EHR simulators (cds-hooks.md §5.7).</summary>
public sealed class CdsCorsOptions
{
    public const string Section = "Cds:Cors";

    /// <summary>Origins allowed to call from a browser, e.g. <c>https://sandbox.cds-hooks.org</c>. Never <c>*</c>.</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}

/// <summary>Configuration section <c>Cds:RateLimit</c>: per-client limit on hook and feedback calls.</summary>
public sealed class CdsRateLimitOptions
{
    public const string Section = "Cds:RateLimit";

    /// <summary>Calls per window per client (by verified issuer; unauthenticated Development calls share one). Default 1,000.</summary>
    public int PermitLimit { get; set; } = 1000;

    /// <summary>The window. Default 10 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Refused tokens per window per client address; past it, calls with a token get 429 before any signature is checked
    /// (an ES384 check costs ~1 ms of CPU, so a stream of junk tokens would otherwise be cheap to send and dear to refuse).
    /// Default 100. Behind a proxy, the address is the proxy's unless forwarded headers are configured.
    /// </summary>
    public int FailedAuthPermitLimit { get; set; } = 100;
}
