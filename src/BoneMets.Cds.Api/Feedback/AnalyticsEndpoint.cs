using System.Security.Cryptography;
using System.Text;
using BoneMets.Cds.Api.Errors;
using BoneMets.Cds.Feedback;
using BoneMets.Cds.Fhir.Outcomes;
using Microsoft.Extensions.Options;

namespace BoneMets.Cds.Api.Feedback;

/// <summary>
/// <c>GET /admin/analytics/cards?from=&amp;to=&amp;service=</c>: per topic and indicator, cards shown, accepted,
/// overridden, acceptance rate, override reasons and a per-day series. Guarded by <c>Cds:Admin:ApiKey</c> sent as
/// <c>X-Api-Key</c> (compared in constant time); an EHR's JWT alone never opens it. Disabled (404) when no key is set.
/// </summary>
/// <remarks>
/// <c>from</c> and <c>to</c> are RFC 3339 instants (<c>Z</c> or an offset) or dates <c>yyyy-MM-dd</c> (UTC days):
/// <c>from=2026-11-01</c> starts at 2026-11-01T00:00Z, <c>to=2026-11-30</c> includes all of 30 November (the window
/// ends at 2026-12-01T00:00Z, exclusive). Defaults: <c>to</c> = the end of the current UTC day (so cards issued "now"
/// are in, also under a pinned Development clock), <c>from</c> = <c>to</c> − 30 days: the last 30 whole UTC days.
/// </remarks>
public static class AnalyticsEndpoint
{
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Default window when <c>from</c> is not given.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);

    public static async Task<IResult> GetCardAnalytics(
        HttpContext http,
        IFeedbackStore store,
        IOptions<AdminOptions> admin,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(time);
        if (admin.Value.ApiKey is not { Length: > 0 } expected)
        {
            return new OutcomeResult(StatusCodes.Status404NotFound, OutcomeKind.NotFound, "Analytics is not enabled on this service (Cds:Admin:ApiKey is not set).");
        }

        if (!KeyMatches(http.Request.Headers[ApiKeyHeader], expected))
        {
            // Decision 1: a 401 carries no detail.
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var query = http.Request.Query;
        var (to, toError) = ParseBound(query["to"], "to", endOfDay: true);
        if (toError is not null)
        {
            return new OutcomeResult(StatusCodes.Status400BadRequest, [toError.Value]);
        }

        var (from, fromError) = ParseBound(query["from"], "from", endOfDay: false);
        if (fromError is not null)
        {
            return new OutcomeResult(StatusCodes.Status400BadRequest, [fromError.Value]);
        }

        var end = to ?? EndOfToday(time.GetUtcNow());
        var start = from ?? end - DefaultWindow;
        if (start >= end)
        {
            return new OutcomeResult(StatusCodes.Status400BadRequest, OutcomeKind.Value, "'from' must be before 'to'.", "from");
        }

        string? service = null;
        var services = query["service"];
        if (services.Count > 1)
        {
            return new OutcomeResult(StatusCodes.Status400BadRequest, OutcomeKind.Value, "'service' may be given once.", "service");
        }

        if (services.Count == 1)
        {
            service = services[0];
            if (string.IsNullOrWhiteSpace(service) || service.Length > 64)
            {
                return new OutcomeResult(StatusCodes.Status400BadRequest, OutcomeKind.Value, "'service' must be a service id (1–64 characters).", "service");
            }
        }

        var analytics = await store.GetAnalyticsAsync(new AnalyticsQuery(start, end, service), cancellationToken).ConfigureAwait(false);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(analytics, FeedbackJsonContext.Default.CardAnalytics);
    }

    private static DateTimeOffset EndOfToday(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Date, TimeSpan.Zero).AddDays(1);
    }

    /// <summary>Constant-time comparison of SHA-256 digests (neither content nor length of the key leaks through timing).</summary>
    internal static bool KeyMatches(Microsoft.Extensions.Primitives.StringValues sent, string expected)
    {
        if (sent.Count != 1 || sent[0] is not { Length: > 0 } candidate)
        {
            return false;
        }

        var a = SHA256.HashData(Encoding.UTF8.GetBytes(candidate));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    private static (DateTimeOffset?, OutcomeIssue?) ParseBound(Microsoft.Extensions.Primitives.StringValues values, string name, bool endOfDay)
    {
        if (values.Count == 0)
        {
            return (null, null);
        }

        if (values.Count == 1 && values[0] is { } text)
        {
            if (Rfc3339.TryParseDate(text, out var date) && date < DateOnly.MaxValue)
            {
                var day = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                return (endOfDay ? day.AddDays(1) : day, null);
            }

            if (Rfc3339.TryParse(text, utcOnly: false, out var instant))
            {
                return (instant, null);
            }
        }

        return (null, new OutcomeIssue(OutcomeKind.Value, $"'{name}' must be given once, as an RFC 3339 date-time (2026-11-29T12:00:00Z) or a date (2026-11-29).", name));
    }
}
