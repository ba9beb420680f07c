using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace BoneMets.Cds.Api.Security;

/// <summary>
/// Reads a JWK Set into the signature keys we accept, by <c>kid</c>: RSA (modulus ≥ 2048 bits) and EC (P-256, P-384,
/// P-521) public keys meant for signing (<c>use</c> absent or <c>sig</c>). Keys without a <c>kid</c>, with a
/// <c>kid</c> that occurs twice (ambiguous), symmetric keys (<c>oct</c>) and keys carrying private material are left out.
/// </summary>
public static class JwksParser
{
    private const int MinRsaModulusBytes = 256;

    /// <summary>Parses <paramref name="json"/>; <paramref name="fault"/> says why nothing usable was found.</summary>
    public static FrozenDictionary<string, JsonWebKey>? TryParse(string json, out string? fault)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            fault = "not a JWK Set";
            return null;
        }

        var keys = new Dictionary<string, JsonWebKey>(StringComparer.Ordinal);
        var duplicated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in set.Keys)
        {
            if (string.IsNullOrEmpty(key.Kid) || !IsUsableSigningKey(key))
            {
                continue;
            }

            if (!keys.TryAdd(key.Kid, key))
            {
                duplicated.Add(key.Kid);
            }
        }

        foreach (var kid in duplicated)
        {
            keys.Remove(kid);
        }

        if (keys.Count == 0)
        {
            fault = "the JWK Set has no usable signature key (RSA ≥ 2048 bits or EC, with a unique kid)";
            return null;
        }

        fault = null;
        return keys.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static bool IsUsableSigningKey(JsonWebKey key)
    {
        if (!string.IsNullOrEmpty(key.Use) && !string.Equals(key.Use, "sig", StringComparison.Ordinal))
        {
            return false;
        }

        if (key.HasPrivateKey || !string.IsNullOrEmpty(key.D))
        {
            return false;
        }

        switch (key.Kty)
        {
            case JsonWebAlgorithmsKeyTypes.RSA:
                if (string.IsNullOrEmpty(key.N) || string.IsNullOrEmpty(key.E))
                {
                    return false;
                }

                try
                {
                    return Base64UrlEncoder.DecodeBytes(key.N).AsSpan().TrimStart((byte)0).Length >= MinRsaModulusBytes;
                }
                catch (FormatException)
                {
                    return false;
                }

            case JsonWebAlgorithmsKeyTypes.EllipticCurve:
                return key.Crv is JsonWebKeyECTypes.P256 or JsonWebKeyECTypes.P384 or JsonWebKeyECTypes.P521
                    && !string.IsNullOrEmpty(key.X) && !string.IsNullOrEmpty(key.Y);
            default:
                return false;
        }
    }

    /// <summary>Whether a key may verify a token signed with <paramref name="alg"/> (key type and declared <c>alg</c> agree).</summary>
    public static bool Fits(JsonWebKey key, string alg)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(alg);
        if (!string.IsNullOrEmpty(key.Alg) && !string.Equals(key.Alg, alg, StringComparison.Ordinal))
        {
            return false;
        }

        return key.Kty switch
        {
            JsonWebAlgorithmsKeyTypes.RSA => alg.StartsWith("RS", StringComparison.Ordinal) || alg.StartsWith("PS", StringComparison.Ordinal),
            JsonWebAlgorithmsKeyTypes.EllipticCurve => alg switch
            {
                "ES256" => key.Crv == JsonWebKeyECTypes.P256,
                "ES384" => key.Crv == JsonWebKeyECTypes.P384,
                "ES512" => key.Crv == JsonWebKeyECTypes.P521,
                _ => false,
            },
            _ => false,
        };
    }
}
