using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>Tokens <see cref="TokenSpec"/> cannot mint: unsigned, HMAC-signed, tampered after signing, hand-made claims.</summary>
public static class CraftedTokens
{
    public static string Encode(JsonNode node) => Base64UrlEncoder.Encode(node.ToJsonString());

    /// <summary>The standard claims of a valid token for <paramref name="aud"/> issued at <paramref name="iat"/>.</summary>
    public static JsonObject Claims(string issuer, string aud, DateTimeOffset iat) => new()
    {
        ["iss"] = issuer,
        ["aud"] = aud,
        ["exp"] = iat.AddMinutes(5).ToUnixTimeSeconds(),
        ["iat"] = iat.ToUnixTimeSeconds(),
        ["jti"] = Guid.NewGuid().ToString(),
    };

    /// <summary><c>alg: none</c>: header and payload, and an empty signature.</summary>
    public static string AlgNone(string kid, JsonObject claims) =>
        Encode(new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = kid }) + "." + Encode(claims) + ".";

    /// <summary>HS256 with <paramref name="secret"/> as the HMAC key (the alg-confusion attack uses public key bytes).</summary>
    public static string Hs256(byte[] secret, string kid, JsonObject claims)
    {
        var input = Encode(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = kid }) + "." + Encode(claims);
        var mac = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input));
        return input + "." + Base64UrlEncoder.Encode(mac);
    }

    /// <summary>Signs <paramref name="header"/> and <paramref name="claims"/> exactly as given with <paramref name="key"/>.</summary>
    public static string SignExactly(TestKey key, JsonObject header, JsonObject claims, string? alg = null)
    {
        var input = Encode(header) + "." + Encode(claims);
        var provider = new CryptoProviderFactory { CacheSignatureProviders = false }.CreateForSigning(key.PrivateKey, alg ?? key.Alg);
        return input + "." + Base64UrlEncoder.Encode(provider.Sign(Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>The standard header for <paramref name="key"/>.</summary>
    public static JsonObject Header(TestKey key) => new() { ["alg"] = key.Alg, ["typ"] = "JWT", ["kid"] = key.Kid };

    /// <summary>Changes the payload of a signed token and keeps its signature.</summary>
    public static string TamperPayload(string token, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        change(payload);
        return parts[0] + "." + Encode(payload) + "." + parts[2];
    }

    /// <summary>Flips one bit in the middle of the signature.</summary>
    public static string TamperSignature(string token)
    {
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[signature.Length / 2] ^= 0x01;
        return parts[0] + "." + parts[1] + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>The payload of a token as JSON.</summary>
    public static JsonObject PayloadOf(string token) => JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!.AsObject();

    /// <summary>SubjectPublicKeyInfo (DER) of a test key's public half.</summary>
    public static byte[] Spki(TestKey key) => key.PrivateKey switch
    {
        ECDsaSecurityKey ec => ec.ECDsa.ExportSubjectPublicKeyInfo(),
        RsaSecurityKey rsa => rsa.Rsa.ExportSubjectPublicKeyInfo(),
        _ => throw new ArgumentException("unsupported key", nameof(key)),
    };

    /// <summary>PEM text of a test key's public half.</summary>
    public static string Pem(TestKey key) => key.PrivateKey switch
    {
        ECDsaSecurityKey ec => ec.ECDsa.ExportSubjectPublicKeyInfoPem(),
        RsaSecurityKey rsa => rsa.Rsa.ExportSubjectPublicKeyInfoPem(),
        _ => throw new ArgumentException("unsupported key", nameof(key)),
    };
}
