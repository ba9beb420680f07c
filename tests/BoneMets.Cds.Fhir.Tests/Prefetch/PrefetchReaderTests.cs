using System.Text.Json;
using BoneMets.Cds.Fhir.Prefetch;
using BoneMets.Cds.Fhir.Tests.Support;
using Hl7.Fhir.Model;
using static BoneMets.Cds.Fhir.Tests.Support.Fixtures;

namespace BoneMets.Cds.Fhir.Tests.Prefetch;

/// <summary>cds-hooks.md "Our decisions" 2 and §6.4 P5–P12, one key at a time.</summary>
public sealed class PrefetchReaderTests
{
    private static readonly PrefetchTemplate PatientRead = Templates[PatientDataKey.Patient];
    private static readonly PrefetchTemplate ConditionSearch = Templates[PatientDataKey.Conditions];
    private static readonly PrefetchTemplate LabSearch = Templates[PatientDataKey.Labs];

    private static readonly string Cancer = Condition("c1", Coding(Snomed, "254837009"));

    private static PrefetchResult Read(PrefetchTemplate template, string? json) =>
        PrefetchReader.Read(template, json is null ? null : Json(json), PatientId);

    [Fact]
    public void Read_KeyAbsent_IsNotSatisfied()
    {
        var result = Read(ConditionSearch, null);

        Assert.Equal(PrefetchState.NotSatisfied, result.State);
        Assert.Equal(PrefetchReader.ReasonAbsent, result.Reason);
    }

    [Fact]
    public void Read_P5_JsonNull_IsNoData()
    {
        var result = Read(ConditionSearch, "null");

        Assert.Equal(PrefetchState.NoData, result.State);
        Assert.Empty(result.Resources);
    }

    [Fact]
    public void Read_P5_JsonNullForRead_IsNoData() =>
        Assert.Equal(PrefetchState.NoData, Read(PatientRead, "null").State);

    [Theory]
    [InlineData("""{"resourceType":"Bundle","type":"searchset","total":0}""")]
    [InlineData("""{"resourceType":"Bundle","type":"searchset","entry":[]}""")]
    [InlineData("""{"resourceType":"Bundle","type":"searchset","entry":null}""")]
    public void Read_P6_EmptySearchset_IsNoData(string json) =>
        Assert.Equal(PrefetchState.NoData, Read(ConditionSearch, json).State);

