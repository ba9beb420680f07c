using System.Text.Json;
using System.Text.RegularExpressions;
using BoneMets.Cds.Fhir.Outcomes;

namespace BoneMets.Cds.Api.Contracts;

/// <summary>
/// Validates a hook request body against CDS Hooks 2.0 and our pinned decision 1. Messages name the field and the rule,
/// never echo values (they may be patient data or tokens).
/// </summary>
public static partial class HookRequestParser
{
    private static readonly string[] UserTypes = ["Practitioner", "PractitionerRole", "Patient", "RelatedPerson"];

    /// <summary>Parses <paramref name="root"/> for a service that serves <paramref name="expectedHook"/>.</summary>
    public static (HookRequest? Request, OutcomeIssue? Error) Parse(JsonElement root, string expectedHook)
    {
        ArgumentNullException.ThrowIfNull(expectedHook);
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail(OutcomeKind.Structure, "The request body must be a JSON object.", null);
        }

        if (!TryString(root, "hook", out var hook, out var err))
        {
            return (null, err);
        }

        if (!string.Equals(hook, expectedHook, StringComparison.Ordinal))
        {
            return Fail(OutcomeKind.NotSupported, $"This service answers the '{expectedHook}' hook only.", "hook");
        }

        if (!TryString(root, "hookInstance", out var hookInstance, out err))
        {
            return (null, err);
        }

        if (!root.TryGetProperty("context", out var context))
        {
            return Fail(OutcomeKind.Required, "'context' is required.", "context");
        }

        if (context.ValueKind != JsonValueKind.Object)
        {
            return Fail(OutcomeKind.Structure, "'context' must be a JSON object.", "context");
        }

        if (!TryString(context, "userId", out var userId, out err, "context."))
        {
            return (null, err);
        }

        if (!IsUserReference(userId))
        {
            return Fail(OutcomeKind.Value, "'context.userId' must be a reference of the form Practitioner/<id>, PractitionerRole/<id>, Patient/<id> or RelatedPerson/<id>.", "context.userId");
        }

        if (!TryString(context, "patientId", out var patientId, out err, "context."))
        {
            return (null, err);
        }

        if (!FhirIdPattern().IsMatch(patientId))
        {
            return Fail(OutcomeKind.Value, "'context.patientId' must be a plain FHIR id (1–64 of A–Z a–z 0–9 - .), not a reference.", "context.patientId");
        }

        string? encounterId = null;
        if (context.TryGetProperty("encounterId", out var enc) && enc.ValueKind != JsonValueKind.Null)
        {
            if (enc.ValueKind != JsonValueKind.String || !FhirIdPattern().IsMatch(enc.GetString()!))
            {
                return Fail(OutcomeKind.Value, "'context.encounterId' must be a plain FHIR id when present.", "context.encounterId");
            }

            encounterId = enc.GetString();
        }

        Uri? fhirServer = null;
        if (root.TryGetProperty("fhirServer", out var server) && server.ValueKind != JsonValueKind.Null)
        {
            if (server.ValueKind != JsonValueKind.String
                || !Uri.TryCreate(server.GetString(), UriKind.Absolute, out fhirServer))
            {
                return Fail(OutcomeKind.Value, "'fhirServer' must be an absolute URL.", "fhirServer");
            }
        }

        FhirAuthorization? auth = null;
        if (root.TryGetProperty("fhirAuthorization", out var authElement) && authElement.ValueKind != JsonValueKind.Null)
        {
            if (fhirServer is null)
            {
                return Fail(OutcomeKind.Required, "'fhirAuthorization' requires 'fhirServer' (CDS Hooks cds-r-1).", "fhirServer");
            }

            var (a, authError) = ParseAuthorization(authElement);
            if (authError is not null)
            {
                return (null, authError);
            }

            auth = a;
        }

        var prefetch = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (root.TryGetProperty("prefetch", out var prefetchElement) && prefetchElement.ValueKind != JsonValueKind.Null)
        {
            if (prefetchElement.ValueKind != JsonValueKind.Object)
            {
                return Fail(OutcomeKind.Structure, "'prefetch' must be a JSON object of key → FHIR resource or null.", "prefetch");
            }

            foreach (var p in prefetchElement.EnumerateObject())
            {
                prefetch[p.Name] = p.Value;
            }
        }

        return (new HookRequest(hook, hookInstance, fhirServer, auth, new HookContext(userId, patientId, encounterId), prefetch), null);
    }

    private static (FhirAuthorization?, OutcomeIssue?) ParseAuthorization(JsonElement a)
    {
        const string P = "fhirAuthorization.";
        if (a.ValueKind != JsonValueKind.Object)
        {
            return (null, new OutcomeIssue(OutcomeKind.Structure, "'fhirAuthorization' must be a JSON object.", "fhirAuthorization"));
        }

        if (!TryString(a, "access_token", out var token, out var err, P)
            || !TryString(a, "token_type", out var type, out err, P)
            || !TryString(a, "scope", out var scope, out err, P)
            || !TryString(a, "subject", out var subject, out err, P))
        {
            return (null, err);
        }

        if (!string.Equals(type, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return (null, new OutcomeIssue(OutcomeKind.Value, "'fhirAuthorization.token_type' must be 'Bearer'.", P + "token_type"));
        }

        if (!a.TryGetProperty("expires_in", out var exp))
        {
            return (null, new OutcomeIssue(OutcomeKind.Required, "'fhirAuthorization.expires_in' is required.", P + "expires_in"));
        }

        if (exp.ValueKind != JsonValueKind.Number || !exp.TryGetInt64(out var expiresIn) || expiresIn < 0)
        {
            return (null, new OutcomeIssue(OutcomeKind.Value, "'fhirAuthorization.expires_in' must be a non-negative integer (seconds).", P + "expires_in"));
        }

        string? patient = null;
        if (a.TryGetProperty("patient", out var pat) && pat.ValueKind != JsonValueKind.Null)
        {
            if (pat.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(pat.GetString()))
            {
                return (null, new OutcomeIssue(OutcomeKind.Value, "'fhirAuthorization.patient' must be a non-empty string when present.", P + "patient"));
            }

            patient = pat.GetString();
        }

        return (new FhirAuthorization(token, type, expiresIn, scope, subject, patient), null);
    }

    private static bool IsUserReference(string userId)
    {
        var slash = userId.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        var type = userId[..slash];
        return Array.IndexOf(UserTypes, type) >= 0 && FhirIdPattern().IsMatch(userId[(slash + 1)..]);
    }

    private static bool TryString(JsonElement obj, string name, out string value, out OutcomeIssue? error, string prefix = "")
    {
        value = string.Empty;
        if (!obj.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            error = new OutcomeIssue(OutcomeKind.Required, $"'{prefix}{name}' is required.", prefix + name);
            return false;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = new OutcomeIssue(OutcomeKind.Structure, $"'{prefix}{name}' must be a string.", prefix + name);
            return false;
        }

        value = element.GetString()!;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = new OutcomeIssue(OutcomeKind.Value, $"'{prefix}{name}' must not be empty.", prefix + name);
            return false;
        }

        error = null;
        return true;
    }

    private static (HookRequest?, OutcomeIssue?) Fail(OutcomeKind kind, string message, string? expression) =>
        (null, new OutcomeIssue(kind, message, expression));

    [GeneratedRegex("^[A-Za-z0-9\\-.]{1,64}$")]
    private static partial Regex FhirIdPattern();
}
