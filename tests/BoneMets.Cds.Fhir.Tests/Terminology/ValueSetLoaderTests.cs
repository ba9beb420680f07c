using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Fhir.Terminology;

namespace BoneMets.Cds.Fhir.Tests.Terminology;

public sealed class ValueSetLoaderTests : IDisposable
{
    private const string SnomedInclude = """{"system":"http://snomed.info/sct","concept":[{"code":"254837009","display":"Malignant neoplasm of breast"}]}""";
    private const string IcdFilterInclude = """{"system":"http://hl7.org/fhir/sid/icd-10-cm","filter":[{"property":"concept","op":"is-a","value":"C50"}]}""";

    private readonly string _dir = Directory.CreateTempSubdirectory("valuesets-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ValueSet(string id, string includes, string extraCompose = "", string version = "\"version\":\"2026.11.1\",") =>
        $$"""
        {"resourceType":"ValueSet","id":"{{id}}","url":"https://bonemets-cds.example.org/fhir/ValueSet/{{id}}",{{version}}
         "name":"X","title":"X","status":"active","description":"test",
         "compose":{"include":[{{includes}}]{{extraCompose}}} }
        """;

    private string Write(string name, string json)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>Writes one minimal valid file for every required concept id except those given.</summary>
    private void WriteAllExcept(params string[] skip)
    {
        foreach (var id in Concepts.All.Except(skip))
        {
            Write($"{id}.json", ValueSet(id, """{"system":"http://loinc.org","concept":[{"code":"1-1"}]}"""));
        }
    }

    [Fact]
    public void LoadFile_ConceptsAndIcdFilter_MapsCanonicalCodesAndPrefixes()
    {
        var path = Write("cancer-breast.json", ValueSet(
            Concepts.CancerBreast,
            SnomedInclude + "," + IcdFilterInclude
            + """,{"system":"urn:oid:2.16.840.1.113883.6.90","concept":[{"code":"c50911"}]}"""
            + """,{"system":"http://hl7.org/fhir/sid/icd-10","filter":[{"property":"concept","op":"is-a","value":" c50 "}]}"""));

        var set = ValueSetLoader.LoadFile(path);

        Assert.Equal(Concepts.CancerBreast, set.Id);
        Assert.Equal("2026.11.1", set.Version);
        Assert.Equal(
            new[] { new SystemCode(CodeSystems.Icd10Cm, "C50.911"), new SystemCode(CodeSystems.Snomed, "254837009") },
            set.Codes.OrderBy(c => c.System, StringComparer.Ordinal));
        Assert.Equal(
            new[] { new SystemCode(CodeSystems.Icd10, "C50"), new SystemCode(CodeSystems.Icd10Cm, "C50") },
            set.Prefixes.OrderBy(c => c.System, StringComparer.Ordinal));
    }

    [Fact]
    public void LoadFile_LoadedSet_WorksInCodeCatalog()
    {
        var path = Write("cancer-breast.json", ValueSet(Concepts.CancerBreast, SnomedInclude + "," + IcdFilterInclude));

        var catalog = new CodeCatalog([ValueSetLoader.LoadFile(path)]);

        Assert.Equal([Concepts.CancerBreast], catalog.Match("http://hl7.org/fhir/sid/icd-10-cm", "C50.911"));
        Assert.Equal([Concepts.CancerBreast], catalog.Match("urn:oid:2.16.840.1.113883.6.96", "254837009"));
        Assert.Empty(catalog.Match("http://hl7.org/fhir/sid/icd-10-cm", "C51.0"));
    }

