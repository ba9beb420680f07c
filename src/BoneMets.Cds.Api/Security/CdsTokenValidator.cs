using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BoneMets.Cds.Api.Security;

/// <summary>Why a token was refused: a fixed code for the log (the 401 body says nothing).</summary>
public enum TokenFault
{
    None,
    NotBearer,
    Malformed,
    Type,
    Algorithm,
    MissingClaim,
    UnknownIssuer,
    KeyUrl,
    UnknownKey,
    Signature,
    Audience,
    Expired,
    IssuedInFuture,
    LifetimeTooLong,
    Tenant,
    Replay,
    NotYetValid,
}

/// <summary>Outcome of checking a token: the caller and client, or the fault (with issuer and jti for the log, if read).</summary>
public sealed record TokenCheck(CdsCaller? Caller, TrustedClient? Client, TokenFault Fault, string? Issuer, string? TokenId)
{
    public bool IsValid => Fault == TokenFault.None;
}

/// <summary>
/// Verifies a CDS Hooks client JWT by the nine steps of cds-hooks.md §5.3 (pinned decision 6), with
/// Microsoft.IdentityModel.JsonWebTokens for parsing and the signature:
/// <list type="number">
/// <item><c>typ</c> is <c>JWT</c>; <c>alg</c> is one the issuer's client accepts (asymmetric only: never <c>none</c> or
/// HMAC); a JWE is refused;</item>
/// <item><c>iss</c> is a trusted client;</item>
/// <item>a <c>jku</c>, if present, equals the client's allow-listed JWKS URL exactly (an other one is never fetched); the
/// key is found by <c>kid</c> (one rate-limited refresh on an unknown <c>kid</c>);</item>
/// <item>the signature verifies with that key;</item>
/// <item><c>aud</c> (string or array) contains this endpoint's public URL;</item>
/// <item><c>exp</c> is in the future and <c>iat</c> (and <c>nbf</c>, if sent) not in the future (± the client's skew), <c>exp − iat</c> within the
/// client's maximum lifetime;</item>
/// <item><c>tenant</c> is allowed when the client lists tenants;</item>
/// <item><c>jti</c> was not seen before (then it is recorded until <c>exp</c> + skew).</item>
/// </list>
/// Times come from <see cref="TimeProvider"/>.
/// </summary>
public sealed class CdsTokenValidator(
    TrustedClientRegistry registry,
    IJwksSource keys,
    IReplayCache replays,
    TimeProvider time)
{
    /// <summary>Tokens longer than this are refused unread.</summary>
    public const int MaxTokenLength = 16 * 1024;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>Checks the <c>Authorization</c> header value for a call to <paramref name="expectedAudience"/>.</summary>
    /// <exception cref="ReplayCacheUnavailableException">The shared replay cache is down.</exception>
    public async Task<TokenCheck> ValidateAsync(string authorization, string expectedAudience, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(expectedAudience);
        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Fail(TokenFault.NotBearer);
        }

        var token = authorization.AsSpan(scheme.Length).Trim().ToString();
        if (token.Length == 0 || token.Length > MaxTokenLength || CountDots(token) != 2)
        {
            return Fail(TokenFault.Malformed);
        }

        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            return Fail(TokenFault.Malformed);
        }

        if (jwt.IsEncrypted)
        {
            return Fail(TokenFault.Malformed);
        }

        // Step 1: header.
        if (!string.Equals(jwt.Typ, "JWT", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(TokenFault.Type);
        }

        var alg = jwt.Alg;
        if (string.IsNullOrEmpty(alg) || !registry.AnyAlgorithm.Contains(alg))
        {
            return Fail(TokenFault.Algorithm);
        }

        // Claims we need before anything else.
        string? issuer = TryString(jwt, JwtRegisteredClaimNames.Iss);
        var tokenId = TryString(jwt, JwtRegisteredClaimNames.Jti);
        if (string.IsNullOrEmpty(issuer))
        {
            return Fail(TokenFault.MissingClaim, null, tokenId);
        }

        // Step 2: issuer.
        var client = registry.Find(issuer);
        if (client is null)
        {
            return Fail(TokenFault.UnknownIssuer, issuer, tokenId);
        }

        if (!client.Algorithms.Contains(alg))
        {
            return Fail(TokenFault.Algorithm, issuer, tokenId);
        }

        if (string.IsNullOrEmpty(tokenId) || tokenId.Length > 256
            || !TryNumber(jwt, JwtRegisteredClaimNames.Exp, out var exp)
            || !TryNumber(jwt, JwtRegisteredClaimNames.Iat, out var iat)
            || !jwt.TryGetPayloadValue<object>(JwtRegisteredClaimNames.Aud, out _))
        {
            return Fail(TokenFault.MissingClaim, issuer, tokenId);
        }

        // Step 3: key. A jku must be the allow-listed one; it is never fetched otherwise.
        if (jwt.TryGetHeaderValue<object>("jku", out var jkuValue))
        {
            if (jkuValue is not string jku || client.JwksUrl is null
                || !string.Equals(jku, client.JwksUrl.OriginalString, StringComparison.Ordinal))
            {
                return Fail(TokenFault.KeyUrl, issuer, tokenId);
            }
        }

        var kid = jwt.Kid;
        if (string.IsNullOrEmpty(kid))
        {
            return Fail(TokenFault.UnknownKey, issuer, tokenId);
        }

        var key = await keys.FindKeyAsync(client, kid, cancellationToken).ConfigureAwait(false);
        if (key is null || !JwksParser.Fits(key, alg))
        {
            return Fail(TokenFault.UnknownKey, issuer, tokenId);
        }

        // Step 4: signature (and issuer, algorithm and type again, by the library).
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = client.Issuer,
            ValidateIssuer = true,
            ValidateAudience = false, // step 5 below, with URL normalisation
            ValidateLifetime = false, // step 6 below, on our clock
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            IssuerSigningKey = key,
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = client.Algorithms,
            TypeValidator = (type, _, _) => type, // step 1 checked typ (case-insensitively, RFC 7519 §5.1)
            ValidateIssuerSigningKey = false,
            SaveSigninToken = false,
        };
        var result = await _handler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Fail(TokenFault.Signature, issuer, tokenId);
        }

        // Step 5: audience.
        if (!AudienceMatches(jwt, expectedAudience))
        {
            return Fail(TokenFault.Audience, issuer, tokenId);
        }

        // Step 6: lifetime.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        var skew = client.ClockSkew.TotalSeconds;
        if (exp + skew <= now)
        {
            return Fail(TokenFault.Expired, issuer, tokenId);
        }

        if (iat - skew > now)
        {
            return Fail(TokenFault.IssuedInFuture, issuer, tokenId);
        }

        // nbf is not a CDS Hooks claim, but one that is sent binds (RFC 7519 §4.1.5); the library skips it here.
        if (jwt.TryGetPayloadValue<object>(JwtRegisteredClaimNames.Nbf, out _)
            && (!TryNumber(jwt, JwtRegisteredClaimNames.Nbf, out var nbf) || nbf - skew > now))
        {
            return Fail(TokenFault.NotYetValid, issuer, tokenId);
        }

        if (exp <= iat || exp - iat > client.MaxTokenLifetime.TotalSeconds)
        {
            return Fail(TokenFault.LifetimeTooLong, issuer, tokenId);
        }

        // Step 7: tenant.
        var tenant = TryString(jwt, "tenant");
        if (client.Tenants.Count > 0 && (tenant is null || !client.Tenants.Contains(tenant)))
        {
            return Fail(TokenFault.Tenant, issuer, tokenId);
        }

        // Step 8: replay (recorded only once everything else holds, so a bad token cannot burn a jti).
        var keepUntil = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Ceiling((exp + skew) * 1000));
        if (!await replays.TryRecordAsync(client.Issuer, tokenId, keepUntil, cancellationToken).ConfigureAwait(false))
        {
            return Fail(TokenFault.Replay, issuer, tokenId);
        }

        return new TokenCheck(new CdsCaller(client.Issuer, tenant, tokenId), client, TokenFault.None, issuer, tokenId);
    }

    /// <summary><c>aud</c> as a string or an array of strings; compared as URLs (trailing slash ignored, scheme and host case-insensitive).</summary>
    private static bool AudienceMatches(JsonWebToken jwt, string expected)
    {
        var want = AudienceUrl.Normalise(expected);
        if (want is null)
        {
            return false;
        }

        IEnumerable<string> audiences;
        try
        {
            audiences = jwt.Audiences.ToList();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or JsonException)
        {
            return false;
        }

        foreach (var aud in audiences)
        {
            if (AudienceUrl.Normalise(aud) is { } got && string.Equals(got, want, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string? TryString(JsonWebToken jwt, string claim) =>
        jwt.TryGetPayloadValue<object>(claim, out var value) && value is string s ? s : null;

    private static bool TryNumber(JsonWebToken jwt, string claim, out double value)
    {
        value = 0;
        if (!jwt.TryGetPayloadValue<object>(claim, out var raw))
        {
            return false;
        }

        switch (raw)
        {
            case long l:
                value = l;
                return true;
            case int i:
                value = i;
                return true;
            case double d when double.IsFinite(d):
                value = d;
                return true;
            case decimal m:
                value = (double)m;
                return true;
            default:
                return false;
        }
    }

    private static int CountDots(string token)
    {
        var n = 0;
        foreach (var c in token)
        {
            if (c == '.')
            {
                n++;
            }
        }

        return n;
    }

    private static TokenCheck Fail(TokenFault fault, string? issuer = null, string? tokenId = null) =>
        new(null, null, fault, issuer, tokenId);
}

/// <summary>The public URL of an endpoint, as a JWT <c>aud</c> names it (built from <c>Cds:PublicBaseUrl</c>, never from Host).</summary>
public static class AudienceUrl
{
    /// <summary><c>scheme://host[:port]/path</c>: scheme and host lower-case, default port dropped, no trailing slash, no query.</summary>
    public static string? Normalise(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }

        var authority = uri.IsDefaultPort ? uri.Host.ToLowerInvariant() : uri.Host.ToLowerInvariant() + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var path = uri.AbsolutePath.TrimEnd('/');
        return uri.Scheme + "://" + authority + path;
    }

    /// <summary>The URL of <paramref name="path"/> under <paramref name="publicBase"/>.</summary>
    public static string Of(Uri publicBase, PathString path)
    {
        ArgumentNullException.ThrowIfNull(publicBase);
        return publicBase.GetLeftPart(UriPartial.Path).TrimEnd('/') + path.ToUriComponent();
    }
}
