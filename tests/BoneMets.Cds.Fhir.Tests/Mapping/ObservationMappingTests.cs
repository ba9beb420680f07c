using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Fhir.Mapping;
using Hl7.Fhir.Model;
using Measure = BoneMets.Cds.Domain.Facts.Measure;
using static BoneMets.Cds.Fhir.Tests.Support.Fixtures;

namespace BoneMets.Cds.Fhir.Tests.Mapping;

public sealed class ObservationMappingTests
{
    private static (List<LabResult> Labs, List<ObservationFinding> Findings) Map(string json)
    {
        var labs = new List<LabResult>();
        var findings = new List<ObservationFinding>();
        FactsMapper.MapObservation(Parse<Observation>(json), Catalog, labs, findings);
        return (labs, findings);
    }

    private static LabResult? Lab(string json) => Map(json).Labs.SingleOrDefault();

    private static string Lab(string loinc, string quantity, string extra = "") =>
        Observation("o1", Coding(Loinc, loinc), $",\"effectiveDateTime\":\"2025-03-01T08:00:00Z\",\"valueQuantity\":{quantity}{extra}");

    [Fact]
    public void MapObservation_CalciumInUcumMgDl_MapsAllFields()
    {
        var lab = Lab(Calcium("o1", Quantity("10.4", "mg/dL", unit: "mg/dl"),
            extra: ""","referenceRange":[{"low":{"value":8.5,"system":"http://unitsofmeasure.org","code":"mg/dL"},"high":{"value":10.2,"system":"http://unitsofmeasure.org","code":"mg/dL"}}]"""));

        Assert.NotNull(lab);
        Assert.Equal("o1", lab.Id);
        Assert.Equal(Concepts.LabCalciumTotal, lab.Analyte);
        Assert.Equal(new CodeRef(Loinc, "17861-6", null), lab.Code);
        Assert.Equal(ResultStatus.Final, lab.Status);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero), lab.Time);
        Assert.Equal(10.4m, lab.Value);
        Assert.Equal(LabUnit.MgPerDl, lab.Unit);
        Assert.Equal(new Measure(10.2m, LabUnit.MgPerDl), lab.ReferenceHigh);
        Assert.Equal(new Measure(8.5m, LabUnit.MgPerDl), lab.ReferenceLow);
    }

    [Theory]
    [InlineData("17861-6", "mg/dL", LabUnit.MgPerDl)]
    [InlineData("2000-8", "mmol/L", LabUnit.MmolPerL)]
    [InlineData("2000-8", "meq/L", LabUnit.MeqPerL)]
    [InlineData("2000-8", "mEq/L", LabUnit.MeqPerL)]
    [InlineData("1751-7", "g/dL", LabUnit.GPerDl)]
    [InlineData("1751-7", "g/L", LabUnit.GPerL)]
    [InlineData("6768-6", "U/L", LabUnit.UPerL)]
    [InlineData("6768-6", "[IU]/L", LabUnit.UPerL)]
    [InlineData("6768-6", "ukat/L", LabUnit.UkatPerL)]
    [InlineData("1777-2", "ug/L", LabUnit.UgPerL)]
    [InlineData("2857-1", "ng/mL", LabUnit.NgPerMl)]
    [InlineData("2857-1", "ug/L", LabUnit.UgPerL)]
    [InlineData("14115-0", "nmol{BCE}/mmol{creat}", LabUnit.NmolPerMmol)]
    [InlineData("14115-0", "nmol/mmol", LabUnit.NmolPerMmol)]
    [InlineData("14115-0", "nmol/L", LabUnit.NmolPerL)]
    public void MapObservation_AcceptedUcumCode_KeepsValueAndUnit(string loinc, string ucum, LabUnit unit)
    {
        var lab = Lab(Lab(loinc, Quantity("3.25", ucum)));

        Assert.NotNull(lab);
        Assert.Equal(3.25m, lab.Value);
        Assert.Equal(unit, lab.Unit);
    }

    [Theory]
    [InlineData("17861-6", "mg/L", "104", 10.4, LabUnit.MgPerDl)]
    [InlineData("2000-8", "umol/L", "2500", 2.5, LabUnit.MmolPerL)]
    [InlineData("1751-7", "mg/dL", "4100", 41, LabUnit.GPerL)]
    [InlineData("6768-6", "nkat/L", "1500", 90, LabUnit.UPerL)]
    [InlineData("6768-6", "kU/L", "0.12", 120, LabUnit.UPerL)]
    [InlineData("2857-1", "ug/dL", "0.4", 4, LabUnit.NgPerMl)]
    [InlineData("14115-0", "umol/mol", "35", 35, LabUnit.NmolPerMmol)]
    public void MapObservation_ConvertibleUcumCode_ConvertsValue(string loinc, string ucum, string value, double expected, LabUnit unit)
    {
        var lab = Lab(Lab(loinc, Quantity(value, ucum)));

        Assert.NotNull(lab);
        Assert.Equal((decimal)expected, lab.Value);
        Assert.Equal(unit, lab.Unit);
    }

    [Theory]
    [InlineData("mg/dl")]
    [InlineData("MG/DL")]
    [InlineData(" mg / dL ")]
    public void MapObservation_NonUcumSystem_UsesUnitCaseInsensitively(string unit)
    {
        var lab = Lab(Calcium("o1", Quantity("9.9", code: "MGDL", unit: unit, system: "http://example.org/units")));

        Assert.NotNull(lab);
        Assert.Equal(LabUnit.MgPerDl, lab.Unit);
    }

    [Fact]
    public void MapObservation_NoSystem_UsesUnitText()
    {
        var lab = Lab(Calcium("o1", Quantity("2.6", code: null, unit: "mmol/l", system: null)));

        Assert.Equal(LabUnit.MmolPerL, lab?.Unit);
    }

    [Fact]
    public void MapObservation_OidUcumSystemAlias_UsesCode()
    {
        // No OID alias for UCUM is defined; the canonical URI with a trailing slash is.
        var lab = Lab(Calcium("o1", Quantity("10.4", "mg/dL", unit: "weird", system: "http://unitsofmeasure.org/")));

        Assert.Equal(LabUnit.MgPerDl, lab?.Unit);
    }

    [Theory]
    [InlineData("""{"value":3.1}""")]
    [InlineData("""{"value":3.1,"system":"http://unitsofmeasure.org"}""")]
    [InlineData("""{"value":3.1,"unit":""}""")]
    [InlineData("""{"value":3.1,"system":"http://unitsofmeasure.org","code":"mmol"}""")]
    [InlineData("""{"value":3.1,"unit":"mg%"}""")]
    [InlineData("""{"value":3.1,"system":"http://unitsofmeasure.org","code":"g"}""")]
    [InlineData("""{"value":3.1,"system":"http://unitsofmeasure.org","code":"%"}""")]
    [InlineData("""{"value":"3.1","system":"http://unitsofmeasure.org","code":"mg/dL"}""")]
    [InlineData("""{"system":"http://unitsofmeasure.org","code":"mg/dL"}""")]
    [InlineData("""{"value":3.1,"comparator":"ad","system":"http://unitsofmeasure.org","code":"mg/dL"}""")]
    public void MapObservation_NoDeterminableUnitOrValue_IsIgnored(string quantity) =>
        Assert.Null(Lab(Calcium("o1", quantity)));

    [Theory]
    [InlineData(">", 15.0, LabBound.AtLeast)]
    [InlineData(">=", 15.0, LabBound.AtLeast)]
    [InlineData("<", 2.0, LabBound.AtMost)]
    [InlineData("<=", 2.0, LabBound.AtMost)]
    public void MapObservation_Comparator_IsMappedAsABound(string comparator, double value, LabBound bound)
    {
        var lab = Lab(Calcium("o1", $$"""{"value":{{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"comparator":"{{comparator}}","system":"http://unitsofmeasure.org","code":"mg/dL"}"""));

        Assert.NotNull(lab);
        Assert.Equal(bound, lab.Bound);
        Assert.Equal((decimal)value, lab.Value);
    }

    [Fact]
    public void MapObservation_NoComparator_IsExact() =>
        Assert.Equal(LabBound.Exact, Lab(Calcium("o1", """{"value":9.5,"system":"http://unitsofmeasure.org","code":"mg/dL"}"""))!.Bound);

    [Theory]
    [InlineData("17861-6", "mmol/L", LabUnit.MmolPerL)]
    [InlineData("2000-8", "mg/dL", LabUnit.MgPerDl)]
    public void MapObservation_CalciumMassVersusMoles_KeptAsReportedNotConverted(string loinc, string ucum, LabUnit unit) =>
        Assert.Equal(unit, Lab(Lab(loinc, Quantity("2.6", ucum)))?.Unit);

    [Theory]
    [InlineData("mmol/L", 2.6, LabUnit.MmolPerL)]
    [InlineData("umol/L", 0.0026, LabUnit.MmolPerL)]
    [InlineData("meq/L", 2.6, LabUnit.MeqPerL)]
    [InlineData("ueq/L", 0.0026, LabUnit.MeqPerL)]
    public void MapObservation_CalciumMolesAndEquivalents_NeverInterconverted(string ucum, double expected, LabUnit unit)
    {
        // UCUM says eq = mol; for calcium 1 mmol/L = 2 mEq/L, so a UCUM "conversion" between them would be wrong.
        var lab = Lab(Lab("2000-8", Quantity("2.6", ucum)));

        Assert.NotNull(lab);
        Assert.Equal(unit, lab.Unit);
        Assert.Equal((decimal)expected, lab.Value);
    }

    [Theory]
    [InlineData("1751-7", "mmol/L")]
    [InlineData("2857-1", "U/L")]
    [InlineData("6768-6", "mg/dL")]
    [InlineData("14115-0", "%")]
    [InlineData("1751-7", "umol/L")]
    public void MapObservation_UnitOfWrongKindForAnalyte_IsIgnored(string loinc, string ucum) =>
        Assert.Null(Lab(Lab(loinc, Quantity("5", ucum))));

    [Fact]
    public void MapObservation_ValueNotQuantity_IsIgnored() =>
        Assert.Empty(Map(Observation("o1", Coding(Loinc, "17861-6"), ""","valueString":"10.4 mg/dL" """)).Labs);

    [Theory]
    [InlineData("final", ResultStatus.Final)]
    [InlineData("amended", ResultStatus.Amended)]
    [InlineData("corrected", ResultStatus.Corrected)]
    [InlineData("preliminary", ResultStatus.Preliminary)]
    [InlineData("registered", ResultStatus.Registered)]
    [InlineData("cancelled", ResultStatus.Cancelled)]
    [InlineData("entered-in-error", ResultStatus.EnteredInError)]
    [InlineData("unknown", ResultStatus.Unknown)]
    [InlineData("bogus", ResultStatus.Unknown)]
    public void MapObservation_Statuses_Map(string status, ResultStatus expected)
    {
        var json = Observation("o1", Coding(Loinc, "17861-6"), ""","valueQuantity":{"value":9,"system":"http://unitsofmeasure.org","code":"mg/dL"}""", status: status);

        Assert.Equal(expected, Lab(json)?.Status);
    }

    [Fact]
    public void MapObservation_MalformedStatus_IsUnknownNotAnError()
    {
        var json = """{"resourceType":"Observation","id":"o1","status":5,"code":{"coding":[{"system":"http://loinc.org","code":"17861-6"}]},"valueQuantity":{"value":9,"system":"http://unitsofmeasure.org","code":"mg/dL"}}""";

        Assert.Equal(ResultStatus.Unknown, Lab(json)?.Status);
    }

    [Theory]
    [InlineData(""","effectiveDateTime":"2025-03-01T08:00:00-05:00","issued":"2025-03-02T00:00:00Z" """, "2025-03-01T08:00:00-05:00")]
    [InlineData(""","effectiveDateTime":"2025-03","issued":"2025-03-20T00:00:00Z" """, "2025-03-01T00:00:00Z")]
    [InlineData(""","effectivePeriod":{"start":"2025-02-27T00:00:00Z","end":"2025-02-28T06:00:00Z"},"issued":"2025-03-02T00:00:00Z" """, "2025-02-28T06:00:00Z")]
    [InlineData(""","effectivePeriod":{"start":"2025-02-27T00:00:00Z"},"issued":"2025-03-02T00:00:00Z" """, "2025-03-02T00:00:00Z")]
    [InlineData(""","effectiveInstant":"2025-02-27T10:00:00Z" """, "2025-02-27T10:00:00Z")]
    [InlineData(""","issued":"2025-03-02T09:30:00.123Z" """, "2025-03-02T09:30:00.123Z")]
    [InlineData(""","effectiveDateTime":"not a date","issued":"2025-03-02T00:00:00Z" """, "2025-03-02T00:00:00Z")]
    public void MapObservation_TimeForms_EffectiveThenPeriodEndThenIssued(string extra, string expected)
    {
        var json = Observation("o1", Coding(Loinc, "17861-6"), extra + ""","valueQuantity":{"value":9,"system":"http://unitsofmeasure.org","code":"mg/dL"}""");

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Lab(json)?.Time);
    }

    [Fact]
    public void MapObservation_NoTimeAtAll_TimeIsNull()
    {
        var json = Observation("o1", Coding(Loinc, "17861-6"), ""","valueQuantity":{"value":9,"system":"http://unitsofmeasure.org","code":"mg/dL"}""");

        Assert.Null(Lab(json)?.Time);
    }

    [Fact]
    public void MapObservation_ReferenceRangeInOwnUnit_ConvertedSeparately()
    {
        var lab = Lab(Lab("6768-6", Quantity("150", "U/L"),
            ""","referenceRange":[{"high":{"value":2.1,"system":"http://unitsofmeasure.org","code":"ukat/L"},"low":{"value":40,"unit":"mg/dL"}}]"""));

        Assert.NotNull(lab);
        Assert.Equal(new Measure(2.1m, LabUnit.UkatPerL), lab.ReferenceHigh);
        Assert.Null(lab.ReferenceLow); // mg/dL is not an enzyme unit
    }

    [Fact]
    public void MapObservation_ReferenceRangeConvertible_IsConverted()
    {
        var lab = Lab(Calcium("o1", Quantity("10.4", "mg/dL"),
            extra: ""","referenceRange":[{"high":{"value":102,"system":"http://unitsofmeasure.org","code":"mg/L"}}]"""));

        Assert.Equal(new Measure(10.2m, LabUnit.MgPerDl), lab?.ReferenceHigh);
    }

    [Fact]
    public void MapObservation_ReferenceRangeWithoutUnit_IsNull()
    {
        var lab = Lab(Calcium("o1", Quantity("10.4", "mg/dL"), extra: ""","referenceRange":[{"high":{"value":10.2}}]"""));

        Assert.NotNull(lab);
        Assert.Null(lab.ReferenceHigh);
    }

    [Fact]
    public void MapObservation_LocalOrTextOnlyCode_IsNotALab()
    {
        var local = Observation("o1", """{"system":"http://lab.example.org/codes","code":"CA","display":"Calcium"}""", ""","valueQuantity":{"value":9,"system":"http://unitsofmeasure.org","code":"mg/dL"}""");
        var text = """{"resourceType":"Observation","id":"o2","status":"final","code":{"text":"Calcium 17861-6"},"valueQuantity":{"value":9,"system":"http://unitsofmeasure.org","code":"mg/dL"}}""";

        Assert.Empty(Map(local).Labs);
        Assert.Empty(Map(text).Labs);
    }

    [Fact]
    public void MapObservation_OidLoincSystem_Matches() =>
        Assert.NotNull(Lab(Observation("o1", Coding("urn:oid:2.16.840.1.113883.6.1", "17861-6"), ""","valueQuantity":{"value":9,"system":"http://unitsofmeasure.org","code":"mg/dL"}""")));

    [Theory]
    [InlineData(""","valueBoolean":true""", Presence.Present)]
    [InlineData(""","valueBoolean":false""", Presence.Absent)]
    [InlineData("", Presence.Present)]
    [InlineData(""","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"373066001"}]}""", Presence.Present)]
    [InlineData(""","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"52101004"}]}""", Presence.Present)]
    [InlineData(""","valueCodeableConcept":{"coding":[{"system":"urn:oid:2.16.840.1.113883.6.96","code":"373067005"}]}""", Presence.Absent)]
    [InlineData(""","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"2667000"}]}""", Presence.Absent)]
    [InlineData(""","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"373066001"},{"system":"http://snomed.info/sct","code":"373067005"}]}""", Presence.Indeterminate)]
    [InlineData(""","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"261665006"}]}""", Presence.Indeterminate)]
    [InlineData(""","valueCodeableConcept":{"coding":[{"system":"http://example.org/answers","code":"373066001"}],"text":"Yes"}""", Presence.Indeterminate)]
    [InlineData(""","valueString":"yes" """, Presence.Indeterminate)]
    [InlineData(""","valueInteger":7""", Presence.Indeterminate)]
    [InlineData(""","valueBoolean":"yes" """, Presence.Indeterminate)]
    [InlineData(""","dataAbsentReason":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/data-absent-reason","code":"asked-declined"}]}""", Presence.Indeterminate)]
    public void MapObservation_SymptomValues_MapToPresence(string extra, Presence expected)
    {
        var (labs, findings) = Map(Observation("s1", Coding(Snomed, "161891005", "Backache"), extra + ""","effectiveDateTime":"2025-03-03" """));

        Assert.Empty(labs);
        var finding = Assert.Single(findings);
        Assert.Equal(expected, finding.Presence);
        Assert.Equal([Concepts.SymptomSpinalPain], finding.Matches.Keys);
        Assert.Equal(new DateTimeOffset(2025, 3, 3, 0, 0, 0, TimeSpan.Zero), finding.Time);
        Assert.Equal(ResultStatus.Final, finding.Status);
    }

    [Fact]
    public void MapObservation_UnrelatedCode_MapsNothing()
    {
        var (labs, findings) = Map(Observation("o1", Coding(Loinc, "718-7"), ""","valueQuantity":{"value":13,"system":"http://unitsofmeasure.org","code":"g/dL"}"""));

        Assert.Empty(labs);
        Assert.Empty(findings);
    }

    [Fact]
    public void MapObservation_ConditionConceptOnObservation_IsNotAFinding()
    {
        var (labs, findings) = Map(Observation("o1", Coding(Snomed, "254837009")));

        Assert.Empty(labs);
        Assert.Empty(findings);
    }

    [Fact]
    public void MapObservation_CodedAsTwoSymptomGroups_OneFindingWithBothConcepts()
    {
        var (_, findings) = Map(Observation("s1", Coding(Snomed, "161891005") + "," + Coding(Snomed, "26544005")));

        var finding = Assert.Single(findings);
        Assert.Equal(new[] { Concepts.SymptomNeuroRedFlag, Concepts.SymptomSpinalPain }.Order(), finding.Matches.Keys.Order());
    }
}
