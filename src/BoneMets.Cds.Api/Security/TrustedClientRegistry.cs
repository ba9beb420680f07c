using System.Collections.Frozen;
using BoneMets.Cds.Fhir.Fetch;
using Microsoft.IdentityModel.Tokens;

namespace BoneMets.Cds.Api.Security;

/// <summary>A trusted CDS client as used at run time (validated, normalised, immutable).</summary>
public sealed class TrustedClient
{
    internal TrustedClient(
        string issuer,
        Uri? jwksUrl,
        FrozenDictionary<string, JsonWebKey>? staticKeys,
        FrozenSet<string> tenants,
        FrozenSet<string> algorithms,
        TimeSpan maxTokenLifetime,
        TimeSpan clockSkew,
        FrozenSet<string> fhirServerKeys,
        int? permitLimit,
        bool isSandbox,
        bool refusesSandboxKey)
    {
        Issuer = issuer;
        JwksUrl = jwksUrl;
        StaticKeys = staticKeys;
        Tenants = tenants;
        Algorithms = algorithms;
        MaxTokenLifetime = maxTokenLifetime;
        ClockSkew = clockSkew;
        FhirServerKeys = fhirServerKeys;
        PermitLimit = permitLimit;
        IsSandbox = isSandbox;
        RefusesSandboxKey = refusesSandboxKey;
    }

    public string Issuer { get; }

    /// <summary>The allow-listed <c>jku</c>; fetched only when there are no <see cref="StaticKeys"/>.</summary>
    public Uri? JwksUrl { get; }

    /// <summary>Keys exchanged out of band (a JWKS file), or null when keys are fetched from <see cref="JwksUrl"/>.</summary>
    public FrozenDictionary<string, JsonWebKey>? StaticKeys { get; }

    public FrozenSet<string> Tenants { get; }

    public FrozenSet<string> Algorithms { get; }

    public TimeSpan MaxTokenLifetime { get; }

    public TimeSpan ClockSkew { get; }

    /// <summary>Canonical keys (<see cref="FhirServerPolicy.BaseKey(string?)"/>) of this client's own FHIR bases.</summary>
    public FrozenSet<string> FhirServerKeys { get; }

    public int? PermitLimit { get; }

    /// <summary>The CDS Hooks sandbox (Development only).</summary>
    public bool IsSandbox { get; }

    /// <summary>Outside Development: the sandbox's public key is dropped from any fetched key set.</summary>
    public bool RefusesSandboxKey { get; }
}

/// <summary>
/// The trusted-client registry built from <c>Cds:Clients</c> (plus, in Development, the CDS Hooks sandbox). Built once
/// at start-up; <see cref="Faults"/> lists every configuration fault, and the host refuses to start when there is one.
/// </summary>
public sealed class TrustedClientRegistry
{
    public const string SandboxIssuer = "https://sandbox.cds-hooks.org";
    public const string SandboxJwksUrl = "https://sandbox.cds-hooks.org/.well-known/jwks.json";

    /// <summary>Where the sandbox's public JWK Set ships, relative to the definitions directory.</summary>
    public const string SandboxJwksFile = "trust/cds-hooks-sandbox.jwks.json";

    private static readonly FrozenSet<string> AsymmetricAlgorithms = new[]
    {
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] DefaultAlgorithms = ["ES384", "RS384"];

    private readonly FrozenDictionary<string, TrustedClient> _byIssuer;

