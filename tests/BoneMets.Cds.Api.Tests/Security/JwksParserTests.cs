using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Security;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// Which keys of a JWK Set are accepted: RSA (≥ 2048 bits) and EC P-256/384/521 public signing keys with a unique kid;
/// everything else is left out, and a set with nothing usable (or not a set) is refused with a reason.
/// </summary>
public sealed class JwksParserTests
{
    private static string Set(params JsonNode[] keys) => new JsonObject { ["keys"] = new JsonArray(keys) }.ToJsonString();

    private static JsonObject Jwk(TestKey key) => key.PublicJwk.DeepClone().AsObject();

    [Fact]
    public void UsableKeys_Es384Es256Es512Rs384_AllKept()
    {
        var keys = new[] { TestKey.Ec("ES384"), TestKey.Ec("ES256"), TestKey.Ec("ES512"), TestKey.Rsa("RS384"), TestKey.Rsa("RS384", bits: 4096) };

        var parsed = JwksParser.TryParse(TestKey.Jwks(keys), out var fault);

        Assert.Null(fault);
        Assert.NotNull(parsed);
        Assert.Equal(keys.Select(k => k.Kid).Order(StringComparer.Ordinal), parsed.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(2040)]
    public void RsaUnder2048Bits_Ignored(int bits)
    {
        var weak = TestKey.Rsa("RS384", bits: bits);
        var strong = TestKey.Rsa("RS384");

        var parsed = JwksParser.TryParse(TestKey.Jwks(weak, strong), out _);

        Assert.NotNull(parsed);
        Assert.False(parsed.ContainsKey(weak.Kid));
        Assert.True(parsed.ContainsKey(strong.Kid));
        Assert.Null(JwksParser.TryParse(TestKey.Jwks(weak), out var fault));
        Assert.NotNull(fault);
    }

    [Fact]
    public void DuplicateKid_BothRemoved()
    {
        var a = TestKey.Ec("ES384", "same");
        var b = TestKey.Rsa("RS384", "same");
        var other = TestKey.Ec();

        var parsed = JwksParser.TryParse(TestKey.Jwks(a, b, other), out _);

        Assert.NotNull(parsed);
        Assert.False(parsed.ContainsKey("same"));
        Assert.True(parsed.ContainsKey(other.Kid));
    }

    [Fact]
    public void OctKey_Ignored()
    {
        var ec = TestKey.Ec();
        var oct = new JsonObject { ["kty"] = "oct", ["k"] = Base64UrlEncoder.Encode(new byte[32]), ["kid"] = "hmac", ["alg"] = "HS256" };

        var parsed = JwksParser.TryParse(Set(oct, Jwk(ec)), out _);

        Assert.NotNull(parsed);
        Assert.False(parsed.ContainsKey("hmac"));
        Assert.Null(JwksParser.TryParse(Set(oct.DeepClone()), out _));
    }

    [Fact]
    public void PrivateKeys_Ignored()
    {
        var ec = TestKey.Ec();
        var rsa = TestKey.Rsa();
        var ecPrivate = Jwk(ec);
        ecPrivate["d"] = Base64UrlEncoder.Encode(((ECDsaSecurityKey)ec.PrivateKey).ECDsa.ExportParameters(true).D);
        var rsaPrivate = Jwk(rsa);
        var p = ((RsaSecurityKey)rsa.PrivateKey).Rsa.ExportParameters(true);
        rsaPrivate["d"] = Base64UrlEncoder.Encode(p.D);
        rsaPrivate["p"] = Base64UrlEncoder.Encode(p.P);
        rsaPrivate["q"] = Base64UrlEncoder.Encode(p.Q);
        var ok = TestKey.Ec();

        var parsed = JwksParser.TryParse(Set(ecPrivate, rsaPrivate, Jwk(ok)), out _);

        Assert.NotNull(parsed);
        Assert.Equal([ok.Kid], parsed.Keys.ToArray());
    }

    [Fact]
    public void NoKid_Ignored()
    {
        var noKid = Jwk(TestKey.Ec());
        noKid.Remove("kid");
        var emptyKid = Jwk(TestKey.Ec());
        emptyKid["kid"] = string.Empty;

        Assert.Null(JwksParser.TryParse(Set(noKid, emptyKid), out var fault));
        Assert.NotNull(fault);
    }

    [Fact]
    public void EncryptionKeyAndUnsupportedCurve_Ignored()
    {
        var enc = Jwk(TestKey.Ec());
        enc["use"] = "enc";
        var secp256k1 = Jwk(TestKey.Ec("ES256"));
        secp256k1["crv"] = "secp256k1";
        var ok = TestKey.Ec();

        var parsed = JwksParser.TryParse(Set(enc, secp256k1, Jwk(ok)), out _);

        Assert.NotNull(parsed);
        Assert.Equal([ok.Kid], parsed.Keys.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"keys\": [")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"keys\": []}")]
    [InlineData("{\"keys\": {}}")]
    [InlineData("{\"keys\": [42, \"x\"]}")]
    [InlineData("null")]
    public void Garbage_NullWithFault(string json)
    {
        var parsed = JwksParser.TryParse(json, out var fault);

        Assert.Null(parsed);
        Assert.False(string.IsNullOrWhiteSpace(fault));
    }

    [Theory]
    [InlineData("ES384", "ES384", true)]
    [InlineData("ES384", "ES256", false)]
    [InlineData("ES384", "RS384", false)]
    [InlineData("ES256", "ES256", true)]
    [InlineData("RS384", "RS384", true)]
    [InlineData("RS384", "ES384", false)]
    [InlineData("RS384", "HS384", false)]
    public void Fits_KeyTypeCurveAndDeclaredAlg(string keyAlg, string tokenAlg, bool fits)
    {
        var key = keyAlg.StartsWith("ES", StringComparison.Ordinal) ? TestKey.Ec(keyAlg) : TestKey.Rsa(keyAlg);
        var parsed = JwksParser.TryParse(TestKey.Jwks(key), out _)!;

        Assert.Equal(fits, JwksParser.Fits(parsed[key.Kid], tokenAlg));
    }

    [Fact]
    public void Fits_RsaKeyDeclaringRs384_RefusesRs256()
    {
        var key = TestKey.Rsa("RS384");
        var parsed = JwksParser.TryParse(TestKey.Jwks(key), out _)!;
        Assert.False(JwksParser.Fits(parsed[key.Kid], "RS256"));
    }
}
