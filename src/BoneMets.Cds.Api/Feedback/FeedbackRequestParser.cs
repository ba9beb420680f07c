using System.Globalization;
using System.Text.Json;
using BoneMets.Cds.Feedback;
using BoneMets.Cds.Fhir.Outcomes;

namespace BoneMets.Cds.Api.Feedback;

/// <summary>
/// Validates a feedback body (CDS Hooks 2.0 §Feedback, cds-hooks.md §4, cases F1–F10) and turns it into store items.
/// The whole batch is checked before anything is stored; every invalid item is reported (first fault per item, at most
/// <see cref="MaxIssues"/>), each issue naming the item and field, e.g. <c>feedback[2].outcome</c>. Messages never echo
/// values (a comment or id may be patient data).
/// </summary>
/// <remarks>
/// Our choices where the spec is silent: an empty <c>feedback</c> array is a 400 (CDS Hooks JSON has no empty arrays,
/// and an empty batch is always a client fault); <c>overrideReason</c> is accepted only with <c>overridden</c> and
/// <c>acceptedSuggestions</c> only with <c>accepted</c> (a contradictory item would corrupt the analytics); JSON
/// <c>null</c> in an optional field counts as absent; unknown fields are ignored (decision 1). Ids (card, suggestion)
/// are 1–<see cref="MaxIdLength"/> characters; a uuid format is not enforced.
/// </remarks>
public static class FeedbackRequestParser
{
    /// <summary>Longest accepted card or suggestion id (our uuids are 36).</summary>
    public const int MaxIdLength = 128;

    /// <summary>Most issues listed in one 400 (the rest are summarised by the count in the first message).</summary>
    public const int MaxIssues = 20;

    /// <summary>Longest accepted override reason code or system.</summary>
    private const int MaxCodingLength = 512;

