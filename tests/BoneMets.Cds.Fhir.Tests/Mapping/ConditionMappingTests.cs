using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Fhir.Mapping;
using Hl7.Fhir.Model;
using static BoneMets.Cds.Fhir.Tests.Support.Fixtures;

namespace BoneMets.Cds.Fhir.Tests.Mapping;

public sealed class ConditionMappingTests
{
    private static ConditionFact? Map(string json) => FactsMapper.MapCondition(Parse<Condition>(json), Catalog);

    private static ConditionFact MapCancer(string extra) =>
        Map(Condition("c1", Coding(Snomed, "254837009", "Breast cancer"), extra))!;

    [Fact]
    public void MapCondition_SnomedCode_MatchesWithCodingAsSent()
    {
        var fact = MapCancer("");

        var match = Assert.Single(fact.Matches);
        Assert.Equal(Concepts.CancerBreast, match.Key);
        Assert.Equal(new CodeRef(Snomed, "254837009", "Breast cancer"), match.Value);
        Assert.Equal("c1", fact.Id);
    }

    [Theory]
    [InlineData("urn:oid:2.16.840.1.113883.6.96", "254837009")]
    [InlineData("http://snomed.info/sct/", "254837009")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "C50.911")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "c50911")]
    [InlineData("urn:oid:2.16.840.1.113883.6.90", "C50.9")]
    [InlineData("http://hl7.org/fhir/sid/icd-10", "C50")]
    public void MapCondition_AliasSystemsAndIcdPrefixes_Match(string system, string code)
    {
        var fact = Map(Condition("c1", Coding(system, code)));

        Assert.NotNull(fact);
        Assert.Equal([Concepts.CancerBreast], fact.Matches.Keys);
    }

    [Theory]
    [InlineData("""{"system":"http://example.org/local","code":"254837009","display":"Breast cancer"}""")]
    [InlineData("""{"display":"Malignant neoplasm of breast"}""")]
    [InlineData("""{"system":"http://snomed.info/sct","display":"Malignant neoplasm of breast"}""")]
    [InlineData("""{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"C5"}""")]
    [InlineData("""{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"C51.0"}""")]
    [InlineData("""{"system":"http://loinc.org","code":"254837009"}""")]
    public void MapCondition_LocalCodesDisplayOrUnrelatedCodes_DoNotMatch(string coding) =>
        Assert.Null(Map(Condition("c1", coding)));

    [Fact]
    public void MapCondition_TextOnly_DoesNotMatch() =>
        Assert.Null(Map("""{"resourceType":"Condition","id":"c1","code":{"text":"breast cancer (C50.9) 254837009"}}"""));

    [Fact]
    public void MapCondition_NoCode_IsNull() =>
        Assert.Null(Map("""{"resourceType":"Condition","id":"c1"}"""));

    [Fact]
    public void MapCondition_EveryCodingExamined_SecondCodingMatchesAndBothConceptsKept()
    {
        var fact = Map(Condition("c1", Coding("http://example.org/local", "X1") + "," + Coding(Icd10Cm, "C79.51") + "," + Coding(Snomed, "254837009")));

        Assert.NotNull(fact);
        Assert.Equal(new[] { Concepts.BoneMetastasis, Concepts.CancerBreast }.Order(), fact.Matches.Keys.Order());
        Assert.Equal("C79.51", fact.Matches[Concepts.BoneMetastasis].Code);
    }

    [Theory]
    [InlineData("active", ClinicalStatus.Active)]
    [InlineData("recurrence", ClinicalStatus.Recurrence)]
    [InlineData("relapse", ClinicalStatus.Relapse)]
    [InlineData("inactive", ClinicalStatus.Inactive)]
    [InlineData("remission", ClinicalStatus.Remission)]
    [InlineData("resolved", ClinicalStatus.Resolved)]
    [InlineData("bogus", ClinicalStatus.Unrecognised)]
    public void MapCondition_ClinicalStatusCodes_Map(string code, ClinicalStatus expected)
    {
        var fact = MapCancer($$""","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"{{code}}"}]}""");

        Assert.Equal(expected, fact.ClinicalStatus);
    }

    [Theory]
    [InlineData("", ClinicalStatus.Absent)]
    [InlineData(""","clinicalStatus":{"text":"Active"}""", ClinicalStatus.Unrecognised)]
    [InlineData(""","clinicalStatus":{"coding":[{"system":"http://example.org/status","code":"active"}]}""", ClinicalStatus.Unrecognised)]
    [InlineData(""","clinicalStatus":{"coding":[{"system":"http://example.org/s","code":"x"},{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"resolved"}]}""", ClinicalStatus.Resolved)]
    public void MapCondition_ClinicalStatusAbsentOrForeign_MapsToAbsentOrUnrecognised(string extra, ClinicalStatus expected) =>
        Assert.Equal(expected, MapCancer(extra).ClinicalStatus);

    [Theory]
    [InlineData("confirmed", VerificationStatus.Confirmed)]
    [InlineData("unconfirmed", VerificationStatus.Unconfirmed)]
    [InlineData("provisional", VerificationStatus.Provisional)]
    [InlineData("differential", VerificationStatus.Differential)]
    [InlineData("refuted", VerificationStatus.Refuted)]
    [InlineData("entered-in-error", VerificationStatus.EnteredInError)]
    [InlineData("maybe", VerificationStatus.Unrecognised)]
    public void MapCondition_VerificationStatusCodes_Map(string code, VerificationStatus expected)
    {
        var fact = MapCancer($$""","verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"{{code}}"}]}""");

        Assert.Equal(expected, fact.VerificationStatus);
    }

    [Fact]
    public void MapCondition_NoVerificationStatus_IsAbsent() =>
        Assert.Equal(VerificationStatus.Absent, MapCancer("").VerificationStatus);

    [Theory]
    [InlineData(""","onsetDateTime":"2024-05-03T10:15:00+02:00" """, "2024-05-03T10:15:00+02:00")]
    [InlineData(""","onsetDateTime":"2024-05-03" """, "2024-05-03T00:00:00Z")]
    [InlineData(""","onsetDateTime":"2024-05" """, "2024-05-01T00:00:00Z")]
    [InlineData(""","onsetDateTime":"2024" """, "2024-01-01T00:00:00Z")]
    [InlineData(""","onsetDateTime":"2024-05-03T10:15:00" """, "2024-05-03T10:15:00Z")]
    [InlineData(""","onsetPeriod":{"start":"2023-11-20","end":"2024-01-01"}""", "2023-11-20T00:00:00Z")]
    public void MapCondition_OnsetForms_TakeStartOfPeriod(string extra, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), MapCancer(extra).Onset);

    [Theory]
    [InlineData(""","onsetAge":{"value":50,"unit":"a"}""")]
    [InlineData(""","onsetString":"childhood" """)]
    [InlineData(""","onsetDateTime":"last spring" """)]
    [InlineData("")]
    public void MapCondition_OnsetNotADate_IsNull(string extra) =>
        Assert.Null(MapCancer(extra).Onset);

    [Fact]
    public void MapCondition_RecordedDate_Maps()
    {
        var fact = MapCancer(""","recordedDate":"2025-02" """);

        Assert.Equal(new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero), fact.Recorded);
    }

    [Theory]
    [InlineData(""","abatementDateTime":"2019-06-30" """, "2019-06-30T00:00:00Z")]
    [InlineData(""","abatementPeriod":{"start":"2018-01-01","end":"2019-07-01"}""", "2019-07-01T00:00:00Z")]
    public void MapCondition_AbatementForms_Map(string extra, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), MapCancer(extra).Abatement);

    [Fact]
    public void MapCondition_AbatementBooleanOrString_IsNull() =>
        Assert.Null(MapCancer(""","abatementBoolean":true""").Abatement);
}