    [Fact]
    public void Read_P7_OperationOutcomeAlone_IsNotSatisfied()
    {
        var result = Read(ConditionSearch, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"timeout"}]}""");

        Assert.Equal(PrefetchState.NotSatisfied, result.State);
        Assert.Equal(PrefetchReader.ReasonOperationOutcome, result.Reason);
    }

    [Fact]
    public void Read_P7_OperationOutcomeForRead_IsNotSatisfied() =>
        Assert.Equal(
            PrefetchReader.ReasonOperationOutcome,
            Read(PatientRead, """{"resourceType":"OperationOutcome","issue":[]}""").Reason);

    [Theory]
    [InlineData("match")]
    [InlineData("outcome")]
    [InlineData("include")]
    public void Read_P7_OperationOutcomeInsideBundle_IsNotSatisfiedWhateverMode(string mode)
    {
        var json = $$"""
            {"resourceType":"Bundle","type":"searchset","entry":[
              {"resource":{{Cancer}},"search":{"mode":"match"} },
              {"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational"}]},"search":{"mode":"{{mode}}"} }]}
            """;

        var result = Read(ConditionSearch, json);

        Assert.Equal(PrefetchState.NotSatisfied, result.State);
        Assert.Equal(PrefetchReader.ReasonOperationOutcomeInBundle, result.Reason);
    }

    [Fact]
    public void Read_P8_ReadHoldsObservation_IsNotSatisfied()
    {
        var result = Read(PatientRead, Observation("o1", Coding(Loinc, "17861-6")));

        Assert.Equal(PrefetchState.NotSatisfied, result.State);
        Assert.Equal(PrefetchReader.ReasonWrongType, result.Reason);
    }

    [Fact]
    public void Read_P8_SearchHoldsPatient_IsNotSatisfied() =>
        Assert.Equal(PrefetchReader.ReasonWrongType, Read(LabSearch, Patient()).Reason);

    [Fact]
    public void Read_P8_ReadHoldsBundleOfPatient_IsNotSatisfied() =>
        Assert.Equal(PrefetchReader.ReasonWrongType, Read(PatientRead, Bundle(Patient())).Reason);

    [Fact]
    public void Read_P8_SearchEntryOfOtherType_IsNotSatisfied()
    {
        var result = Read(LabSearch, Bundle(Observation("o1", Coding(Loinc, "17861-6")), Cancer));

        Assert.Equal(PrefetchState.NotSatisfied, result.State);
        Assert.Equal(PrefetchReader.ReasonEntryWrongType, result.Reason);
    }

    [Theory]
    [InlineData("collection")]
    [InlineData("transaction")]
    [InlineData("batch-response")]
    public void Read_P8_BundleNotSearchset_IsNotSatisfied(string type)
    {
        var json = $$"""{"resourceType":"Bundle","type":"{{type}}","entry":[{"resource":{{Cancer}}}]}""";

        Assert.Equal(PrefetchReader.ReasonNotSearchset, Read(ConditionSearch, json).Reason);
    }

    [Fact]
    public void Read_BundleWithoutType_IsAcceptedAsSearchset()
    {
        var json = $$"""{"resourceType":"Bundle","entry":[{"resource":{{Cancer}}}]}""";

        var result = Read(ConditionSearch, json);

        Assert.Equal(PrefetchState.Satisfied, result.State);
        Assert.Single(result.Resources);
    }

    [Fact]
    public void Read_P9_ReadOfOtherPatient_IsNotSatisfied()
    {
        var result = Read(PatientRead, Patient(id: "someone-else"));

        Assert.Equal(PrefetchState.NotSatisfied, result.State);
        Assert.Equal(PrefetchReader.ReasonWrongId, result.Reason);
        Assert.DoesNotContain("someone-else", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ReadWithoutId_IsNotSatisfied() =>
        Assert.Equal(PrefetchReader.ReasonNoId, Read(PatientRead, """{"resourceType":"Patient"}""").Reason);

    [Theory]
    [InlineData("Patient/p2")]
    [InlineData("https://ehr.example.org/fhir/Patient/p2")]
    [InlineData("Patient/p2/_history/3")]
    [InlineData("Group/g1")]
    public void Read_P9_SearchEntryOfOtherPatient_WholeKeyNotSatisfied(string subject)
    {
        var json = Bundle(Cancer, Condition("c2", Coding(Snomed, "254837009"), subject: subject));

        var result = Read(ConditionSearch, json);

        Assert.Equal(PrefetchState.NotSatisfied, result.State);
        Assert.Equal(PrefetchReader.ReasonOtherPatient, result.Reason);
        Assert.Empty(result.Resources);
    }

    [Fact]
    public void Read_EntryWithOtherPatientInPatientElement_IsNotSatisfied()
    {
        var json = Bundle("""{"resourceType":"Condition","id":"c9","patient":{"reference":"Patient/p2"}}""");

        Assert.Equal(PrefetchReader.ReasonOtherPatient, Read(ConditionSearch, json).Reason);
    }

    [Theory]
    [InlineData("Patient/p1")]
    [InlineData("https://ehr.example.org/fhir/Patient/p1")]
    [InlineData("Patient/p1/_history/2")]
    [InlineData("#contained")]
    [InlineData("urn:uuid:6f1b1c9e-0000-4000-8000-000000000001")]
    public void Read_EntryOfContextPatientOrUncheckable_IsSatisfied(string subject)
    {
        var result = Read(ConditionSearch, Bundle(Condition("c1", Coding(Snomed, "254837009"), subject: subject)));

        Assert.Equal(PrefetchState.Satisfied, result.State);
    }

    [Fact]
    public void Read_EntryWithoutSubjectReference_IsSatisfied()
    {
        var json = Bundle("""{"resourceType":"Condition","id":"c1","subject":{"identifier":{"value":"MRN1"}}}""", """{"resourceType":"Condition","id":"c2"}""");

        Assert.Equal(2, Read(ConditionSearch, json).Resources.Count);
    }

    [Theory]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("[]")]
    public void Read_P12_NotAnObject_IsNotSatisfied(string json)
    {
        var result = Read(ConditionSearch, json);

        Assert.Equal(PrefetchState.NotSatisfied, result.State);
        Assert.Equal(PrefetchReader.ReasonNotObject, result.Reason);
    }

    [Theory]
    [InlineData("""{"id":"p1"}""", PrefetchReader.ReasonNoResourceType)]
    [InlineData("""{"resourceType":5,"id":"p1"}""", PrefetchReader.ReasonNoResourceType)]
    public void Read_NoResourceType_IsNotSatisfied(string json, string reason) =>
        Assert.Equal(reason, Read(PatientRead, json).Reason);

    [Theory]
    [InlineData("""{"resourceType":"Bundle","type":"searchset","entry":{}}""")]
    [InlineData("""{"resourceType":"Bundle","type":"searchset","entry":[42]}""")]
    [InlineData("""{"resourceType":"Bundle","type":"searchset","entry":[{"fullUrl":"x"}]}""")]
    [InlineData("""{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"id":"x"}}]}""")]
    public void Read_MalformedEntry_IsNotSatisfied(string json) =>
        Assert.Equal(PrefetchReader.ReasonEntryMalformed, Read(ConditionSearch, json).Reason);

    [Theory]
    [InlineData("""{"resourceType":"Condition","id":"c1","code":{"coding":[{"system":"http://snomed.info/sct","code":"1"}],"coding":[]}}""", PrefetchReader.ReasonDuplicateProperty)]
    [InlineData("""{"resourceType":"Condition","id":"c1","id":"c2"}""", PrefetchReader.ReasonDuplicateProperty)]
    [InlineData("""{"resourceType":"Condition","id":"c1","onsetDateTime":"2020","onsetString":"x"}""", PrefetchReader.ReasonUnparseable)]
    public void Read_UnparseableEntry_DegradesOnlyThatKey(string badCondition, string reason)
    {
        var conditions = Read(ConditionSearch, Bundle(Cancer, badCondition));
        var labs = Read(LabSearch, Bundle(Calcium("o1", Quantity("10.1", "mg/dL"))));

        Assert.Equal(PrefetchState.NotSatisfied, conditions.State);
        Assert.Equal(reason, conditions.Reason);
        Assert.Equal(PrefetchState.Satisfied, labs.State);
    }

    [Fact]
    public void Read_UnknownElementsAndBadPrimitives_StillParse()
    {
        var odd = """{"resourceType":"Condition","id":"c1","futureElement":{"x":1},"recordedDate":"yesterday","code":{"coding":[{"system":"http://snomed.info/sct","code":"254837009"}]}}""";

        var result = Read(ConditionSearch, Bundle(odd));

        Assert.Equal(PrefetchState.Satisfied, result.State);
    }

    [Fact]
    public void Read_SearchsetOfMatches_ParsesResourcesInOrder()
    {
        var result = Read(ConditionSearch, Bundle(Cancer, Condition("c2", Coding(Snomed, "94222008"))));

        Assert.Equal(PrefetchState.Satisfied, result.State);
        Assert.Equal(["c1", "c2"], result.Resources.Select(r => r.Id));
        Assert.All(result.Resources, r => Assert.IsType<Condition>(r));
        Assert.False(result.IsPartial);
    }

    [Fact]
    public void Read_IncludedEntriesOfOtherTypeOrPatient_AreSkipped()
    {
        var json = $$"""
            {"resourceType":"Bundle","type":"searchset","entry":[
              {"resource":{{Cancer}},"search":{"mode":"match"} },
              {"resource":{{Patient(id: "p2")}},"search":{"mode":"include"} }]}
            """;

        var result = Read(ConditionSearch, json);

        Assert.Equal(PrefetchState.Satisfied, result.State);
        Assert.Equal(["c1"], result.Resources.Select(r => r.Id));
    }

    [Fact]
    public void Read_OnlyIncludedEntries_IsNoData()
    {
        var json = $$"""{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{{Patient()}},"search":{"mode":"include"} }]}""";

        Assert.Equal(PrefetchState.NoData, Read(ConditionSearch, json).State);
    }

    [Fact]
    public void Read_P10_PagedSearchset_SatisfiedWithFirstPageAndNextLink()
    {
        var json = $$"""
            {"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"https://ehr/fhir/Condition?patient=p1"},
              {"relation":"next","url":"https://ehr/fhir/Condition?patient=p1&page=2"}],
             "entry":[{"resource":{{Cancer}}}]}
            """;

        var result = Read(ConditionSearch, json);

        Assert.Equal(PrefetchState.Satisfied, result.State);
        Assert.True(result.IsPartial);
        Assert.Equal("https://ehr/fhir/Condition?patient=p1&page=2", result.NextLink);
        Assert.Single(result.Resources);
    }

    [Fact]
    public void Read_PatientOfContext_IsSatisfied()
    {
        var result = Read(PatientRead, Patient(extra: ""","birthDate":"1960-04-02" """));

        Assert.Equal(PrefetchState.Satisfied, result.State);
        Assert.Equal(PatientId, Assert.IsType<Patient>(Assert.Single(result.Resources)).Id);
    }

    [Fact]
    public void Read_Reasons_NeverContainPatientData()
    {
        var secret = "SECRET-MRN-123";
        var inputs = new[]
        {
            Patient(id: secret),
            Bundle(Condition(secret, Coding(Snomed, "1"), subject: "Patient/" + secret)),
            $$"""{"resourceType":"{{secret}}"}""",
            Bundle($$"""{"resourceType":"Condition","id":"{{secret}}","id":"{{secret}}"}"""),
        };

        foreach (var json in inputs)
        {
            var result = Read(json.Contains("Bundle", StringComparison.Ordinal) ? ConditionSearch : PatientRead, json);
            Assert.Equal(PrefetchState.NotSatisfied, result.State);
            Assert.DoesNotContain(secret, result.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PatientIdOf_ReferenceForms_AreSplit()
    {
        Assert.Equal((true, "p1"), PrefetchReader.PatientIdOf("Patient/p1"));
        Assert.Equal((true, "p1"), PrefetchReader.PatientIdOf("http://x/fhir/Patient/p1/_history/9"));
        Assert.Equal((true, (string?)null), PrefetchReader.PatientIdOf("Group/1"));
        Assert.Equal((false, (string?)null), PrefetchReader.PatientIdOf("#p"));
        Assert.Equal((false, (string?)null), PrefetchReader.PatientIdOf("p1"));
    }

    [Fact]
    public void Read_ValueFromLargerDocument_ParsesWithoutCopyingTheDocument()
    {
        // The prefetch values arrive as properties of one request document.
        using var request = JsonDocument.Parse($$"""{"prefetch":{"conditions":{{Bundle(Cancer)}},"extra":42} }""");
        var value = request.RootElement.GetProperty("prefetch").GetProperty("conditions");

        var result = PrefetchReader.Read(ConditionSearch, value, PatientId);

        Assert.Equal(PrefetchState.Satisfied, result.State);
    }
    [Fact]
    public void Read_WithCatalog_IrrelevantEntriesAreNotMaterialised()
    {
        var glucose = Condition("c2", Coding("http://loinc.org", "2345-7"));
        var local = Condition("c3", Coding("http://example.org/local", "254837009"));
        var json = Bundle(Cancer, glucose, local);

        var result = PrefetchReader.Read(ConditionSearch, Json(json), PatientId, Catalog);

        Assert.Equal(PrefetchState.Satisfied, result.State);
        Assert.Equal("c1", Assert.Single(result.Resources).Id);
    }

    [Fact]
    public void Read_WithCatalog_IrrelevantEntryOfOtherPatientStillSpoilsTheKey()
    {
        var json = Bundle(Cancer, Condition("c2", Coding("http://loinc.org", "2345-7"), subject: "Patient/p2"));

        var result = PrefetchReader.Read(ConditionSearch, Json(json), PatientId, Catalog);

        Assert.Equal(PrefetchState.NotSatisfied, result.State);
        Assert.Equal(PrefetchReader.ReasonOtherPatient, result.Reason);
    }

    [Fact]
    public void Read_WithCatalog_OnlyIrrelevantEntries_IsSatisfiedWithNothingToUse()
    {
        var json = Bundle(Condition("c2", Coding("http://loinc.org", "2345-7")));

        var result = PrefetchReader.Read(ConditionSearch, Json(json), PatientId, Catalog);

        Assert.Equal(PrefetchState.NoData, result.State);
    }
    [Theory]
    // entry time, expected to be materialised (cut-off 2026-10-23T12:00Z)
    [InlineData("\"effectiveDateTime\":\"2026-10-23T12:00:00Z\"", true)]   // at the cut-off
    [InlineData("\"effectiveDateTime\":\"2026-10-23T11:59:00Z\"", false)]  // just before
    [InlineData("\"effectiveDateTime\":\"2021-03-01\"", false)]            // partial date, long ago
    [InlineData("\"effectivePeriod\":{\"end\":\"2020-01-01T00:00:00Z\"}", false)]
    [InlineData("\"issued\":\"2026-11-28T08:00:00+01:00\"", true)]
    [InlineData("\"effectiveDateTime\":\"not a date\"", true)]             // unreadable time: kept
    [InlineData("\"valueString\":\"n/a\"", true)]                           // no time at all: kept
    public void Read_LabHorizon_OldLabResultsAreNotMaterialised(string timeJson, bool kept)
    {
        var cutoff = new DateTimeOffset(2026, 10, 23, 12, 0, 0, TimeSpan.Zero);
        var lab = Observation("o1", Coding(Loinc, "17861-6"), "," + timeJson);

        var result = PrefetchReader.Read(LabSearch, Json(Bundle(lab)), PatientId, Catalog, cutoff);

        Assert.Equal(kept ? 1 : 0, result.Resources.Count);
    }

    [Theory]
    [InlineData("2857-1")]    // PSA is shown at any date
    public void Read_LabHorizon_PsaIsExempt(string loinc)
    {
        var old = Observation("o1", Coding(Loinc, loinc), ",\"effectiveDateTime\":\"2019-01-01T00:00:00Z\"");

        var result = PrefetchReader.Read(LabSearch, Json(Bundle(old)), PatientId, Catalog, new DateTimeOffset(2026, 10, 23, 0, 0, 0, TimeSpan.Zero));

        Assert.Single(result.Resources);
    }

    [Fact]
    public void Read_LabHorizon_OldSymptomObservationIsKept()
    {
        // Only laboratory results are cut by time here; symptom windows are applied by the rules.
        var symptom = Observation("o1", Coding(Snomed, "161891005"), ",\"effectiveDateTime\":\"2019-01-01T00:00:00Z\"");

        var result = PrefetchReader.Read(LabSearch, Json(Bundle(symptom)), PatientId, Catalog, new DateTimeOffset(2026, 10, 23, 0, 0, 0, TimeSpan.Zero));

        Assert.Single(result.Resources);
    }

    // The judging pass reads JSON strings as stack characters when they are short and unescaped, and as strings
    // otherwise: both forms must give the same answer.

    [Theory]
    [InlineData("http:\\/\\/snomed.info\\/sct", "254837009")]          // escaped system
    [InlineData("http://snomed.info/sct", "\\u0032\\u0035\\u0034837009")] // escaped code
    public void Read_WithCatalog_EscapedCodingStrings_StillMatch(string system, string code)
    {
        var json = Bundle(Condition("c1", Coding(system, code)));

        var result = PrefetchReader.Read(ConditionSearch, Json(json), PatientId, Catalog);

        Assert.Equal("c1", Assert.Single(result.Resources).Id);
    }

    [Theory]
    [InlineData("Patient\\/p2", PrefetchState.NotSatisfied)]
    [InlineData("Patient\\/p1", PrefetchState.Satisfied)]
    [InlineData("Patient/p\\u0032", PrefetchState.NotSatisfied)]
    public void Read_EscapedSubjectReference_IsJudgedOnItsText(string subject, PrefetchState expected)
    {
        var json = Bundle(Condition("c1", Coding(Snomed, "254837009"), subject: subject));

        Assert.Equal(expected, PrefetchReader.Read(ConditionSearch, Json(json), PatientId, Catalog).State);
    }

    [Theory]
    [InlineData("p2", PrefetchState.NotSatisfied)]
    [InlineData(PatientId, PrefetchState.Satisfied)]
    public void Read_VeryLongAbsoluteSubjectReference_IsJudgedOnItsText(string target, PrefetchState expected)
    {
        var subject = "https://ehr.example.org/" + new string('a', 600) + "/fhir/Patient/" + target;
        var json = Bundle(Condition("c1", Coding(Snomed, "254837009"), subject: subject));

        Assert.Equal(expected, PrefetchReader.Read(ConditionSearch, Json(json), PatientId, Catalog).State);
    }

    [Fact]
    public void Read_LabHorizon_EscapedOrLongTimes_AreReadLikeOthers()
    {
        var cutoff = new DateTimeOffset(2026, 10, 23, 12, 0, 0, TimeSpan.Zero);
        var escapedOld = Observation("o1", Coding(Loinc, "17861-6"), ",\"effectiveDateTime\":\"2021\\u002d03-01T00:00:00Z\"");
        var longJunk = Observation("o2", Coding(Loinc, "17861-6"), ",\"effectiveDateTime\":\"" + new string('9', 400) + "\"");

        var result = PrefetchReader.Read(LabSearch, Json(Bundle(escapedOld, longJunk)), PatientId, Catalog, cutoff);

        Assert.Equal("o2", Assert.Single(result.Resources).Id); // old one cut; unreadable one kept
    }

    [Theory]
    [InlineData("Patient/p1", true, "p1")]
    [InlineData(" Patient/p1/ ", true, "p1")]
    [InlineData("a//p1", true, null)]
    [InlineData("/p1", true, null)]
    [InlineData("Patient/", false, null)]
    [InlineData("/", false, null)]
    [InlineData("   ", false, null)]
    [InlineData("URN:uuid:1", false, null)]
    [InlineData("http://x/Patient/p1/_history/", true, "p1")]
    public void PatientIdOf_EdgeForms(string reference, bool checkable, string? id) =>
        Assert.Equal((checkable, id), PrefetchReader.PatientIdOf(reference));

    // Duplicate names (the endpoint parses with them allowed): wherever the reader looks, the key is not satisfied.

    [Theory]
    [InlineData("""{"resourceType":"Bundle","type":"searchset","type":"searchset","entry":[]}""")]
    [InlineData("""{"resourceType":"Bundle","link":[{"relation":"next","relation":"self","url":"u"}],"entry":[]}""")]
    public void Read_DuplicateInBundleOrLinks_IsNotSatisfied(string json) =>
        Assert.Equal(PrefetchReader.ReasonDuplicateProperty, PrefetchReader.Read(ConditionSearch, Json(json), PatientId, Catalog).Reason);

    [Theory]
    [InlineData("""{"search":{"mode":"match"},"search":{"mode":"include"},"resource":RES}""")]                    // entry
    [InlineData("""{"search":{"mode":"include","mode":"match"},"resource":RES}""")]                                 // search
    [InlineData("""{"resource":{"resourceType":"Condition","id":"c9","id":"c8","code":{"coding":[GLU]}}}""")]      // resource top level
    [InlineData("""{"resource":{"resourceType":"Condition","id":"c9","subject":{"reference":"Patient/p2","reference":"Patient/p1"},"code":{"coding":[GLU]}}}""")]
    [InlineData("""{"resource":{"resourceType":"Condition","id":"c9","code":{"coding":[{"system":"http://snomed.info/sct","code":"254837009","code":"1"}]}}}""")]
    public void Read_DuplicateWhereEntriesAreJudged_IsNotSatisfied(string entry)
    {
        const string Glucose = """{"system":"http://loinc.org","code":"2345-7"}""";
        var resource = Condition("c9", Glucose);
        var json = $$"""{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{{Cancer}}},{{entry.Replace("RES", resource, StringComparison.Ordinal).Replace("GLU", Glucose, StringComparison.Ordinal)}}]}""";

        var result = PrefetchReader.Read(ConditionSearch, Json(json), PatientId, Catalog);

        Assert.Equal(PrefetchState.NotSatisfied, result.State);
        Assert.Equal(PrefetchReader.ReasonDuplicateProperty, result.Reason);
    }

    [Fact]
    public void Read_DuplicateAnywhereInAParsedResource_IsNotSatisfied()
    {
        var lab = Calcium("o1", """{"value":10.1,"value":12.9,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}""");

        var result = PrefetchReader.Read(LabSearch, Json(Bundle(lab)), PatientId, Catalog);

        Assert.Equal(PrefetchReader.ReasonDuplicateProperty, result.Reason);
    }

    [Fact]
    public void Read_DuplicateInAReadResource_IsNotSatisfied() =>
        Assert.Equal(PrefetchReader.ReasonDuplicateProperty,
            Read(PatientRead, """{"resourceType":"Patient","id":"p1","name":[{"family":"A","family":"B"}]}""").Reason);

    [Fact]
    public void Read_DuplicateInAnUnjudgedPartOfAnIgnoredEntry_IsNotSearched()
    {
        // Neither judged (only code, subject, dates) nor parsed: it cannot change any answer.
        var glucose = Condition("c2", Coding("http://loinc.org", "2345-7"), extra: ""","note":[{"text":"a","text":"b"}]""");

        var result = PrefetchReader.Read(ConditionSearch, Json(Bundle(Cancer, glucose)), PatientId, Catalog);

        Assert.Equal(PrefetchState.Satisfied, result.State);
        Assert.Equal("c1", Assert.Single(result.Resources).Id);
    }
}
