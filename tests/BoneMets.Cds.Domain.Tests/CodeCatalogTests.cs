using BoneMets.Cds.Domain.Terminology;

namespace BoneMets.Cds.Domain.Tests;

/// <summary>Code matching rules of clinical.md §2.2: canonical systems and aliases, exact SNOMED/LOINC, ICD prefixes.</summary>
public sealed class CodeCatalogTests
{
    private static readonly CodeCatalog Catalog = new(
    [
        new ConceptSet("cancer-breast", "1",
            [new SystemCode(CodeSystems.Snomed, "254837009")],
            [new SystemCode(CodeSystems.Icd10Cm, "C50"), new SystemCode(CodeSystems.Icd10, "C50")]),
        new ConceptSet("bone-metastasis", "1",
            [new SystemCode(CodeSystems.Snomed, "94222008"), new SystemCode(CodeSystems.Icd10Cm, "c79.52")],
            [new SystemCode(CodeSystems.Icd10Cm, "C79.51"), new SystemCode(CodeSystems.Icd10, "C79.5")]),
        new ConceptSet("pathological-fracture", "1", [], [new SystemCode(CodeSystems.Icd10Cm, "M84.5")]),
        new ConceptSet("lab-calcium-total", "1", [new SystemCode(CodeSystems.Loinc, "17861-6")], []),
    ]);

    [Theory]
    [InlineData("http://snomed.info/sct", "254837009", "cancer-breast")]
    [InlineData("urn:oid:2.16.840.1.113883.6.96", "254837009", "cancer-breast")]
    [InlineData("http://snomed.info/sct/", "254837009", "cancer-breast")]
    [InlineData("http://snomed.info/sct/900000000000207008", "254837009", "cancer-breast")]
    [InlineData("http://snomed.info/sct/731000124108/version/20240901", "254837009", "cancer-breast")]
    [InlineData(" 254837009 ", null, null)]
    [InlineData("http://loinc.org", "17861-6", "lab-calcium-total")]
    [InlineData("urn:oid:2.16.840.1.113883.6.1", "17861-6", "lab-calcium-total")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "C50.911", "cancer-breast")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "C50911", "cancer-breast")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "c50.911", "cancer-breast")]
    [InlineData("urn:oid:2.16.840.1.113883.6.90", "C50.011", "cancer-breast")]
    [InlineData("http://hl7.org/fhir/sid/icd-10", "C50.9", "cancer-breast")]
    [InlineData("urn:oid:2.16.840.1.113883.6.3", "C50", "cancer-breast")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "C79.51", "bone-metastasis")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "C7951", "bone-metastasis")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "C79.52", "bone-metastasis")]
    [InlineData("http://hl7.org/fhir/sid/icd-10", "C79.5", "bone-metastasis")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "M84.58XA", "pathological-fracture")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "M8458XA", "pathological-fracture")]
    public void Match_KnownSystemOrAlias_FindsTheConcept(string system, string? code, string? expected)
    {
        // A null code means the first argument was a code without a system: never matched.
        var ids = code is null ? Catalog.Match(null, system) : Catalog.Match(system, code);

        if (expected is null)
        {
            Assert.Empty(ids);
        }
        else
        {
            Assert.Contains(expected, ids);
        }
    }

    [Theory]
    [InlineData("http://example.org/local-codes", "254837009")]
    [InlineData("http://snomed.info/sct/not-an-edition", "254837009")]
    [InlineData("http://snomed.info/sct", "25483700")]
    [InlineData("http://snomed.info/sct", "")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "C5")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "C79.5")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "C79.59")]
    [InlineData("http://hl7.org/fhir/sid/icd-10", "M84.58")]
    [InlineData("http://loinc.org", "254837009")]
    public void Match_UnknownSystemShorterOrSiblingCode_DoesNotMatch(string system, string code)
    {
        var ids = Catalog.Match(system, code);

        Assert.DoesNotContain("cancer-breast", ids);
        Assert.DoesNotContain("bone-metastasis", ids);
        Assert.DoesNotContain("pathological-fracture", ids);
    }

    [Fact]
    public void Match_IcdExactCodeInAnyCase_IsNormalised()
    {
        Assert.Contains("bone-metastasis", Catalog.Match(CodeSystems.Icd10Cm, "C79.52"));
        Assert.Contains("bone-metastasis", Catalog.Match(CodeSystems.Icd10Cm, "c7952"));
    }

    [Theory]
    [InlineData("C50911", "C50.911")]
    [InlineData("c50.911", "C50.911")]
    [InlineData("C50", "C50")]
    [InlineData(" M8458XA ", "M84.58XA")]
    public void NormalizeIcd_AddsTheDotAndUpperCases(string code, string expected) =>
        Assert.Equal(expected, CodeCatalog.NormalizeIcd(code));

    [Theory]
    [InlineData("http://snomed.info/sct", "254837009")]
    [InlineData(" URN:OID:2.16.840.1.113883.6.96 ", " 254837009 ")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "c7952")]
    [InlineData("http://hl7.org/fhir/sid/icd-10-cm", "M8458XA")]
    [InlineData("http://hl7.org/fhir/sid/icd-10", "C79.5")]
    [InlineData("http://loinc.org", "17861-6")]
    [InlineData("http://example.org/local", "17861-6")]
    [InlineData("", "17861-6")]
    [InlineData("http://loinc.org", "  ")]
    public void Match_OnCharacters_AgreesWithMatchOnStrings(string system, string code) =>
        Assert.Equal(Catalog.Match(system, code), Catalog.Match(system.AsSpan(), code.AsSpan()));

    [Fact]
    public void Match_IcdCodeLongerThanTheStackBuffer_StillMatchesByPrefix()
    {
        // Normalised on the heap past 128 characters: a prefix rule still applies to it (no silent miss).
        var code = "C79.51" + new string('X', 300);

        Assert.Contains("bone-metastasis", Catalog.Match(CodeSystems.Icd10Cm, code));
        Assert.Equal("C79." + new string('X', 3), CodeCatalog.NormalizeIcd("c79" + new string('x', 3)));
        Assert.Equal(code.ToUpperInvariant(), CodeCatalog.NormalizeIcd(" " + code.ToLowerInvariant() + " "));
    }

    [Theory]
    [InlineData("http://snomed.info/sct", CodeSystems.Snomed)]
    [InlineData("HTTP://LOINC.ORG/", CodeSystems.Loinc)]
    [InlineData("http://snomed.info/sct/900000000000207008/version/20240901", CodeSystems.Snomed)]
    [InlineData("http://snomed.info/sct/90000x", null)]
    [InlineData(" / ", null)]
    [InlineData("", null)]
    public void Normalize_OnCharacters_AgreesWithStrings(string system, string? expected)
    {
        Assert.Equal(expected, CodeSystems.Normalize(system));
        Assert.Equal(expected, CodeSystems.Normalize(system.AsSpan()));
    }
}
