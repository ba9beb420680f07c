using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BoneMets.Cds.Api.Tests.Infrastructure;

/// <summary>A signing key pair generated in the test (ES256/384/512 or RS256/384/512) and its public JWK.</summary>
public sealed class TestKey
{
    private TestKey(SecurityKey privateKey, JsonObject publicJwk, string kid, string alg)
    {
        PrivateKey = privateKey;
        PublicJwk = publicJwk;
        Kid = kid;
        Alg = alg;
    }

    public SecurityKey PrivateKey { get; }

    public JsonObject PublicJwk { get; }

    public string Kid { get; }

    public string Alg { get; }

    public static TestKey Ec(string alg = "ES384", string? kid = null)
    {
        var curve = alg switch
        {
            "ES256" => ECCurve.NamedCurves.nistP256,
            "ES512" => ECCurve.NamedCurves.nistP521,
            _ => ECCurve.NamedCurves.nistP384,
        };
        var crv = alg switch { "ES256" => "P-256", "ES512" => "P-521", _ => "P-384" };
        var ec = ECDsa.Create(curve);
        kid ??= Guid.NewGuid().ToString("N");
        var p = ec.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = crv,
            ["x"] = Base64UrlEncoder.Encode(p.Q.X),
            ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
            ["kid"] = kid,
            ["use"] = "sig",
            ["alg"] = alg,
        };
        return new TestKey(new ECDsaSecurityKey(ec) { KeyId = kid }, jwk, kid, alg);
    }

    public static TestKey Rsa(string alg = "RS384", string? kid = null, int bits = 2048)
    {
        var rsa = RSA.Create(bits);
        kid ??= Guid.NewGuid().ToString("N");
        var p = rsa.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            ["kid"] = kid,
            ["use"] = "sig",
            ["alg"] = alg,
        };
        return new TestKey(new RsaSecurityKey(rsa) { KeyId = kid }, jwk, kid, alg);
    }

    /// <summary>A JWK Set JSON with the given keys' public halves.</summary>
    public static string Jwks(params TestKey[] keys) =>
        new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode)k.PublicJwk.DeepClone()).ToArray()) }.ToJsonString();

    /// <summary>Writes a JWK Set to a new temp file and returns its path.</summary>
    public static string WriteJwksFile(params TestKey[] keys)
    {
        var path = Path.Combine(Path.GetTempPath(), "bonemets-jwks-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, Jwks(keys));
        return path;
    }
}

/// <summary>
/// Mints CDS Hooks client JWTs (header alg, typ JWT, kid, optional jku; claims iss, aud, exp, iat, jti, optional tenant)
/// with the test's clock. Every property can be changed to build a bad token.
/// </summary>
public sealed class TokenSpec
{
    public required TestKey Key { get; init; }

    public required string Issuer { get; set; }

    /// <summary>A string, or a JsonArray for an array <c>aud</c>; null leaves it out.</summary>
    public object? Audience { get; set; }

    public DateTimeOffset IssuedAt { get; set; } = CdsApiFactory.Anchor;

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);

    public string? TokenId { get; set; } = Guid.NewGuid().ToString();

    public string? Tenant { get; set; }

    public string? Jku { get; set; }

    public string? Typ { get; set; } = "JWT";

    /// <summary>Overrides the header <c>kid</c> (null: the key's kid; "" leaves it out).</summary>
    public string? Kid { get; set; }

    /// <summary>Overrides the <c>alg</c> the token is signed with (default: the key's).</summary>
    public string? Alg { get; set; }

    public bool OmitExp { get; set; }

    public bool OmitIat { get; set; }

    public string Mint()
    {
        var claims = new Dictionary<string, object>();
        if (!OmitExp)
        {
            claims["exp"] = (IssuedAt + Lifetime).ToUnixTimeSeconds();
        }

        if (!OmitIat)
        {
            claims["iat"] = IssuedAt.ToUnixTimeSeconds();
        }

        if (TokenId is not null)
        {
            claims["jti"] = TokenId;
        }

        if (Tenant is not null)
        {
            claims["tenant"] = Tenant;
        }

        if (Audience is JsonArray array)
        {
            claims["aud"] = array.Select(a => a!.GetValue<string>()).ToArray();
        }
        else if (Audience is string single)
        {
            claims["aud"] = single;
        }

        if (!string.IsNullOrEmpty(Issuer))
        {
            claims["iss"] = Issuer;
        }

        var header = new Dictionary<string, object>();
        if (Jku is not null)
        {
            header["jku"] = Jku;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(Key.PrivateKey, Alg ?? Key.Alg) { CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } },
            TokenType = Typ,
            AdditionalHeaderClaims = header,
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var token = handler.CreateToken(descriptor);
        return Kid is null ? token : ReplaceKid(token, Kid);
    }

    /// <summary>Re-signs with a changed (or removed) kid header, since the handler always writes the key's kid.</summary>
    private string ReplaceKid(string token, string kid)
    {
        var parts = token.Split('.');
        var header = JsonNode.Parse(Base64UrlEncoder.Decode(parts[0]))!.AsObject();
        if (kid.Length == 0)
        {
            header.Remove("kid");
        }
        else
        {
            header["kid"] = kid;
        }

        var signingInput = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + parts[1];
        var provider = new CryptoProviderFactory { CacheSignatureProviders = false }.CreateForSigning(Key.PrivateKey, Alg ?? Key.Alg);
        var signature = provider.Sign(System.Text.Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }
}

/// <summary>The trusted test EHR every <see cref="CdsApiFactory"/> host knows (its key set is a file, out of band).</summary>
public static class TestEhr
{
    public const string Issuer = "https://ehr.test/issuer";
    public const string PublicBaseUrl = "https://cds.test";

    public static readonly TestKey Key = TestKey.Ec("ES384");

    public static readonly string JwksFile = TestKey.WriteJwksFile(Key);

    /// <summary>The public URL of <paramref name="path"/> (the token's aud).</summary>
    public static string UrlOf(string path) => PublicBaseUrl + path;

    /// <summary>A valid token for a call to <paramref name="path"/> at the test clock's anchor.</summary>
    public static string TokenFor(string path, DateTimeOffset? at = null) =>
        new TokenSpec { Key = Key, Issuer = Issuer, Audience = UrlOf(path), IssuedAt = at ?? CdsApiFactory.Anchor }.Mint();
}
