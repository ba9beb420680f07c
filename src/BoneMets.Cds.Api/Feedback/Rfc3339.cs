using System.Globalization;
using System.Text.RegularExpressions;

namespace BoneMets.Cds.Api.Feedback;

/// <summary>
/// RFC 3339 §5.6 <c>date-time</c> parsing, stricter than <see cref="DateTimeOffset.TryParse(string?, out DateTimeOffset)"/>:
/// a full date, <c>T</c>, a full time with seconds, optional fractional seconds and a zone. No date-only, no missing
/// zone, no culture-specific forms.
/// </summary>
public static partial class Rfc3339
{
    /// <summary>
    /// Parses an instant. With <paramref name="utcOnly"/> the zone must be <c>Z</c> (CDS Hooks <c>outcomeTimestamp</c>
    /// is "ISO 8601 UTC per RFC 3339"); otherwise a numeric offset (<c>+02:00</c>) is accepted and converted to UTC.
    /// A leap second (<c>:60</c>) is read as the last tick of second 59.
    /// </summary>
    public static bool TryParse(string? text, bool utcOnly, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length > 64)
        {
            return false;
        }

        var m = DateTimePattern().Match(text);
        if (!m.Success)
        {
            return false;
        }

        var year = Int(m, "y");
        var month = Int(m, "mo");
        var day = Int(m, "d");
        var hour = Int(m, "h");
        var minute = Int(m, "mi");
        var second = Int(m, "s");
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var offset = TimeSpan.Zero;
        var zone = m.Groups["z"].Value;
        if (zone is not ("Z" or "z"))
        {
            if (utcOnly)
            {
                return false;
            }

            var offsetHours = int.Parse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture);
            var offsetMinutes = int.Parse(zone.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture);
            if (offsetHours > 23 || offsetMinutes > 59)
            {
                return false;
            }

            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (zone[0] == '-')
            {
                offset = -offset;
            }
        }

        long ticks = 0;
        var fraction = m.Groups["f"].Value;
        if (fraction.Length > 0)
        {
            // Up to 7 digits are representable (100 ns); further digits are truncated.
            var digits = fraction.Length > 7 ? fraction[..7] : fraction.PadRight(7, '0');
            ticks = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        if (second == 60)
        {
            second = 59;
            ticks = TimeSpan.TicksPerSecond - 1;
        }

        try
        {
            var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
            value = new DateTimeOffset(local, offset).ToUniversalTime();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            // Offsets that push the instant outside DateTimeOffset's range (year 1 or 9999).
            return false;
        }
    }

    /// <summary>A calendar date <c>yyyy-MM-dd</c> (RFC 3339 <c>full-date</c>).</summary>
    public static bool TryParseDate(string? text, out DateOnly value)
    {
        value = default;
        return text is { Length: 10 }
            && DatePattern().IsMatch(text)
            && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    private static int Int(Match m, string group) =>
        int.Parse(m.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})[Tt](?<h>[0-9]{2}):(?<mi>[0-9]{2}):(?<s>[0-9]{2})(?:\.(?<f>[0-9]+))?(?<z>[Zz]|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();
}
