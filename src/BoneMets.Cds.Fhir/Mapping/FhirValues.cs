using System.Globalization;
using Hl7.Fhir.Model;
using FhirDateTimeValue = Hl7.Fhir.ElementModel.Types.DateTime;
using FhirDateValue = Hl7.Fhir.ElementModel.Types.Date;
using Precision = Hl7.Fhir.ElementModel.Types.DateTimePrecision;

namespace BoneMets.Cds.Fhir.Mapping;

/// <summary>
/// Safe reads of FHIR primitives parsed with <c>Validator = null</c>: a malformed value (a number where a code belongs,
/// "yesterday" as a date) stays raw in <see cref="PrimitiveType.JsonValue"/> and the typed getters would throw, so
/// everything here reads <c>JsonValue</c> and returns null for anything unexpected.
/// </summary>
internal static class FhirValues
{
    private static readonly string[] FullDateTimeFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>The string value of a string-like primitive (code, uri, string, id, dateTime, instant), else null.</summary>
    public static string? Str(PrimitiveType? primitive) =>
        primitive?.JsonValue is string s && s.Length > 0 ? s : null;

    /// <summary>A decimal's value, else null.</summary>
    public static decimal? Dec(PrimitiveType? primitive) => primitive?.JsonValue switch
    {
        decimal d => d,
        int i => i,
        long l => l,
        _ => null,
    };

    /// <summary>A boolean's value, else null.</summary>
    public static bool? Bool(PrimitiveType? primitive) => primitive?.JsonValue as bool?;

    /// <summary>The resource id, or empty when missing or malformed.</summary>
    public static string Id(Resource resource) => Str(resource.IdElement) ?? string.Empty;

    /// <summary>
    /// A FHIR <c>date</c>, <c>dateTime</c> or <c>instant</c> as an instant. A partial value (year, year-month, date) is
    /// taken at the <b>start</b> of its period; a value without offset (date-only, or a time without zone, which R4
    /// forbids but EHRs send) is taken as UTC. Null when absent or unparseable.
    /// </summary>
    public static DateTimeOffset? Instant(PrimitiveType? primitive) => Instant(Str(primitive));

    /// <inheritdoc cref="Instant(PrimitiveType?)"/>
    public static DateTimeOffset? Instant(string? value)
    {
        // Fast path for the common full form with a zone (about 10× cheaper than the general FHIR parser).
        if (value is { Length: >= 20 }
            && (value[^1] == 'Z' || (value[^6] is '+' or '-' && value[^3] == ':'))
            && DateTimeOffset.TryParseExact(value, FullDateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var full))
        {
            return full;
        }

        if (value is null || !FhirDateTimeValue.TryParse(value.Trim(), out var parsed) || parsed is null)
        {
            return null;
        }

        try
        {
            return parsed.ToDateTimeOffset(TimeSpan.Zero);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>Patient.birthDate</c>. A partial date takes the <b>earliest</b> possible day (year → 1 January, year-month →
    /// the 1st), i.e. the oldest possible age, so an adult is never wrongly classed as a child by the age gate (a
    /// wrongly suppressed card is the worse error). Null when absent or unparseable.
    /// </summary>
    public static DateOnly? BirthDate(PrimitiveType? primitive)
    {
        var value = Str(primitive);
        if (value is null)
        {
            return null;
        }

        // A dateTime in birthDate is not R4, but take its date part rather than losing the age gate.
        var trimmed = value.Trim();
        if (trimmed.Length > 10 && trimmed[10] == 'T')
        {
            trimmed = trimmed[..10];
        }

        if (!FhirDateValue.TryParse(trimmed, out var date) || date is null || date.Years is not { } year)
        {
            return null;
        }

        var month = date.Precision >= Precision.Month ? date.Months ?? 1 : 1;
        var day = date.Precision >= Precision.Day ? date.Days ?? 1 : 1;
        try
        {
            return new DateOnly(year, month, day);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
