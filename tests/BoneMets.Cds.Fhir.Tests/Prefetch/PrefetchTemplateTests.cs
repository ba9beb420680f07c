using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Fhir.Prefetch;
using BoneMets.Cds.Fhir.Tests.Support;

namespace BoneMets.Cds.Fhir.Tests.Prefetch;

public sealed class PrefetchTemplateTests
{
    [Fact]
    public void Parse_InstanceRead_IsReadOfType()
    {
        var t = PrefetchTemplate.Parse("patient", "Patient/{{context.patientId}}");

        Assert.Equal(PrefetchKind.Read, t.Kind);
        Assert.Equal("Patient", t.ResourceType);
        Assert.Equal("abc", t.ExpectedReadId("abc"));
    }

    [Theory]
    [InlineData("Observation?patient={{context.patientId}}&category=laboratory", "Observation")]
    [InlineData("Condition?patient={{context.patientId}}", "Condition")]
    [InlineData("  ServiceRequest?patient={{context.patientId}}&status=active,completed ", "ServiceRequest")]
    [InlineData("DiagnosticReport", "DiagnosticReport")]
    public void Parse_TypeSearch_IsSearchOfType(string template, string type)
    {
        var t = PrefetchTemplate.Parse("k", template);

        Assert.Equal(PrefetchKind.Search, t.Kind);
        Assert.Equal(type, t.ResourceType);
        Assert.Null(t.ExpectedReadId("p1"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bogus?patient={{context.patientId}}")]
    [InlineData("https://ehr.example.org/fhir/Patient/{{context.patientId}}")]
    [InlineData("/Patient/{{context.patientId}}")]
    [InlineData("Patient/{{context.patientId}}/_history/1")]
    [InlineData("Patient/{{context.patientId}}?x=1")]
    [InlineData("Patient/")]
    public void Parse_Malformed_ThrowsFormatException(string template) =>
        Assert.Throws<FormatException>(() => PrefetchTemplate.Parse("k", template));

    [Fact]
    public void Resolve_PatientIdToken_IsFilledAndEscaped()
    {
        var t = PrefetchTemplate.Parse("conditions", "Condition?patient={{context.patientId}}");

        Assert.Equal("Condition?patient=a%2Fb", t.Resolve("a/b"));
    }

    [Fact]
    public void ExpectedReadId_OtherToken_IsNotCheckable()
    {
        var t = PrefetchTemplate.Parse("encounter", "Encounter/{{context.encounterId}}");

        Assert.Null(t.ExpectedReadId("p1"));
    }

    [Fact]
    public void PatientDataTemplatesCreate_ServiceTemplates_MapsAllSixKeys()
    {
        var t = Fixtures.Templates;

        Assert.Equal("patient", t[PatientDataKey.Patient].Key);
        Assert.Equal(PrefetchKind.Read, t[PatientDataKey.Patient].Kind);
        Assert.Equal("ServiceRequest", t[PatientDataKey.Orders].ResourceType);
        Assert.True(PatientDataTemplates.IsRequired(PatientDataKey.Conditions));
        Assert.False(PatientDataTemplates.IsRequired(PatientDataKey.Labs));
    }

    [Theory]
    [InlineData("labs", null, "prefetch key 'labs' is missing")]
    [InlineData("labs", "Condition?patient={{context.patientId}}", "must be a search of Observation")]
    [InlineData("patient", "Patient?_id={{context.patientId}}", "must be a read of Patient")]
    [InlineData("orders", "ServiceRequest?status=active", "does not use")]
    [InlineData("imaging", "Nope?patient={{context.patientId}}", "unknown resource type")]
    public void PatientDataTemplatesCreate_BadDefinition_ThrowsDefinitionException(string key, string? template, string fault)
    {
        var texts = new Dictionary<string, string>(Fixtures.TemplateTexts);
        if (template is null)
        {
            texts.Remove(key);
        }
        else
        {
            texts[key] = template;
        }

        var ex = Assert.Throws<DefinitionException>(() => PatientDataTemplates.Create(texts, "svc.json"));

        Assert.Equal("svc.json", ex.File);
        Assert.Contains(fault, ex.Fault, StringComparison.Ordinal);
    }
}
