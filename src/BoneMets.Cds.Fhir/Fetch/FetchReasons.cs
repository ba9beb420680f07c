using System.Globalization;
using System.Net;

namespace BoneMets.Cds.Fhir.Fetch;

/// <summary>
/// Why a key could not be fetched: fixed phrases with at most a status code or a configured limit in them — never a URL,
/// a token, a response body or patient data — so they can go into logs and into the 412 OperationOutcome.
/// </summary>
internal static class FetchReasons
{
    public const string CircuitOpen = "circuit open for this FHIR server";
    public const string Malformed = "malformed JSON from the FHIR server";
    public const string NotFhir = "the FHIR server's response is not FHIR JSON";
    public const string Empty = "empty response from the FHIR server";
    public const string Connection = "could not connect to the FHIR server";
    public const string NameResolution = "the FHIR server's host name could not be resolved";
    public const string Tls = "TLS connection to the FHIR server failed";
    public const string Transport = "transport error talking to the FHIR server";
    public const string Unexpected = "unexpected error while fetching from the FHIR server";
    public const string Cancelled = "the hook call was cancelled";

    public static string Budget(TimeSpan total) => Invariant($"fetch from the FHIR server timed out (budget {Seconds(total)} s)");

    public static string AttemptTimeout(TimeSpan attempt) => Invariant($"the FHIR server did not answer in time (attempt timeout {Seconds(attempt)} s)");

    public static string TooLarge(long limit) => Invariant($"response from the FHIR server too large (limit {limit} bytes)");

    /// <summary>A reason from the prefetch rules (<c>PrefetchReader</c>) applied to what the server sent.</summary>
    public static string Judged(string reason) => "from the FHIR server: " + reason;

    public static string Status(HttpStatusCode status, bool withToken)
    {
        var code = (int)status;
        return code switch
        {
            >= 300 and < 400 => Invariant($"the FHIR server answered with a redirect ({code}), which is not followed"),
            401 or 403 when withToken => Invariant($"the FHIR server refused the token ({code})"),
            401 or 403 => Invariant($"the FHIR server refused access without a token ({code})"),
            404 or 410 => Invariant($"not found on the FHIR server ({code})"),
            429 => "the FHIR server is rate limiting (429)",
            >= 200 and < 300 => Invariant($"the FHIR server answered {code} instead of 200"),
            _ => Invariant($"the FHIR server answered HTTP {code}"),
        };
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