    public static TheoryData<string, string> Faults => new()
    {
        { ValueSet(Concepts.CancerBreast, """{"system":"http://example.org/local","concept":[{"code":"1"}]}"""), "unknown code system" },
        { ValueSet(Concepts.CancerBreast, """{"concept":[{"code":"1"}]}"""), "has no system" },
        { ValueSet(Concepts.CancerBreast, """{"system":"http://snomed.info/sct","filter":[{"property":"concept","op":"is-a","value":"254837009"}]}"""), "not supported" },
        { ValueSet(Concepts.CancerBreast, """{"system":"http://hl7.org/fhir/sid/icd-10-cm","filter":[{"property":"concept","op":"descendent-of","value":"C50"}]}"""), "not supported" },
        { ValueSet(Concepts.CancerBreast, """{"system":"http://hl7.org/fhir/sid/icd-10-cm","filter":[{"property":"parent","op":"is-a","value":"C50"}]}"""), "not supported" },
        { ValueSet(Concepts.CancerBreast, """{"system":"http://hl7.org/fhir/sid/icd-10-cm","filter":[{"property":"concept","op":"is-a","value":"C50"},{"property":"concept","op":"is-a","value":"C51"}]}"""), "2 filters" },
        { ValueSet(Concepts.CancerBreast, """{"system":"http://hl7.org/fhir/sid/icd-10-cm","concept":[{"code":"C50.9"}],"filter":[{"property":"concept","op":"is-a","value":"C50"}]}"""), "both concept and filter" },
        { ValueSet(Concepts.CancerBreast, """{"system":"http://snomed.info/sct"}"""), "neither concept nor filter" },
        { ValueSet(Concepts.CancerBreast, """{"valueSet":["http://example.org/ValueSet/x"]}"""), "imports another value set" },
        { ValueSet(Concepts.CancerBreast, SnomedInclude, extraCompose: ""","exclude":[{"system":"http://snomed.info/sct","concept":[{"code":"1"}]}]"""), "compose.exclude" },
        { ValueSet(Concepts.CancerBreast, SnomedInclude, version: ""), "no version" },
        { ValueSet("cancer-colon", SnomedInclude), "not a known concept id" },
        { ValueSet(Concepts.CancerBreast, ""), "invalid FHIR ValueSet" },
        { """{"resourceType":"ValueSet","id":"cancer-breast","version":"1","status":"active"}""", "empty set" },
        { """{"resourceType":"ValueSet","url":"x","version":"1","status":"active","compose":{"include":[{"system":"http://snomed.info/sct","concept":[{"code":"1"}]}]}}""", "ValueSet.id is missing" },
        { """{"resourceType":"CodeSystem","id":"cancer-breast"}""", "not a FHIR ValueSet" },
        { """{"resourceType":"ValueSet","id":"cancer-breast",""", "invalid JSON" },
        { """{"resourceType":"ValueSet","id":"cancer-breast","version":"1","status":"bogus","compose":{"include":[]}}""", "invalid FHIR ValueSet" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void LoadFile_UnsupportedOrBrokenFile_ThrowsNamingFileAndFault(string json, string fault)
    {
        var path = Write("bad.json", json);

        var ex = Assert.Throws<DefinitionException>(() => ValueSetLoader.LoadFile(path));

        Assert.Equal(path, ex.File);
        Assert.Contains(fault, ex.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDirectory_AllRequiredIds_ReturnsOneSetEach()
    {
        WriteAllExcept();

        var sets = ValueSetLoader.LoadDirectory(_dir);

        Assert.Equal(Concepts.All.Order(StringComparer.Ordinal), sets.Select(s => s.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LoadDirectory_RequiredIdWithoutFile_ThrowsNamingDirectoryAndId()
    {
        WriteAllExcept(Concepts.LabPsa);

        var ex = Assert.Throws<DefinitionException>(() => ValueSetLoader.LoadDirectory(_dir));

        Assert.Equal(_dir, ex.File);
        Assert.Contains(Concepts.LabPsa, ex.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDirectory_DuplicateId_ThrowsNamingSecondFile()
    {
        WriteAllExcept();
        var second = Write("zz-copy.json", ValueSet(Concepts.CancerBreast, SnomedInclude));

        var ex = Assert.Throws<DefinitionException>(() => ValueSetLoader.LoadDirectory(_dir));

        Assert.Equal(second, ex.File);
        Assert.Contains("duplicate value-set id 'cancer-breast'", ex.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDirectory_BadFileAmongGood_ThrowsNamingBadFile()
    {
        WriteAllExcept(Concepts.LabGgt);
        var bad = Write("lab-ggt.json", ValueSet(Concepts.LabGgt, """{"system":"http://example.org/lab","concept":[{"code":"GGT"}]}"""));

        var ex = Assert.Throws<DefinitionException>(() => ValueSetLoader.LoadDirectory(_dir));

        Assert.Equal(bad, ex.File);
    }

    [Fact]
    public void LoadDirectory_MissingDirectory_Throws()
    {
        var missing = Path.Combine(_dir, "nope");

        var ex = Assert.Throws<DefinitionException>(() => ValueSetLoader.LoadDirectory(missing));

        Assert.Equal(missing, ex.File);
    }

    [Fact]
    public void LoadDirectory_RepositoryValueSets_LoadWhenComplete()
    {
        var repoDir = FindRepositoryValueSets();
        if (repoDir is null
            || !Concepts.All.All(id => File.Exists(Path.Combine(repoDir, id + ".json"))))
        {
            return; // the real files are written by another work item; nothing to check yet
        }

        var sets = ValueSetLoader.LoadDirectory(repoDir);
        var catalog = new CodeCatalog(sets);

        Assert.Equal(Concepts.All.Count, sets.Count);
        Assert.All(sets, s => Assert.True(s.Codes.Count + s.Prefixes.Count > 0));
        Assert.Contains(Concepts.LabCalciumTotal, catalog.Match(CodeSystems.Loinc, "17861-6"));
    }

    private static string? FindRepositoryValueSets()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "cds-services", "valuesets");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
