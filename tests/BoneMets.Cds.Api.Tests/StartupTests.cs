using BoneMets.Cds.Api.Tests.Infrastructure;
using BoneMets.Cds.Domain.Definitions;

namespace BoneMets.Cds.Api.Tests;

/// <summary>A broken definition or setting stops the host with a message naming the file and the fault.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bonemets-defs-" + Guid.NewGuid().ToString("N"));

    public StartupTests() => CopyDirectory(RepoPaths.CdsServices, _dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("bone-metastasis-patient-view.json", "\"hook\": \"patient-view\"", "\"hook\": \"order-teleport\"", "'hook'")]
    [InlineData("bone-metastasis-patient-view.json", "Patient/{{context.patientId}}", "Patient/{{today()}}", "prefetch 'patient'")]
    [InlineData("bone-metastasis-patient-view.json", "\"title\":", "\"titel\":", "'title' is missing")]
    [InlineData("thresholds.json", "\"calciumDays\": 7", "\"calciumDays\": -7", "calciumDays")]
    [InlineData("valuesets/cancer-breast.json", "\"resourceType\": \"ValueSet\"", "\"resourceType\": \"ValueSet\",,", "cancer-breast.json")]
    public void Host_BrokenDefinition_RefusesToStartNamingFileAndFault(string file, string find, string replace, string expected)
    {
        var path = Path.Combine(_dir, file);
        var text = File.ReadAllText(path);
        Assert.Contains(find, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));
        using var factory = new CdsApiFactory(new Dictionary<string, string?> { ["Cds:DefinitionsDirectory"] = _dir });

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var definition = Assert.IsType<DefinitionException>(Unwrap(ex));
        Assert.Contains(Path.GetFileName(file), definition.File, StringComparison.Ordinal);
        Assert.Contains(expected, definition.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_MissingValueSetFile_RefusesToStart()
    {
        File.Delete(Path.Combine(_dir, "valuesets", "symptom-neuro-red-flag.json"));
        using var factory = new CdsApiFactory(new Dictionary<string, string?> { ["Cds:DefinitionsDirectory"] = _dir });

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("symptom-neuro-red-flag", Unwrap(ex).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_EvaluationAsOfOutsideDevelopment_RefusesToStart()
    {
        using var factory = new CdsApiFactory(
            new Dictionary<string, string?> { ["Cds:EvaluationAsOf"] = "2026-11-29T12:00:00Z" }, environment: "Production");

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("EvaluationAsOf", Unwrap(ex).Message, StringComparison.Ordinal);
    }

    private static Exception Unwrap(Exception ex)
    {
        while (ex is AggregateException or System.Reflection.TargetInvocationException && ex.InnerException is not null)
        {
            ex = ex.InnerException!;
        }

        return ex;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.GetDirectories(from))
        {
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
