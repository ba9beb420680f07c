using System.Globalization;
using BoneMets.Cds.Fhir.Mapping;

namespace BoneMets.Cds.Fhir.Tests.Mapping;

public sealed class FhirValuesTests
{
    [Theory]
    [InlineData("2025-03-01T08:00:00Z", "2025-03-01T08:00:00+00:00")]
    [InlineData("2025-03-01T08:00:00+05:30", "2025-03-01T08:00:00+05:30")]
    [InlineData("2025-03-01T08:00:00.5-03:00", "2025-03-01T08:00:00.5-03:00")]
    [InlineData("2025-03-01T08:00:00.123456789Z", "2025-03-01T08:00:00.1234568+00:00")]
    [InlineData("2025-03-01T08:00:00", "2025-03-01T08:00:00+00:00")]
    [InlineData("2025-03-01", "2025-03-01T00:00:00+00:00")]
    [InlineData("2025-03", "2025-03-01T00:00:00+00:00")]
    [InlineData("2025", "2025-01-01T00:00:00+00:00")]
    public void Instant_FhirForms_Parse(string value, string expected)
    {
        var parsed = FhirValues.Instant(value);

        Assert.NotNull(parsed);
        var want = DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture);
        Assert.Equal(want, parsed.Value);
        Assert.Equal(want.Offset, parsed.Value.Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2025-13-01")]
    [InlineData("2025-02-30T08:00:00Z")]
    [InlineData("01/03/2025")]
    [InlineData("2025-03-01 08:00:00Z")]
    public void Instant_Invalid_IsNull(string? value) => Assert.Null(FhirValues.Instant(value));
}
