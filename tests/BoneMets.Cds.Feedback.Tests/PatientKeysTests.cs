using System.Text;

namespace BoneMets.Cds.Feedback.Tests;

public sealed class PatientKeysTests
{
    [Fact]
    public void Hash_is_lowercase_hex_hmac_sha256_rfc4231_case_2()
    {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        Assert.Equal(
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            PatientKeys.Hash(Encoding.ASCII.GetBytes("Jefe"), "what do ya want for nothing?"));
    }

    [Fact]
    public void Hash_depends_on_key_and_patient_and_never_contains_the_id()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var otherKey = Enumerable.Range(2, 32).Select(i => (byte)i).ToArray();
        var hash = PatientKeys.Hash(key, "patient-123");

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, PatientKeys.Hash(key, "patient-123"));
        Assert.NotEqual(hash, PatientKeys.Hash(key, "patient-124"));
        Assert.NotEqual(hash, PatientKeys.Hash(otherKey, "patient-123"));
        Assert.DoesNotContain("patient", hash);
        Assert.Throws<ArgumentException>(() => PatientKeys.Hash([], "patient-123"));
    }
}