    /// <summary>Parses the document root; returns the items, or the issues when anything is wrong.</summary>
    public static (IReadOnlyList<FeedbackItem>? Items, IReadOnlyList<OutcomeIssue> Issues) Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail(OutcomeKind.Structure, "The request body must be a JSON object: {\"feedback\": [ ... ]}.", null);
        }

        if (!root.TryGetProperty("feedback", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return Fail(OutcomeKind.Required, "'feedback' is required: an array of feedback items.", "feedback");
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            return Fail(OutcomeKind.Structure, "'feedback' must be an array of feedback items.", "feedback");
        }

        if (array.GetArrayLength() == 0)
        {
            return Fail(OutcomeKind.Required, "'feedback' must hold at least one item.", "feedback");
        }

        var items = new List<FeedbackItem>(array.GetArrayLength());
        var issues = new List<OutcomeIssue>();
        var invalid = 0;
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var (item, issue) = ParseItem(element, $"feedback[{index.ToString(CultureInfo.InvariantCulture)}]");
            if (issue is { } i)
            {
                invalid++;
                if (issues.Count < MaxIssues)
                {
                    issues.Add(i);
                }
            }
            else
            {
                items.Add(item!);
            }

            index++;
        }

        if (invalid > 0)
        {
            if (invalid > issues.Count)
            {
                issues.Add(new OutcomeIssue(OutcomeKind.Invalid, $"{invalid} feedback items are invalid; the first {issues.Count} are listed. Nothing was stored.", "feedback"));
            }

            return (null, issues);
        }

        return (items, []);
    }

    private static (FeedbackItem?, OutcomeIssue?) ParseItem(JsonElement item, string path)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return Item(OutcomeKind.Structure, $"'{path}' must be a JSON object.", path);
        }

        if (!TryId(item, "card", path, out var card, out var error))
        {
            return (null, error);
        }

        if (!TryRequiredString(item, "outcome", path, out var outcomeText, out error))
        {
            return (null, error);
        }

        FeedbackOutcome outcome;
        switch (outcomeText)
        {
            case "accepted":
                outcome = FeedbackOutcome.Accepted;
                break;
            case "overridden":
                outcome = FeedbackOutcome.Overridden;
                break;
            default:
                return Item(OutcomeKind.Value, $"'{path}.outcome' must be 'accepted' or 'overridden' (cds-fb-1).", path + ".outcome");
        }

        var (suggestions, suggestionsError) = ParseAcceptedSuggestions(item, outcome, path);
        if (suggestionsError is not null)
        {
            return (null, suggestionsError);
        }

        var (reason, reasonError) = ParseOverrideReason(item, outcome, path);
        if (reasonError is not null)
        {
            return (null, reasonError);
        }

        if (!TryRequiredString(item, "outcomeTimestamp", path, out var timestampText, out error))
        {
            return (null, error);
        }

        if (!Rfc3339.TryParse(timestampText, utcOnly: true, out var timestamp))
        {
            return Item(OutcomeKind.Value, $"'{path}.outcomeTimestamp' must be an RFC 3339 date-time in UTC, e.g. 2025-01-01T10:05:31Z or 1985-04-12T23:20:50.52Z.", path + ".outcomeTimestamp");
        }

        return (new FeedbackItem(card, outcome, suggestions, reason.System, reason.Code, reason.HasComment, timestamp), null);
    }

    private static (IReadOnlyList<string>, OutcomeIssue?) ParseAcceptedSuggestions(JsonElement item, FeedbackOutcome outcome, string path)
    {
        var field = path + ".acceptedSuggestions";
        var present = item.TryGetProperty("acceptedSuggestions", out var array) && array.ValueKind != JsonValueKind.Null;
        if (outcome == FeedbackOutcome.Overridden)
        {
            return present
                ? ([], new OutcomeIssue(OutcomeKind.Invalid, $"'{field}' applies only to outcome 'accepted'.", field))
                : ([], null);
        }

        if (!present)
        {
            return ([], new OutcomeIssue(OutcomeKind.Required, $"'{field}' is required when the outcome is 'accepted' (cds-fb-2).", field));
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            return ([], new OutcomeIssue(OutcomeKind.Structure, $"'{field}' must be an array of {{\"id\": <suggestion uuid>}}.", field));
        }

        if (array.GetArrayLength() == 0)
        {
            return ([], new OutcomeIssue(OutcomeKind.Required, $"'{field}' must name at least one accepted suggestion (cds-fb-2).", field));
        }

        var ids = new List<string>(array.GetArrayLength());
        var i = 0;
        foreach (var suggestion in array.EnumerateArray())
        {
            var at = $"{field}[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (suggestion.ValueKind != JsonValueKind.Object)
            {
                return ([], new OutcomeIssue(OutcomeKind.Structure, $"'{at}' must be a JSON object {{\"id\": <suggestion uuid>}}.", at));
            }

            if (!TryId(suggestion, "id", at, out var id, out var error))
            {
                return ([], error);
            }

            if (!ids.Contains(id, StringComparer.Ordinal))
            {
                ids.Add(id);
            }

            i++;
        }

        return (ids, null);
    }

    private static ((string? System, string? Code, bool HasComment), OutcomeIssue?) ParseOverrideReason(JsonElement item, FeedbackOutcome outcome, string path)
    {
        var field = path + ".overrideReason";
        if (!item.TryGetProperty("overrideReason", out var reason) || reason.ValueKind == JsonValueKind.Null)
        {
            return ((null, null, false), null);
        }

        if (outcome == FeedbackOutcome.Accepted)
        {
            return ((null, null, false), new OutcomeIssue(OutcomeKind.Invalid, $"'{field}' applies only to outcome 'overridden'.", field));
        }

        if (reason.ValueKind != JsonValueKind.Object)
        {
            return ((null, null, false), new OutcomeIssue(OutcomeKind.Structure, $"'{field}' must be a JSON object with 'reason' and/or 'userComment'.", field));
        }

        var hasReason = reason.TryGetProperty("reason", out var coding) && coding.ValueKind != JsonValueKind.Null;
        var hasComment = reason.TryGetProperty("userComment", out var comment) && comment.ValueKind != JsonValueKind.Null;
        if (!hasReason && !hasComment)
        {
            return ((null, null, false), new OutcomeIssue(OutcomeKind.Required, $"'{field}' must have 'reason' or 'userComment' (cds-fb-3).", field));
        }

        if (hasComment && (comment.ValueKind != JsonValueKind.String || comment.GetString()!.Length == 0))
        {
            return ((null, null, false), new OutcomeIssue(OutcomeKind.Value, $"'{field}.userComment' must be a non-empty string.", field + ".userComment"));
        }

        if (!hasReason)
        {
            return ((null, null, true), null);
        }

        var at = field + ".reason";
        if (coding.ValueKind != JsonValueKind.Object)
        {
            return ((null, null, false), new OutcomeIssue(OutcomeKind.Structure, $"'{at}' must be a Coding object with 'system' and 'code'.", at));
        }

        if (!TryRequiredString(coding, "system", at, out var system, out var error)
            || !TryRequiredString(coding, "code", at, out var code, out error))
        {
            return ((null, null, false), error);
        }

        if (system.Length > MaxCodingLength || code.Length > MaxCodingLength)
        {
            return ((null, null, false), new OutcomeIssue(OutcomeKind.TooLong, $"'{at}' system and code must be at most {MaxCodingLength} characters.", at));
        }

        if (coding.TryGetProperty("display", out var display) && display.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            return ((null, null, false), new OutcomeIssue(OutcomeKind.Structure, $"'{at}.display' must be a string when present.", at + ".display"));
        }

        return ((system, code, hasComment), null);
    }

    private static bool TryId(JsonElement obj, string name, string path, out string value, out OutcomeIssue? error)
    {
        if (!TryRequiredString(obj, name, path, out value, out error))
        {
            return false;
        }

        if (value.Length > MaxIdLength)
        {
            error = new OutcomeIssue(OutcomeKind.TooLong, $"'{path}.{name}' must be at most {MaxIdLength} characters.", $"{path}.{name}");
            return false;
        }

        return true;
    }

    private static bool TryRequiredString(JsonElement obj, string name, string path, out string value, out OutcomeIssue? error)
    {
        value = string.Empty;
        error = null;
        var at = $"{path}.{name}";
        if (!obj.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            error = new OutcomeIssue(OutcomeKind.Required, $"'{at}' is required.", at);
            return false;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = new OutcomeIssue(OutcomeKind.Structure, $"'{at}' must be a string.", at);
            return false;
        }

        value = element.GetString()!;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = new OutcomeIssue(OutcomeKind.Value, $"'{at}' must not be empty.", at);
            return false;
        }

        return true;
    }

    private static (IReadOnlyList<FeedbackItem>?, IReadOnlyList<OutcomeIssue>) Fail(OutcomeKind kind, string message, string? expression) =>
        (null, [new OutcomeIssue(kind, message, expression)]);

    private static (FeedbackItem?, OutcomeIssue?) Item(OutcomeKind kind, string message, string expression) =>
        (null, new OutcomeIssue(kind, message, expression));
}
