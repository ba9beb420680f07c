using System.Text.Json.Nodes;
using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Tests.Support;

namespace BoneMets.Cds.Domain.Tests;

public sealed class ThresholdsLoaderTests : IDisposable
{
    private readonly string _tempDir = Directory.CreateTempSubdirectory("bonemets-thresholds-").FullName;

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    [Fact]
    public void Load_RealFile_ReturnsEveryValue()
    {
        var t = ThresholdsLoader.Load(TestThresholds.FilePath);

        Assert.Equal(7, t.Windows.CalciumDays);
        Assert.Equal(48, t.Windows.AlbuminPairingHours);
        Assert.Equal(30, t.Windows.AlpDays);
        Assert.Equal(7, t.Windows.GgtPairingDays);
        Assert.Equal(30, t.Windows.SymptomDays);
        Assert.Equal(90, t.Windows.FractureDays);
        Assert.Equal(30, t.Windows.RecentBoneImagingDays);
        Assert.Equal(10, t.Windows.CancerLookbackYears);
        Assert.Equal(18, t.AdultAgeYears);
        Assert.Equal(10.5m, t.DefaultUln.CalciumTotalMgDl);
        Assert.Equal(2.62m, t.DefaultUln.CalciumTotalMmolL);
        Assert.Equal(1.32m, t.DefaultUln.CalciumIonizedMmolL);
        Assert.Equal(120m, t.DefaultUln.AlpUPerL);
        Assert.Equal(55m, t.DefaultUln.GgtUPerL);
        Assert.Equal([11.5m, 12.5m, 13.5m], t.HypercalcemiaCtcae.CorrectedMgDl);
        Assert.Equal([2.9m, 3.1m, 3.4m], t.HypercalcemiaCtcae.CorrectedMmolL);
        Assert.Equal([1.5m, 1.6m, 1.8m], t.HypercalcemiaCtcae.IonizedMmolL);
        Assert.Equal([2.5m, 5.0m, 20.0m], t.AlpCtcaeUlnMultiples);
        Assert.Equal(0.8m, t.Payne.MgDlPerGPerDl);
        Assert.Equal(4.0m, t.Payne.ReferenceAlbuminGPerDl);
        Assert.Equal(0.02m, t.Payne.MmolLPerGPerL);
        Assert.Equal(40m, t.Payne.ReferenceAlbuminGPerL);
        Assert.Equal(14m, t.SevereHypercalcemiaMgDl);
        Assert.Equal(40.078m, t.CalciumMolarMass);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingFile()
    {
        var path = Path.Combine(_tempDir, "nope.json");

        var ex = Assert.Throws<DefinitionException>(() => ThresholdsLoader.Load(path));

        Assert.Equal(path, ex.File);
        Assert.Contains("file not found", ex.Fault, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("")]
    [InlineData("{\"windows\": {}, }")]
    [InlineData("// comment\n{}")]
    public void Load_InvalidJson_ThrowsNotValidJson(string json)
    {
        var path = Write(json);

        var ex = Assert.Throws<DefinitionException>(() => ThresholdsLoader.Load(path));

        Assert.StartsWith("not valid JSON", ex.Fault, StringComparison.Ordinal);
        Assert.Equal(path, ex.File);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    public void Load_RootNotObject_ThrowsRootFault(string json)
    {
        var ex = Assert.Throws<DefinitionException>(() => ThresholdsLoader.Load(Write(json)));

        Assert.Contains("root", ex.Fault, StringComparison.Ordinal);
    }

    [Theory]
    // path to change, new JSON value (null = remove the field), the field the fault must name
    [InlineData("windows", null, "'windows'")]
    [InlineData("windows", "[]", "'windows'")]
    [InlineData("windows.calciumDays", null, "'windows.calciumDays'")]
    [InlineData("windows.calciumDays", "0", "'windows.calciumDays'")]
    [InlineData("windows.albuminPairingHours", "null", "'windows.albuminPairingHours'")]
    [InlineData("windows.alpDays", "-1", "'windows.alpDays'")]
    [InlineData("windows.ggtPairingDays", "\"7\"", "'windows.ggtPairingDays'")]
    [InlineData("windows.symptomDays", "7.5", "'windows.symptomDays'")]
    [InlineData("windows.fractureDays", "100000", "'windows.fractureDays'")]
    [InlineData("windows.recentBoneImagingDays", null, "'windows.recentBoneImagingDays'")]
    [InlineData("windows.cancerLookbackYears", "0", "'windows.cancerLookbackYears'")]
    [InlineData("windows.calciumDay", "7", "'windows.calciumDay'")]
    [InlineData("adultAgeYears", "0", "'adultAgeYears'")]
    [InlineData("adultAgeYears", null, "'adultAgeYears'")]
    [InlineData("defaultUln", null, "'defaultUln'")]
    [InlineData("defaultUln.calciumTotalMgDl", "0", "'defaultUln.calciumTotalMgDl'")]
    [InlineData("defaultUln.calciumTotalMgDl", "12", "'defaultUln.calciumTotalMgDl'")]
    [InlineData("defaultUln.calciumTotalMmolL", "10.5", "'defaultUln.calciumTotalMmolL'")]
    [InlineData("defaultUln.calciumIonizedMmolL", "true", "'defaultUln.calciumIonizedMmolL'")]
    [InlineData("defaultUln.alpUPerL", "-5", "'defaultUln.alpUPerL'")]
    [InlineData("defaultUln.ggtUPerL", null, "'defaultUln.ggtUPerL'")]
    [InlineData("hypercalcemiaCtcae", null, "'hypercalcemiaCtcae'")]
    [InlineData("hypercalcemiaCtcae.correctedMgDl", "[11.5, 12.5]", "'hypercalcemiaCtcae.correctedMgDl'")]
    [InlineData("hypercalcemiaCtcae.correctedMgDl", "[11.5, \"12.5\", 13.5]", "'hypercalcemiaCtcae.correctedMgDl[1]'")]
    [InlineData("hypercalcemiaCtcae.correctedMmolL", "[2.9, 2.9, 3.4]", "'hypercalcemiaCtcae.correctedMmolL'")]
    [InlineData("hypercalcemiaCtcae.ionizedMmolL", "[1.6, 1.5, 1.8]", "'hypercalcemiaCtcae.ionizedMmolL'")]
    [InlineData("hypercalcemiaCtcae.ionizedMmolL", "[0, 1.6, 1.8]", "'hypercalcemiaCtcae.ionizedMmolL[0]'")]
    [InlineData("hypercalcemiaCtcae.ionizedMmolL", "1.5", "'hypercalcemiaCtcae.ionizedMmolL'")]
    [InlineData("alpCtcaeUlnMultiples", "[1.0, 5.0, 20.0]", "'alpCtcaeUlnMultiples[0]'")]
    [InlineData("alpCtcaeUlnMultiples", "[2.5, 5.0]", "'alpCtcaeUlnMultiples'")]
    [InlineData("alpCtcaeUlnMultiples", "[2.5, 20.0, 5.0]", "'alpCtcaeUlnMultiples'")]
    [InlineData("payne.mgDlPerGPerDl", "0", "'payne.mgDlPerGPerDl'")]
    [InlineData("payne.referenceAlbuminGPerDl", "-4", "'payne.referenceAlbuminGPerDl'")]
    [InlineData("payne.mmolLPerGPerL", "\"0.02\"", "'payne.mmolLPerGPerL'")]
    [InlineData("payne.referenceAlbuminGPerL", null, "'payne.referenceAlbuminGPerL'")]
    [InlineData("severeHypercalcemiaMgDl", "0", "'severeHypercalcemiaMgDl'")]
    [InlineData("calciumMolarMass", "0", "'calciumMolarMass'")]
    [InlineData("calciumMolarMass", "400.78", "'calciumMolarMass'")]
    [InlineData("calciumMolarMass", null, "'calciumMolarMass'")]
    [InlineData("version", "5", "'version'")]
    [InlineData("extra", "1", "'extra'")]
    public void Load_BrokenCopy_ThrowsNamingField(string path, string? newValue, string expectedField)
    {
        var root = RealJson();
        Mutate(root, path, newValue);
        var file = Write(root.ToJsonString());

        var ex = Assert.Throws<DefinitionException>(() => ThresholdsLoader.Load(file));

        Assert.Contains(expectedField, ex.Fault, StringComparison.Ordinal);
        Assert.Equal(file, ex.File);
    }

    [Fact]
    public void Load_CommentKeysAndNoVersion_AreAccepted()
    {
        var root = RealJson();
        root["windows"]!["_note"] = "comment";
        root["_anything"] = new JsonArray(1, 2, 3);
        root.Remove("version");

        var t = ThresholdsLoader.Load(Write(root.ToJsonString()));

        Assert.Equal(7, t.Windows.CalciumDays);
    }

    [Fact]
    public void Load_ChangedValue_IsUsed()
    {
        var root = RealJson();
        root["windows"]!["calciumDays"] = 3;
        root["defaultUln"]!["calciumTotalMgDl"] = 10.2m;

        var t = ThresholdsLoader.Load(Write(root.ToJsonString()));

        Assert.Equal(3, t.Windows.CalciumDays);
        Assert.Equal(10.2m, t.DefaultUln.CalciumTotalMgDl);
    }

    [Fact]
    public void Load_DuplicateKey_ThrowsNamingField()
    {
        var json = File.ReadAllText(TestThresholds.FilePath)
            .Replace("\"calciumDays\": 7,", "\"calciumDays\": 7, \"calciumDays\": 70,", StringComparison.Ordinal);

        var ex = Assert.Throws<DefinitionException>(() => ThresholdsLoader.Load(Write(json)));

        Assert.Contains("'windows.calciumDays'", ex.Fault, StringComparison.Ordinal);
    }

    private static JsonObject RealJson() => JsonNode.Parse(File.ReadAllText(TestThresholds.FilePath))!.AsObject();

    private static void Mutate(JsonObject root, string path, string? newValue)
    {
        var parts = path.Split('.');
        var parent = root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            parent = parent[parts[i]]!.AsObject();
        }

        var name = parts[^1];
        if (newValue is null)
        {
            Assert.True(parent.Remove(name), "test setup: field to remove exists: " + path);
        }
        else
        {
            parent[name] = JsonNode.Parse(newValue);
        }
    }

    private string Write(string json)
    {
        var path = Path.Combine(_tempDir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }
}
