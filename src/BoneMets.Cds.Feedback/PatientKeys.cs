using System.Security.Cryptography;
using System.Text;

namespace BoneMets.Cds.Feedback;

/// <summary>Keys patient ids for the issued-card log: the id itself is never stored.</summary>
public static class PatientKeys
{
    /// <summary>Lower-case hex HMAC-SHA256 of the UTF-8 <paramref name="patientId"/> under <paramref name="key"/>.</summary>
    public static string Hash(byte[] key, string patientId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(patientId);
        if (key.Length == 0)
        {
            throw new ArgumentException("The patient hash key must not be empty.", nameof(key));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(patientId)));
    }
}
