using System.Diagnostics;
using System.Text.Json;
using BoneMets.Cds.Api.Contracts;
using BoneMets.Cds.Api.Errors;
using BoneMets.Cds.Api.Feedback;
using BoneMets.Cds.Api.Hosting;
using BoneMets.Cds.Api.Security;
using BoneMets.Cds.Fhir;
using BoneMets.Cds.Fhir.Outcomes;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BoneMets.Cds.Api.Endpoints;

/// <summary>CDS Hooks 2.0 discovery and service endpoints.</summary>
public static partial class CdsServicesEndpoints
{
    public static IEndpointRouteBuilder MapCdsServices(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/cds-services").WithTags("CDS Hooks");
        group.MapGet("", Discovery)
            .WithName("Discovery")
            .WithSummary("CDS Hooks discovery: the services this endpoint offers.");
        group.MapPost("/{id}", EvaluateHook)
            .WithName("EvaluateHook")
            .WithSummary("Evaluate a hook call and return cards.")
            .Accepts<JsonElement>("application/json")
            .Produces<CdsResponse>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status400BadRequest, contentType: OutcomeResult.ContentType)
            .Produces(StatusCodes.Status404NotFound, contentType: OutcomeResult.ContentType)
            .Produces(StatusCodes.Status412PreconditionFailed, contentType: OutcomeResult.ContentType)
            .Produces(StatusCodes.Status413PayloadTooLarge, contentType: OutcomeResult.ContentType)
            .Produces(StatusCodes.Status415UnsupportedMediaType, contentType: OutcomeResult.ContentType);
        return app;
    }

    /// <summary>GET /cds-services.</summary>
    public static IResult Discovery(CdsRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return TypedResults.Json(runtime.Discovery, CdsJsonContext.Default.DiscoveryResponse);
    }

    /// <summary>POST /cds-services/{id}.</summary>
    public static async Task<IResult> EvaluateHook(
        string id,
        HttpContext http,
        CdsRuntime runtime,
        PatientDataStep patientData,
        IssuedCardLog issuedCards,
        IOptions<CdsOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(patientData);
        ArgumentNullException.ThrowIfNull(issuedCards);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        var started = Stopwatch.GetTimestamp();
        var logger = loggers.CreateLogger("BoneMets.Cds.Hooks");
        var service = runtime.Service;
        if (!string.Equals(id, service.Id, StringComparison.Ordinal))
        {
            return new OutcomeResult(StatusCodes.Status404NotFound, OutcomeKind.NotFound, "Unknown CDS service id. Discovery is at GET /cds-services.");
        }

        if (!IsJson(http.Request.ContentType))
        {
            return new OutcomeResult(StatusCodes.Status415UnsupportedMediaType, OutcomeKind.NotSupported, "Content-Type must be application/json.");
        }

        var limits = options.Value;
        var (body, tooLarge) = await RequestBody.ReadAsync(http.Request, limits.MaxRequestBodyBytes, cancellationToken);
        if (tooLarge)
        {
            return new OutcomeResult(StatusCodes.Status413PayloadTooLarge, OutcomeKind.TooLong, $"The request body is larger than this service accepts ({limits.MaxRequestBodyBytes} bytes).");
        }

        try
        {
            if (body.Length == 0)
            {
                return new OutcomeResult(StatusCodes.Status400BadRequest, OutcomeKind.Structure, "The request body is empty; a CDS Hooks request is a JSON object.");
            }

            JsonDocument document;
            try
            {
                // Duplicate property names are checked below where the service reads (JsonDuplicates), not by a walk of
                // the whole document: most of a prefetch is laboratory results that are never read past code and date.
                document = JsonDocument.Parse(body.Memory, new JsonDocumentOptions
                {
                    MaxDepth = limits.MaxJsonDepth,
                    AllowDuplicateProperties = true,
                });
            }
            catch (JsonException ex)
            {
                return new OutcomeResult(StatusCodes.Status400BadRequest, OutcomeKind.Structure, "The request body is not valid JSON: " + JsonFault(ex));
            }

            using (document)
            {
                if (JsonDuplicates.InRequestEnvelope(document.RootElement) is { } duplicateIn)
                {
                    return new OutcomeResult(StatusCodes.Status400BadRequest, OutcomeKind.Structure,
                        $"The request body has a duplicate property name ({DuplicateLocation(duplicateIn)}); JSON names must be unique.");
                }

                var (request, error) = HookRequestParser.Parse(document.RootElement, service.Hook);
                if (request is null)
                {
                    return new OutcomeResult(StatusCodes.Status400BadRequest, [error!.Value]);
                }

                PatientDataOutcome data;
                try
                {
                    data = await patientData.ReadAsync(request, http.Features.Get<Security.TrustedClient>(), cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // The EHR hung up: outstanding fetches were cancelled with it; nobody is left to answer.
                    var instance = LoggableId(request.HookInstance);
                    LogClientGone(logger, service.Id, instance);
                    return Results.StatusCode(499);
                }
                if (data.Facts is null)
                {
                    LogPreconditionFailed(logger, service.Id, LoggableId(request.HookInstance), data.MissingRequired.Count);
                    return new OutcomeResult(StatusCodes.Status412PreconditionFailed, data.MissingRequired);
                }

                var now = time.GetUtcNow();
                var recommendations = runtime.Engine.Evaluate(data.Facts, now);
                if (recommendations.Count == 0 && data.PartialRequired.Count > 0)
                {
                    LogPreconditionFailed(logger, service.Id, LoggableId(request.HookInstance), data.PartialRequired.Count);
                    return new OutcomeResult(StatusCodes.Status412PreconditionFailed, data.PartialRequired);
                }

                var cards = new Card[recommendations.Count];
                for (var i = 0; i < cards.Length; i++)
                {
                    cards[i] = runtime.Cards.Create(recommendations[i], service.Id, request.Context, data.PartialKeys);
                }

                // Issued-card log: queued without waiting; written off the request path (Feedback/IssuedCardFlusher).
                issuedCards.Offer(service.Id, recommendations, cards, request.Context.PatientId, http.GetCdsCaller()?.Issuer, runtime.DefinitionsVersion, now);

                if (logger.IsEnabled(LogLevel.Information))
                {
                    var instance = LoggableId(request.HookInstance);
                    var rules = RuleIds(recommendations);
                    var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    LogEvaluated(logger, service.Id, instance, cards.Length, rules, elapsedMs);
                }
                foreach (var card in cards)
                {
                    CdsMetrics.Cards.Add(1,
                        new KeyValuePair<string, object?>("topic", card.Source.Topic!.Code),
                        new KeyValuePair<string, object?>("indicator", card.Indicator));
                }

                return TypedResults.Json(new CdsResponse(cards), CdsJsonContext.Default.CdsResponse);
            }
        }
        finally
        {
            body.Dispose();
        }
    }

    /// <summary>hookInstance is client text: log it only when it looks like an id (no log injection, no free text).</summary>
    internal static string LoggableId(string value)
    {
        if (value.Length is 0 or > 64)
        {
            return "(not an id)";
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return "(not an id)";
            }
        }

        return value;
    }

    private static string RuleIds(IReadOnlyList<Domain.Rules.Recommendation> recommendations) =>
        recommendations.Count == 0 ? "-" : string.Join(',', recommendations.Select(r => r.RuleId));

    /// <summary>application/json or any application/*+json, with or without parameters.</summary>
    internal static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType.Value ?? string.Empty;
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Where a duplicate was found, naming only the CDS Hooks fields (never other client text).</summary>
    private static string DuplicateLocation(string path) => path switch
    {
        "(request)" => "at the top level",
        "prefetch" => "among the prefetch keys",
        "hook" or "hookInstance" or "fhirServer" or "fhirAuthorization" or "context" => $"in '{path}'",
        _ => "in the request",
    };

    private static string JsonFault(JsonException ex)
    {
        // Position only: the exception text may quote request content.
        return ex.LineNumber is { } line
            ? $"syntax error or nesting deeper than allowed near line {line + 1}, byte {ex.BytePositionInLine ?? 0}."
            : "syntax error.";
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Hook {ServiceId} instance {HookInstance}: {CardCount} cards, rules {RuleIds}, {ElapsedMs:F2} ms")]
    private static partial void LogEvaluated(ILogger logger, string serviceId, string hookInstance, int cardCount, string ruleIds, double elapsedMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Hook {ServiceId} instance {HookInstance}: client disconnected; fetching cancelled")]
    private static partial void LogClientGone(ILogger logger, string serviceId, string hookInstance);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Hook {ServiceId} instance {HookInstance}: 412, {MissingCount} required prefetch sources not available")]
    private static partial void LogPreconditionFailed(ILogger logger, string serviceId, string hookInstance, int missingCount);
}
