using System.Globalization;

namespace BoneMets.Cds.Fhir.Fetch;

/// <summary>
/// Decides whether a request's <c>fhirServer</c> may be contacted (cds-hooks.md "Our decisions" 4, §5.6, §6.8):
/// <list type="bullet">
/// <item>only bases in <see cref="FhirFetchOptions.AllowedServers"/>, by exact match (scheme and host case-insensitive,
/// default port explicit or not, trailing slash ignored, path case-sensitive);</item>
/// <item><c>http</c> only in Development; never any other scheme (<c>file:</c>, <c>gopher:</c>, …);</item>
/// <item>never a link-local (169.254.0.0/16, fe80::/10) or cloud-metadata host (169.254.169.254, fd00:ec2::254,
/// metadata.google.internal, 100.100.100.200), even if configured;</item>
/// <item>with a token → <see cref="ServerAccess.WithToken"/>; without one → <see cref="ServerAccess.Open"/> only for a
/// base in <see cref="FhirFetchOptions.OpenServers"/> and never in Production.</item>
/// </list>
/// The decision's <see cref="ServerDecision.Base"/> is the configured base (normalised), never the caller's text.
/// Reasons are fixed phrases: no URL, no token.
/// </summary>
public sealed class FhirServerPolicy : IFhirServerPolicy
{
    internal const string ReasonNotAbsolute = "fhirServer is not an absolute URL";
    internal const string ReasonScheme = "only http(s) FHIR servers may be contacted";
    internal const string ReasonForbiddenHost = "link-local and cloud-metadata addresses are never contacted";
    internal const string ReasonUrlParts = "a FHIR base URL has no user info, query or fragment";
    internal const string ReasonHttpsOnly = "only https FHIR servers may be contacted outside Development";
    internal const string ReasonNotListed = "fhirServer is not an allow-listed FHIR server";
    internal const string ReasonNoToken = "no fhirAuthorization access token for this FHIR server";

