using System.Globalization;
using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Fhir.Mapping;
using Hl7.Fhir.Model;
using static BoneMets.Cds.Fhir.Tests.Support.Fixtures;

namespace BoneMets.Cds.Fhir.Tests.Mapping;

public sealed class PatientAndImagingMappingTests
{
    private const string BoneScan = """{"coding":[{"system":"http://loinc.org","code":"39818-0","display":"NM Whole body Bone Views"}]}""";

    private static Demographics MapPatient(string extra) => FactsMapper.MapPatient(Parse<Patient>(Patient(extra: extra)));

    [Theory]
    [InlineData(""","birthDate":"1960-04-02" """, "1960-04-02")]
    [InlineData(""","birthDate":"1960-04" """, "1960-04-01")]
    [InlineData(""","birthDate":"1960" """, "1960-01-01")]
    [InlineData(""","birthDate":"1960-04-02T10:00:00Z" """, "1960-04-02")]
    public void MapPatient_BirthDateForms_PartialTakesEarliestDay(string extra, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, CultureInfo.InvariantCulture), MapPatient(extra).BirthDate);

    [Theory]
    [InlineData("")]
    [InlineData(""","birthDate":"1960-13-45" """)]
    [InlineData(""","birthDate":"unknown" """)]
    [InlineData(""","birthDate":19600402""")]
    public void MapPatient_BirthDateMissingOrInvalid_IsNull(string extra) =>
        Assert.Null(MapPatient(extra).BirthDate);

    [Theory]
    [InlineData("", false)]
    [InlineData(""","deceasedBoolean":false""", false)]
    [InlineData(""","deceasedBoolean":true""", true)]
    [InlineData(""","deceasedDateTime":"2024-12-01" """, true)]
    [InlineData(""","deceasedDateTime":"2024" """, true)]
    [InlineData(""","deceasedBoolean":"yes" """, false)]
    public void MapPatient_Deceased_Maps(string extra, bool expected) =>
        Assert.Equal(expected, MapPatient(extra).Deceased);

    private static ImagingFact? MapReport(string status, string extra = "", string code = BoneScan) =>
        FactsMapper.MapReport(
            Parse<DiagnosticReport>($$"""{"resourceType":"DiagnosticReport","id":"r1","status":"{{status}}","code":{{code}}{{extra}}}"""),
            Catalog);

    private static ImagingFact? MapOrder(string status, string extra = "", string code = BoneScan) =>
        FactsMapper.MapOrder(
            Parse<ServiceRequest>($$"""{"resourceType":"ServiceRequest","id":"sr1","status":"{{status}}","intent":"order","code":{{code}}{{extra}}}"""),
            Catalog);

    [Theory]
    [InlineData("final", ImagingStatus.Done)]
    [InlineData("amended", ImagingStatus.Done)]
    [InlineData("corrected", ImagingStatus.Done)]
    [InlineData("appended", ImagingStatus.Done)]
    [InlineData("preliminary", ImagingStatus.Other)]
    [InlineData("registered", ImagingStatus.Other)]
    [InlineData("partial", ImagingStatus.Other)]
    [InlineData("cancelled", ImagingStatus.Other)]
    [InlineData("entered-in-error", ImagingStatus.Other)]
    public void MapReport_Statuses_Map(string status, ImagingStatus expected)
    {
        var fact = MapReport(status);

        Assert.NotNull(fact);
        Assert.Equal(expected, fact.Status);
        Assert.Equal(ImagingSource.Report, fact.Source);
        Assert.Equal(new CodeRef(Loinc, "39818-0", "NM Whole body Bone Views"), fact.Code);
        Assert.Equal("r1", fact.Id);
    }

    [Theory]
    [InlineData(""","effectiveDateTime":"2025-01-10T09:00:00Z","issued":"2025-01-11T00:00:00Z" """, "2025-01-10T09:00:00Z")]
    [InlineData(""","effectivePeriod":{"start":"2025-01-09T00:00:00Z","end":"2025-01-10T12:00:00Z"},"issued":"2025-01-11T00:00:00Z" """, "2025-01-10T12:00:00Z")]
    [InlineData(""","issued":"2025-01-11T00:00:00Z" """, "2025-01-11T00:00:00Z")]
    public void MapReport_TimeForms_Map(string extra, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), MapReport("final", extra)?.Time);

    [Theory]
    [InlineData("""{"coding":[{"system":"http://loinc.org","code":"24627-2","display":"CT Chest"}]}""")]
    [InlineData("""{"coding":[{"system":"http://hospital.example.org/rad","code":"39818-0"}],"text":"Bone scan"}""")]
    [InlineData("""{"text":"Bone scan 39818-0"}""")]
    public void MapReport_NotBoneImaging_IsNull(string code) =>
        Assert.Null(MapReport("final", code: code));

    [Fact]
    public void MapReport_SecondCodingMatches_UsesMatchingCoding()
    {
        var fact = MapReport("final", code: """{"coding":[{"system":"http://hospital.example.org/rad","code":"BS1"},{"system":"urn:oid:2.16.840.1.113883.6.1","code":"30854-4"}]}""");

        Assert.Equal("30854-4", fact?.Code.Code);
    }

    [Theory]
    [InlineData("completed", ImagingStatus.Done)]
    [InlineData("active", ImagingStatus.Ordered)]
    [InlineData("on-hold", ImagingStatus.Ordered)]
    [InlineData("draft", ImagingStatus.Other)]
    [InlineData("revoked", ImagingStatus.Other)]
    [InlineData("entered-in-error", ImagingStatus.Other)]
    [InlineData("unknown", ImagingStatus.Other)]
    public void MapOrder_Statuses_Map(string status, ImagingStatus expected)
    {
        var fact = MapOrder(status);

        Assert.NotNull(fact);
        Assert.Equal(expected, fact.Status);
        Assert.Equal(ImagingSource.Order, fact.Source);
    }

    [Theory]
    [InlineData(""","occurrenceDateTime":"2025-02-01","authoredOn":"2025-01-20T00:00:00Z" """, "2025-02-01T00:00:00Z")]
    [InlineData(""","occurrencePeriod":{"start":"2025-02-03T08:00:00Z","end":"2025-02-04T08:00:00Z"},"authoredOn":"2025-01-20T00:00:00Z" """, "2025-02-03T08:00:00Z")]
    [InlineData(""","authoredOn":"2025-01-20T00:00:00Z" """, "2025-01-20T00:00:00Z")]
    public void MapOrder_TimeForms_Map(string extra, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), MapOrder("active", extra)?.Time);

    [Fact]
    public void MapOrder_NoTime_IsNull() => Assert.Null(MapOrder("active")?.Time);
}
