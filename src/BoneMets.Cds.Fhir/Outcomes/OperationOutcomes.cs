using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace BoneMets.Cds.Fhir.Outcomes;

/// <summary>Kinds of problem the service reports, mapped to FHIR <c>OperationOutcome.issue.code</c>.</summary>
public enum OutcomeKind
{
    Invalid,
    Structure,
    Required,
    Value,
    TooLong,
    NotFound,
    NotSupported,
    Incomplete,
    Exception,
    TooCostly,
    Throttled,
    Transient,
}

/// <summary>One problem: what kind, a human-readable message (never patient data or tokens), and where (a JSON path).</summary>
public readonly record struct OutcomeIssue(OutcomeKind Kind, string Message, string? Expression = null);

/// <summary>Serialises error bodies as FHIR R4 <c>OperationOutcome</c> with the Firely SDK.</summary>
public static class OperationOutcomes
{
    private static readonly JsonSerializerOptions Options =
        new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    /// <summary>UTF-8 JSON of an OperationOutcome holding <paramref name="issues"/> (severity error).</summary>
    public static byte[] ToJson(IEnumerable<OutcomeIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        var outcome = new OperationOutcome();
        foreach (var issue in issues)
        {
            var component = new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = Map(issue.Kind),
                Diagnostics = issue.Message,
            };
            if (!string.IsNullOrEmpty(issue.Expression))
            {
                component.Expression = [issue.Expression];
            }

            outcome.Issue.Add(component);
        }

        return JsonSerializer.SerializeToUtf8Bytes(outcome, Options);
    }

    /// <summary>UTF-8 JSON of an OperationOutcome with one issue.</summary>
    public static byte[] ToJson(OutcomeKind kind, string message, string? expression = null) =>
        ToJson([new OutcomeIssue(kind, message, expression)]);

    private static OperationOutcome.IssueType Map(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Invalid => OperationOutcome.IssueType.Invalid,
        OutcomeKind.Structure => OperationOutcome.IssueType.Structure,
        OutcomeKind.Required => OperationOutcome.IssueType.Required,
        OutcomeKind.Value => OperationOutcome.IssueType.Value,
        OutcomeKind.TooLong => OperationOutcome.IssueType.TooLong,
        OutcomeKind.NotFound => OperationOutcome.IssueType.NotFound,
        OutcomeKind.NotSupported => OperationOutcome.IssueType.NotSupported,
        OutcomeKind.Incomplete => OperationOutcome.IssueType.Incomplete,
        OutcomeKind.TooCostly => OperationOutcome.IssueType.TooCostly,
        OutcomeKind.Throttled => OperationOutcome.IssueType.Throttled,
        OutcomeKind.Transient => OperationOutcome.IssueType.Transient,
        _ => OperationOutcome.IssueType.Exception,
    };
}
