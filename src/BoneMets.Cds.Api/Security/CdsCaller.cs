namespace BoneMets.Cds.Api.Security;

/// <summary>
/// Who called, as established by the CDS Hooks JWT check (set as an HttpContext feature before the endpoint runs).
/// Ids only: never the token.
/// </summary>
/// <param name="Issuer">The verified <c>iss</c>, or null for an unauthenticated Development call from loopback.</param>
/// <param name="Tenant">The verified <c>tenant</c> claim, if any.</param>
/// <param name="TokenId">The token's <c>jti</c>, if any.</param>
public sealed record CdsCaller(string? Issuer, string? Tenant, string? TokenId)
{
    /// <summary>An unauthenticated Development call from loopback.</summary>
    public static CdsCaller Anonymous { get; } = new(null, null, null);

    /// <summary>True when a JWT was verified for this call.</summary>
    public bool IsAuthenticated => Issuer is not null;
}

/// <summary>Access to the <see cref="CdsCaller"/> of a request.</summary>
public static class CdsCallerHttpContextExtensions
{
    /// <summary>The caller established by the JWT check, or null when the path is not guarded (e.g. public discovery).</summary>
    public static CdsCaller? GetCdsCaller(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<CdsCaller>();
    }
}
