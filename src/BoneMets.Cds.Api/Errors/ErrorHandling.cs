using System.Diagnostics;
using BoneMets.Cds.Fhir.Outcomes;
using Microsoft.AspNetCore.Diagnostics;

namespace BoneMets.Cds.Api.Errors;

/// <summary>
/// Last-resort error handling: unhandled exceptions become a 500 OperationOutcome without a stack trace, and empty-bodied
/// error statuses from routing (404, 405) get an OperationOutcome body. 401 stays body-less (decision 1).
/// </summary>
public static partial class ErrorHandling
{
    public static WebApplication UseCdsErrorHandling(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler(errorApp => errorApp.Run(async context =>
        {
            var feature = context.Features.Get<IExceptionHandlerFeature>();
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("BoneMets.Cds.Errors");
            var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
            if (feature?.Error is BadHttpRequestException bad)
            {
                // Kestrel-level faults (body too large, bad framing): the client's doing, not ours.
                await OutcomeResult.WriteAsync(context.Response, bad.StatusCode, [new OutcomeIssue(
                    bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? OutcomeKind.TooLong : OutcomeKind.Invalid,
                    bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is larger than this service accepts." : "The HTTP request was malformed.")]);
                return;
            }

            // Exception messages can carry request content, so only the type and the trace id are logged.
            LogUnhandled(logger, feature?.Error.GetType().Name ?? "unknown", traceId);
            await OutcomeResult.WriteAsync(context.Response, StatusCodes.Status500InternalServerError,
                [new OutcomeIssue(OutcomeKind.Exception, $"Internal error. Trace id {traceId}.")]);
        }));

        app.UseStatusCodePages(async statusContext =>
        {
            var response = statusContext.HttpContext.Response;
            if (response.StatusCode == StatusCodes.Status401Unauthorized || response.HasStarted)
            {
                return;
            }

            var (kind, message) = response.StatusCode switch
            {
                StatusCodes.Status404NotFound => (OutcomeKind.NotFound, "No such endpoint. Discovery is at GET /cds-services."),
                StatusCodes.Status405MethodNotAllowed => (OutcomeKind.NotSupported, $"Method {statusContext.HttpContext.Request.Method} is not allowed on this endpoint."),
                StatusCodes.Status413PayloadTooLarge => (OutcomeKind.TooLong, "The request body is larger than this service accepts."),
                StatusCodes.Status415UnsupportedMediaType => (OutcomeKind.NotSupported, "Content-Type must be application/json."),
                _ => (OutcomeKind.Invalid, $"The request failed with HTTP {response.StatusCode}."),
            };
            await OutcomeResult.WriteAsync(response, response.StatusCode, [new OutcomeIssue(kind, message)]);
        });
        return app;
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Error, Message = "Unhandled {ExceptionType}; trace {TraceId}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string traceId);
}