    private TrustedClientRegistry(FrozenDictionary<string, TrustedClient> byIssuer, IReadOnlyList<string> faults)
    {
        _byIssuer = byIssuer;
        Faults = faults;
        AnyAlgorithm = byIssuer.Values.SelectMany(c => c.Algorithms).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Configuration faults (no secrets, no key material); empty when the registry is usable.</summary>
    public IReadOnlyList<string> Faults { get; }

    public IReadOnlyCollection<TrustedClient> Clients => _byIssuer.Values;

    /// <summary>All algorithms any client accepts (a token with another <c>alg</c> is refused before its issuer is looked at).</summary>
    public FrozenSet<string> AnyAlgorithm { get; }

    public TrustedClient? Find(string? issuer) =>
        issuer is not null && _byIssuer.TryGetValue(issuer, out var client) ? client : null;

    /// <summary>Builds the registry; faults are collected, not thrown.</summary>
    /// <param name="configured">The <c>Cds:Clients</c> entries.</param>
    /// <param name="auth">The <c>Cds:Auth</c> options.</param>
    /// <param name="isDevelopment">Development: sandbox trusted (unless switched off), <c>http</c> JWKS URLs allowed.</param>
    /// <param name="isProduction">Production: at least one client is required.</param>
    /// <param name="contentRoot">Base for relative <see cref="TrustedClientOptions.JwksFile"/> paths.</param>
    /// <param name="definitionsDirectory">The cds-services directory (for the shipped sandbox key set).</param>
    public static TrustedClientRegistry Build(
        IReadOnlyList<TrustedClientOptions> configured,
        CdsAuthOptions auth,
        bool isDevelopment,
        bool isProduction,
        string contentRoot,
        string definitionsDirectory)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(auth);
        var faults = new List<string>();
        var clients = new Dictionary<string, TrustedClient>(StringComparer.Ordinal);
        for (var i = 0; i < configured.Count; i++)
        {
            var client = BuildOne(configured[i], $"Cds:Clients:{i}", isDevelopment, contentRoot, faults, isSandbox: false);
            if (client is null)
            {
                continue;
            }

            if (!isDevelopment && (IsSandboxLike(client) || client.StaticKeys?.Values.Any(IsSandboxKey) == true))
            {
                faults.Add($"Cds:Clients:{i}: the CDS Hooks sandbox issuer is trusted only in Development (its private key is public).");
                continue;
            }

            if (!clients.TryAdd(client.Issuer, client))
            {
                faults.Add($"Cds:Clients:{i}: Issuer is configured twice.");
            }
        }

        if (isDevelopment && auth.TrustSandboxInDevelopment && !clients.ContainsKey(SandboxIssuer))
        {
            var sandbox = new TrustedClientOptions
            {
                Issuer = SandboxIssuer,
                JwksUrl = SandboxJwksUrl,
                JwksFile = Path.Combine(definitionsDirectory, SandboxJwksFile),
                Algorithms = ["ES384"],
            };
            var client = BuildOne(sandbox, "CDS Hooks sandbox (Development)", isDevelopment, contentRoot, faults, isSandbox: true);
            if (client is not null)
            {
                clients.Add(client.Issuer, client);
            }
        }

        if (isProduction && clients.Count == 0)
        {
            faults.Add("Cds:Clients: no trusted client is configured; in Production every call would be refused. "
                + "Configure at least one EHR (Issuer and JwksUrl or JwksFile).");
        }

        return new TrustedClientRegistry(clients.ToFrozenDictionary(StringComparer.Ordinal), faults);
    }

    /// <summary>
    /// The sandbox under any spelling: an issuer or JWK Set URL on the sandbox's host (e.g. a trailing slash on the
    /// issuer would otherwise slip past an exact comparison, while anyone can mint tokens for it with the public key).
    /// </summary>
    private static bool IsSandboxLike(TrustedClient client) =>
        IsSandboxHost(client.Issuer) || (client.JwksUrl is { } url && IsSandboxHost(url.OriginalString));

    /// <summary>
    /// The sandbox's published signing key (x, y of its P-384 key, <c>cds-services/trust/</c>): its private half is
    /// public, so outside Development it is refused under any issuer, from a file or fetched.
    /// </summary>
    public static bool IsSandboxKey(JsonWebKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return string.Equals(key.X, SandboxKeyX, StringComparison.Ordinal) && string.Equals(key.Y, SandboxKeyY, StringComparison.Ordinal);
    }

    private const string SandboxKeyX = "dw_JGR8nB2I6XveNxUOl2qk699ZPLM2nYI5STSdiEl9avAkrm3CkfYMbrrjr8laB";
    private const string SandboxKeyY = "Sm3mLE-n1zYNla_aiE3cb3nZsL51RbC7ysw3q8aJLxGm-hx79RPMYpITDjp7kgzy";

