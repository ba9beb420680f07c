using BoneMets.Cds.Api.Tests.Infrastructure;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// One "Testing" host shared by a test class, trusting several EHRs whose keys are exchanged out of band (JWKS files):
/// the factory's test EHR (ES384), an RS384 EHR (its JWK declares no <c>alg</c>, so only the algorithm allow-list stands
/// between it and RS256), an EHR with tenants, an EHR with a short lifetime and skew, and a second ES384 EHR "B".
/// Tests must not move its clock: bad times are minted relative to the anchor instead.
/// </summary>
public sealed class TrustedClientsHost : IDisposable
{
    public const string RsaIssuer = "https://rsa-ehr.test/issuer";
    public const string TenantIssuer = "https://tenant-ehr.test/issuer";
    public const string ShortIssuer = "https://short-ehr.test/issuer";
    public const string IssuerB = "https://ehr-b.test/issuer";

    public TrustedClientsHost()
    {
        RsaKey = TestKey.Rsa("RS384");
        RsaKey.PublicJwk.Remove("alg");
        TenantKey = TestKey.Ec("ES384");
        ShortKey = TestKey.Ec("ES384");
        KeyB = TestKey.Ec("ES384");
        Host = new SecurityHost(new SecuritySettings()
            .Client(RsaIssuer, TestKey.WriteJwksFile(RsaKey))
            .Client(TenantIssuer, TestKey.WriteJwksFile(TenantKey), null, ("Tenants:0", "tenant-a"), ("Tenants:1", "tenant-b"))
            .Client(ShortIssuer, TestKey.WriteJwksFile(ShortKey), null, ("MaxTokenLifetime", "00:02:00"), ("ClockSkew", "00:00:05"))
            .Client(IssuerB, TestKey.WriteJwksFile(KeyB))
            .Build());
    }

    public SecurityHost Host { get; }

    public TestKey RsaKey { get; }

    public TestKey TenantKey { get; }

    public TestKey ShortKey { get; }

    public TestKey KeyB { get; }

    public void Dispose() => Host.Dispose();
}
