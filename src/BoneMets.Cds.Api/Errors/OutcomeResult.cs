using BoneMets.Cds.Fhir.Outcomes;

namespace BoneMets.Cds.Api.Errors;

/// <summary>An error response whose body is a FHIR OperationOutcome (decision 1: every non-2xx except 401 has one).</summary>
public sealed class OutcomeResult(int statusCode, IReadOnlyList<OutcomeIssue> issues) : IResult
{
    public const string ContentType = "application/fhir+json; charset=utf-8";

    public OutcomeResult(int statusCode, OutcomeKind kind, string message, string? expression = null)
        : this(statusCode, [new OutcomeIssue(kind, message, expression)])
    {
    }

    public int StatusCode { get; } = statusCode;

    public IReadOnlyList<OutcomeIssue> Issues { get; } = issues;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return WriteAsync(httpContext.Response, StatusCode, Issues);
    }

    public static Task WriteAsync(HttpResponse response, int statusCode, IReadOnlyList<OutcomeIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        var body = OperationOutcomes.ToJson(issues);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }
}
