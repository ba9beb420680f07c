using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BoneMets.Cds.Api.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BoneMets.Cds.Benchmarks;

/// <summary>
/// What the CDS Hooks JWT check adds to every hook call (issue 4): <see cref="CdsTokenValidator.ValidateAsync"/> on an
/// ES384 and an RS384 token (parse, header and issuer checks, key by kid from an out-of-band key set, signature, aud,
/// lifetime, tenant), and the in-memory replay cache on its own.
/// <para>
/// Every real call carries a new <c>jti</c>; minting one per iteration would measure signing too. So the
/// <c>Validate_*</c> benchmarks reuse one token with <see cref="AlwaysNewReplayCache"/> (a benchmark-only cache that
/// accepts every <c>jti</c>), and <see cref="ReplayCache_Memory"/> measures the real in-memory cache with a fresh
/// <c>jti</c> per call: the two add up to the check's cost on the hook path.
/// </para>
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    private const string Audience = "https://cds.example.org/cds-services/bone-metastasis-patient-view";
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private CdsTokenValidator _validator = null!;
    private string _es384 = null!;
    private string _rs384 = null!;
    private MemoryReplayCache _memory = null!;
    private long _jti;

    [GlobalSetup]
    public void Setup()
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var rsa = RSA.Create(2048);
        var ecKey = new ECDsaSecurityKey(ec) { KeyId = "ec-1" };
        var rsaKey = new RsaSecurityKey(rsa) { KeyId = "rsa-1" };
        var ecJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(ec.ExportParameters(false))) { KeyId = "ec-1" });
        var rsaJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "rsa-1" });
        var jwks = System.Text.Json.JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                new { kty = "EC", crv = ecJwk.Crv, x = ecJwk.X, y = ecJwk.Y, kid = "ec-1", use = "sig" },
                new { kty = "RSA", n = rsaJwk.N, e = rsaJwk.E, kid = "rsa-1", use = "sig" },
            },
        });
        var file = Path.Combine(Path.GetTempPath(), "bonemets-bench-jwks.json");
        File.WriteAllText(file, jwks);

        var clients = new List<TrustedClientOptions>
        {
            new() { Issuer = "https://ehr.example.org", JwksFile = file },
        };
        var registry = TrustedClientRegistry.Build(clients, new CdsAuthOptions(), false, true, Path.GetTempPath(), Path.GetTempPath());
        if (registry.Faults.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", registry.Faults));
        }

        var clock = new FixedClock(Now);
        var keys = new JwksCache(new NoHttp(), Options.Create(new CdsAuthOptions()), clock, NullLogger<JwksCache>.Instance);
        _validator = new CdsTokenValidator(registry, keys, new AlwaysNewReplayCache(), clock);
        _memory = new MemoryReplayCache(clock);
        _es384 = Mint(ecKey, "ES384");
        _rs384 = Mint(rsaKey, "RS384");
        foreach (var token in new[] { _es384, _rs384 })
        {
            var check = _validator.ValidateAsync("Bearer " + token, Audience, CancellationToken.None).GetAwaiter().GetResult();
            if (!check.IsValid)
            {
                throw new InvalidOperationException("benchmark token refused: " + check.Fault);
            }
        }
    }

    [Benchmark]
    public Task<TokenCheck> Validate_ES384() => _validator.ValidateAsync("Bearer " + _es384, Audience, CancellationToken.None);

    [Benchmark]
    public Task<TokenCheck> Validate_RS384() => _validator.ValidateAsync("Bearer " + _rs384, Audience, CancellationToken.None);

    [Benchmark]
    public ValueTask<bool> ReplayCache_Memory() =>
        _memory.TryRecordAsync("https://ehr.example.org", "jti-" + Interlocked.Increment(ref _jti), Now.AddMinutes(6), CancellationToken.None);

    private static string Mint(SecurityKey key, string alg) => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
        new SecurityTokenDescriptor
        {
            TokenType = "JWT",
            SigningCredentials = new SigningCredentials(key, alg),
            Claims = new Dictionary<string, object>
            {
                ["iss"] = "https://ehr.example.org",
                ["aud"] = Audience,
                ["iat"] = Now.ToUnixTimeSeconds(),
                ["exp"] = Now.AddMinutes(5).ToUnixTimeSeconds(),
                ["jti"] = Guid.NewGuid().ToString(),
            },
        });

    /// <summary>Benchmark-only: accepts every jti, so one token can be validated repeatedly.</summary>
    private sealed class AlwaysNewReplayCache : IReplayCache
    {
        public ValueTask<bool> TryRecordAsync(string issuer, string tokenId, DateTimeOffset keepUntil, CancellationToken cancellationToken) =>
            ValueTask.FromResult(true);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Out-of-band keys are never fetched; a fetch would be a bug.</summary>
    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no fetch expected");
    }
}
