using System.Text.Json;

namespace BoneMets.Cds.Api.Contracts;

/// <summary>A validated CDS Hooks request. Prefetch values point into the request's JsonDocument (alive for the request).</summary>
public sealed record HookRequest(
    string Hook,
    string HookInstance,
    Uri? FhirServer,
    FhirAuthorization? FhirAuthorization,
    HookContext Context,
    IReadOnlyDictionary<string, JsonElement> Prefetch);

/// <summary>patient-view context.</summary>
public sealed record HookContext(string UserId, string PatientId, string? EncounterId);

/// <summary>fhirAuthorization. The token is transient: never logged, never stored, never sent anywhere but fhirServer.</summary>
public sealed record FhirAuthorization(string AccessToken, string TokenType, long ExpiresIn, string Scope, string Subject, string? Patient)
{
    /// <summary>Keeps the token out of any accidental string formatting.</summary>
    public override string ToString() => $"FhirAuthorization {{ TokenType = {TokenType}, ExpiresIn = {ExpiresIn}, Subject = {Subject} }}";
}