    private static bool IsSandboxHost(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && string.Equals(uri.Host, new Uri(SandboxIssuer).Host, StringComparison.OrdinalIgnoreCase);

    private static TrustedClient? BuildOne(
        TrustedClientOptions o, string where, bool isDevelopment, string contentRoot, List<string> faults, bool isSandbox)
    {
        var before = faults.Count;
        if (string.IsNullOrWhiteSpace(o.Issuer))
        {
            faults.Add($"{where}: Issuer is required.");
            return null;
        }

        Uri? jwksUrl = null;
        if (!string.IsNullOrWhiteSpace(o.JwksUrl))
        {
            if (!Uri.TryCreate(o.JwksUrl, UriKind.Absolute, out jwksUrl)
                || (jwksUrl.Scheme != Uri.UriSchemeHttps && !(isDevelopment && jwksUrl.Scheme == Uri.UriSchemeHttp)))
            {
                faults.Add($"{where}: JwksUrl must be an absolute https URL (http only in Development).");
                jwksUrl = null;
            }
            else if (FhirServerPolicy.IsNeverContacted(jwksUrl))
            {
                faults.Add($"{where}: JwksUrl points at a link-local or cloud-metadata address.");
                jwksUrl = null;
            }
        }

        FrozenDictionary<string, JsonWebKey>? staticKeys = null;
        if (!string.IsNullOrWhiteSpace(o.JwksFile))
        {
            var path = Path.IsPathRooted(o.JwksFile) ? o.JwksFile : Path.Combine(contentRoot, o.JwksFile);
            if (!File.Exists(path))
            {
                faults.Add($"{where}: JwksFile '{path}' not found.");
            }
            else
            {
                staticKeys = JwksParser.TryParse(File.ReadAllText(path), out var fault);
                if (staticKeys is null)
                {
                    faults.Add($"{where}: JwksFile '{path}': {fault}.");
                }
            }
        }
        else if (jwksUrl is null && string.IsNullOrWhiteSpace(o.JwksUrl))
        {
            faults.Add($"{where}: set JwksUrl or JwksFile (the keys the client signs with).");
        }

        var algorithms = o.Algorithms.Count == 0 ? DefaultAlgorithms : o.Algorithms.ToArray();
        foreach (var alg in algorithms)
        {
            if (!AsymmetricAlgorithms.Contains(alg))
            {
                faults.Add($"{where}: algorithm '{alg}' is not allowed (asymmetric RS/PS/ES only; never none or HMAC).");
            }
        }

        if (o.MaxTokenLifetime <= TimeSpan.Zero || o.MaxTokenLifetime > TimeSpan.FromHours(1))
        {
            faults.Add($"{where}: MaxTokenLifetime must be more than 0 and at most 1 hour.");
        }

        if (o.ClockSkew < TimeSpan.Zero || o.ClockSkew > TimeSpan.FromMinutes(5))
        {
            faults.Add($"{where}: ClockSkew must be between 0 and 5 minutes.");
        }

        if (o.PermitLimit is <= 0)
        {
            faults.Add($"{where}: PermitLimit must be positive.");
        }

        var fhirKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var server in o.FhirServers)
        {
            var key = FhirServerPolicy.BaseKey(server);
            if (key is null)
            {
                faults.Add($"{where}: FhirServers entry '{server}' is not a FHIR base URL.");
            }
            else
            {
                fhirKeys.Add(key);
            }
        }

        if (faults.Count > before)
        {
            return null;
        }

        return new TrustedClient(
            o.Issuer,
            jwksUrl,
            staticKeys,
            o.Tenants.ToFrozenSet(StringComparer.Ordinal),
            algorithms.ToFrozenSet(StringComparer.Ordinal),
            o.MaxTokenLifetime,
            o.ClockSkew,
            fhirKeys.ToFrozenSet(StringComparer.Ordinal),
            o.PermitLimit,
            isSandbox,
            refusesSandboxKey: !isDevelopment);
    }
}
