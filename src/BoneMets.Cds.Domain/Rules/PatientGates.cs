using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>Global gates (clinical.md §2.1): no cards for deceased patients or for patients under the adult age.</summary>
internal static class PatientGates
{
    /// <summary>
    /// True when evaluation must stop: deceased, or younger than <paramref name="adultAgeYears"/> at
    /// <paramref name="now"/> (date in <paramref name="now"/>'s own offset). No birth date → no age gate.
    /// A birth date in the future gives a negative age and stops too.
    /// </summary>
    public static bool Stop(Demographics demographics, DateTimeOffset now, int adultAgeYears)
    {
        if (demographics.Deceased)
        {
            return true;
        }

        return demographics.BirthDate is { } birth && AgeInYears(birth, DateOnly.FromDateTime(now.DateTime)) < adultAgeYears;
    }

    /// <summary>Completed years. A 29 February birthday is reached on 28 February in non-leap years.</summary>
    public static int AgeInYears(DateOnly birth, DateOnly today)
    {
        var age = today.Year - birth.Year;
        if (birth.AddYears(age) > today)
        {
            age--;
        }

        return age;
    }
}
