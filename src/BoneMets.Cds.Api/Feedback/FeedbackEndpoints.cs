using System.Text.Json;
using BoneMets.Cds.Api.Endpoints;
using BoneMets.Cds.Api.Errors;
using BoneMets.Cds.Api.Hosting;
using BoneMets.Cds.Api.Security;
using BoneMets.Cds.Feedback;
using BoneMets.Cds.Fhir.Outcomes;
using Microsoft.Extensions.Options;

namespace BoneMets.Cds.Api.Feedback;

/// <summary>
/// <c>POST /cds-services/{id}/feedback</c> (CDS Hooks 2.0 §Feedback, pinned decision 7) and the informatics analytics
/// <c>GET /admin/analytics/cards</c>.
/// </summary>
public static partial class FeedbackEndpoints
{
    public static IEndpointRouteBuilder MapCdsFeedback(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/cds-services/{id}/feedback", PostFeedback)
            .WithTags("CDS Hooks")
            .WithName("Feedback")
            .WithSummary("Feedback on cards: accepted suggestions and overrides. 200 with an empty body once stored.")
            .Accepts<JsonElement>("application/json")
            .Produces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status400BadRequest, contentType: OutcomeResult.ContentType)
            .Produces(StatusCodes.Status404NotFound, contentType: OutcomeResult.ContentType)
            .Produces(StatusCodes.Status413PayloadTooLarge, contentType: OutcomeResult.ContentType)
            .Produces(StatusCodes.Status415UnsupportedMediaType, contentType: OutcomeResult.ContentType)
            .Produces(StatusCodes.Status503ServiceUnavailable, contentType: OutcomeResult.ContentType);
        app.MapGet("/admin/analytics/cards", AnalyticsEndpoint.GetCardAnalytics)
            .WithTags("Admin")
            .WithName("CardAnalytics")
            .WithSummary("Cards shown, accepted and overridden per topic and indicator (X-Api-Key).")
            .Produces<CardAnalytics>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status400BadRequest, contentType: OutcomeResult.ContentType)
            .Produces(StatusCodes.Status401Unauthorized)
            .Produces(StatusCodes.Status404NotFound, contentType: OutcomeResult.ContentType);
        return app;
    }

    /// <summary>
    /// POST /cds-services/{id}/feedback: validates the whole batch, stores it (committed before the answer), answers 200
    /// with an empty body. Unknown card uuids are stored and answered alike (no existence oracle); repeats are stored once.
    /// Each item is stored with the caller's verified JWT issuer (null for an unauthenticated Development call), and the
    /// analytics count it toward a card only when that is the issuer the card was issued to: feedback on another EHR's
    /// card is accepted the same way (still no oracle) but counted as unmatched.
    /// </summary>
    public static async Task<IResult> PostFeedback(
        string id,
        HttpContext http,
        CdsRuntime runtime,
        IFeedbackStore store,
        IOptions<CdsOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger("BoneMets.Cds.Feedback");
        var serviceId = runtime.Service.Id;
        if (!string.Equals(id, serviceId, StringComparison.Ordinal))
        {
            return new OutcomeResult(StatusCodes.Status404NotFound, OutcomeKind.NotFound, "Unknown CDS service id. Discovery is at GET /cds-services.");
        }

        if (!CdsServicesEndpoints.IsJson(http.Request.ContentType))
        {
            return new OutcomeResult(StatusCodes.Status415UnsupportedMediaType, OutcomeKind.NotSupported, "Content-Type must be application/json.");
        }

        var limits = options.Value;
        var (body, tooLarge) = await RequestBody.ReadAsync(http.Request, limits.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        using var bodyLease = body;
        if (tooLarge)
        {
            return new OutcomeResult(StatusCodes.Status413PayloadTooLarge, OutcomeKind.TooLong, $"The request body is larger than this service accepts ({limits.MaxRequestBodyBytes} bytes).");
        }

        if (body.Length == 0)
        {
            return new OutcomeResult(StatusCodes.Status400BadRequest, OutcomeKind.Structure, "The request body is empty; feedback is a JSON object {\"feedback\": [ ... ]}.");
        }

        IReadOnlyList<FeedbackItem> items;
        try
        {
            using var document = JsonDocument.Parse(body.Memory, new JsonDocumentOptions
            {
                MaxDepth = limits.MaxJsonDepth,
                AllowDuplicateProperties = false,
            });
            var (parsed, issues) = FeedbackRequestParser.Parse(document.RootElement);
            if (parsed is null)
            {
                LogRejected(logger, serviceId, issues.Count);
                return new OutcomeResult(StatusCodes.Status400BadRequest, issues);
            }

            items = parsed;
        }
        catch (JsonException ex)
        {
            // Position only: the exception text may quote request content.
            var where = ex.LineNumber is { } line ? $" near line {line + 1}, byte {ex.BytePositionInLine ?? 0}" : string.Empty;
            return new OutcomeResult(StatusCodes.Status400BadRequest, OutcomeKind.Structure, $"The request body is not valid JSON (syntax error, duplicate property or nesting deeper than allowed{where}).");
        }

        int added;
        try
        {
            added = await store.RecordFeedbackAsync(serviceId, http.GetCdsCaller()?.Issuer, items, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStoreFailed(logger, serviceId, items.Count, store.Engine, ex.GetType().Name);
            return new OutcomeResult(StatusCodes.Status503ServiceUnavailable, OutcomeKind.Transient, "The feedback could not be stored; nothing was kept. Retry later.");
        }

        foreach (var item in items)
        {
            FeedbackMetrics.FeedbackItems.Add(1, new KeyValuePair<string, object?>("outcome", item.Outcome == FeedbackOutcome.Accepted ? "accepted" : "overridden"));
        }

        LogStored(logger, serviceId, items.Count, added);
        return Results.Ok();
    }

    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Feedback {ServiceId}: {ItemCount} items, {NewCount} new")]
    private static partial void LogStored(ILogger logger, string serviceId, int itemCount, int newCount);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Feedback {ServiceId}: 400, {IssueCount} issues; nothing stored")]
    private static partial void LogRejected(ILogger logger, string serviceId, int issueCount);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Error, Message = "Feedback {ServiceId}: {ItemCount} items not stored, {Engine} store failed with {ExceptionType}; answered 503")]
    private static partial void LogStoreFailed(ILogger logger, string serviceId, int itemCount, string engine, string exceptionType);
}