    private readonly Dictionary<string, FhirBaseUrl> _allowed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);
    private readonly bool _isDevelopment;

    /// <summary>Creates the policy from the bound options (faulty entries are skipped; <see cref="Validate"/> reports them).</summary>
    /// <param name="options">The <c>Cds:Fhir</c> options.</param>
    /// <param name="isDevelopment">Development: <c>http</c> bases may be contacted.</param>
    /// <param name="isProduction">Production: open (token-less) servers are never used.</param>
    public FhirServerPolicy(FhirFetchOptions options, bool isDevelopment, bool isProduction)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (isDevelopment && isProduction)
        {
            throw new ArgumentException("An environment cannot be both Development and Production.", nameof(isProduction));
        }

        _isDevelopment = isDevelopment;
        foreach (var text in options.AllowedServers)
        {
            if (FhirBaseUrl.TryCreate(text, out var url, out _))
            {
                _allowed.TryAdd(url!.Key, url);
            }
        }

        if (!isProduction)
        {
            foreach (var text in options.OpenServers)
            {
                if (FhirBaseUrl.TryCreate(text, out var url, out _) && _allowed.ContainsKey(url!.Key))
                {
                    _open.Add(url.Key);
                }
            }
        }
    }

    /// <inheritdoc />
    public ServerDecision Decide(Uri? fhirServer, bool hasAccessToken)
    {
        if (fhirServer is null)
        {
            return new ServerDecision(ServerAccess.NotGiven, null, null);
        }

        if (!fhirServer.IsAbsoluteUri)
        {
            return NotAllowed(ReasonNotAbsolute);
        }

        if (fhirServer.Scheme != Uri.UriSchemeHttps && fhirServer.Scheme != Uri.UriSchemeHttp)
        {
            return NotAllowed(ReasonScheme);
        }

        if (FhirBaseUrl.IsForbiddenHost(fhirServer))
        {
            return NotAllowed(ReasonForbiddenHost);
        }

        if (!FhirBaseUrl.TryCreate(fhirServer, out var url, out _))
        {
            return NotAllowed(ReasonUrlParts);
        }

        if (!url!.IsHttps && !_isDevelopment)
        {
            return NotAllowed(ReasonHttpsOnly);
        }

        if (!_allowed.TryGetValue(url.Key, out var configured))
        {
            return NotAllowed(ReasonNotListed);
        }

        if (hasAccessToken)
        {
            return new ServerDecision(ServerAccess.WithToken, configured.Uri, null);
        }

        return _open.Contains(url.Key)
            ? new ServerDecision(ServerAccess.Open, configured.Uri, null)
            : NotAllowed(ReasonNoToken);
    }

    /// <summary>
    /// The canonical comparison key of a FHIR base (scheme and host lower-case, port explicit, no trailing slash), or
    /// null when the text cannot be a FHIR base. Lets the host compare a request's <c>fhirServer</c> with a per-client
    /// allow-list by the same rules as this policy.
    /// </summary>
    public static string? BaseKey(string? text) =>
        FhirBaseUrl.TryCreate(text, out var url, out _) ? url!.Key : null;

    /// <summary>Link-local and cloud-metadata hosts: never contacted, whatever the configuration says.</summary>
    public static bool IsNeverContacted(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return FhirBaseUrl.IsForbiddenHost(uri);
    }

    /// <summary>
    /// A <see cref="System.Net.Http.SocketsHttpHandler.ConnectCallback"/> that refuses link-local and cloud-metadata
    /// addresses at connect time (after DNS), for any client that fetches from configured URLs.
    /// </summary>
    public static ValueTask<Stream> GuardedConnectAsync(System.Net.Http.SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        GuardedConnect.ConnectAsync(context, cancellationToken);

    /// <inheritdoc cref="BaseKey(string?)"/>
    public static string? BaseKey(Uri? uri) =>
        FhirBaseUrl.TryCreate(uri, out var url, out _) ? url!.Key : null;

    /// <summary>
    /// The allow-listed base that <paramref name="url"/> lies on (the longest match), or null. Used to keep one circuit
    /// breaker per FHIR base and to check <c>next</c> links.
    /// </summary>
    internal FhirBaseUrl? BaseOf(Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri)
        {
            return null;
        }

        FhirBaseUrl? best = null;
        foreach (var candidate in _allowed.Values)
        {
            if (candidate.Contains(url) && (best is null || candidate.Path.Length > best.Path.Length))
            {
                best = candidate;
            }
        }

        return best;
    }

    /// <summary>
    /// Configuration faults for start-up (the host refuses to start when the list is not empty). Entries are named by
    /// index, never by value (a URL could carry credentials).
    /// </summary>
    public static IReadOnlyList<string> Validate(FhirFetchOptions options, bool isProduction)
    {
        ArgumentNullException.ThrowIfNull(options);
        var faults = new List<string>();
        var allowedKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.AllowedServers.Count; i++)
        {
            if (!FhirBaseUrl.TryCreate(options.AllowedServers[i], out var url, out var fault))
            {
                faults.Add(Invariant($"AllowedServers[{i}]: {fault}"));
                continue;
            }

            allowedKeys.Add(url!.Key);
            if (isProduction && !url.IsHttps)
            {
                faults.Add(Invariant($"AllowedServers[{i}]: only https FHIR servers may be contacted in Production"));
            }
        }

        if (isProduction && options.OpenServers.Count > 0)
        {
            faults.Add("OpenServers: open (token-less) FHIR servers are not allowed in Production");
        }

        for (var i = 0; i < options.OpenServers.Count; i++)
        {
            if (!FhirBaseUrl.TryCreate(options.OpenServers[i], out var url, out var fault))
            {
                faults.Add(Invariant($"OpenServers[{i}]: {fault}"));
            }
            else if (!allowedKeys.Contains(url!.Key))
            {
                faults.Add(Invariant($"OpenServers[{i}]: must also be listed in AllowedServers"));
            }
        }

        // Lower bounds are Polly's own limits for the strategies built from these values.
        if (options.TotalBudget <= TimeSpan.Zero)
        {
            faults.Add("TotalBudget must be positive");
        }

        if (options.AttemptTimeout < TimeSpan.FromMilliseconds(10))
        {
            faults.Add("AttemptTimeout must be at least 10 ms");
        }
        else if (options.TotalBudget > TimeSpan.Zero && options.AttemptTimeout > options.TotalBudget)
        {
            faults.Add("AttemptTimeout must not exceed TotalBudget");
        }

        if (options.MaxRetries < 0)
        {
            faults.Add("MaxRetries must not be negative");
        }

        if (options.MaxPages <= 0)
        {
            faults.Add("MaxPages must be positive");
        }

        if (options.MaxResponseBytes <= 0 || options.MaxResponseBytes > int.MaxValue)
        {
            faults.Add("MaxResponseBytes must be positive and at most 2147483647");
        }

        if (!(options.BreakerFailureRatio > 0 && options.BreakerFailureRatio <= 1))
        {
            faults.Add("BreakerFailureRatio must be greater than 0 and at most 1");
        }

        if (options.BreakerMinimumThroughput < 2)
        {
            faults.Add("BreakerMinimumThroughput must be at least 2");
        }

        if (options.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
        {
            faults.Add("BreakerSamplingDuration must be at least 500 ms");
        }

        if (options.BreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            faults.Add("BreakerBreakDuration must be at least 500 ms");
        }

        return faults;
    }

    private static ServerDecision NotAllowed(string reason) => new(ServerAccess.NotAllowed, null, reason);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
