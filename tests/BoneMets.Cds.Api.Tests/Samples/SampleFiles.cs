namespace BoneMets.Cds.Api.Tests.Samples;

/// <summary>
/// Locates the sample patients, requests and expected cards under <c>samples/</c> in the repository.
/// Every sample is evaluated at <see cref="EvaluationTime"/>: all dates in the samples are fixed relative to it.
/// </summary>
public static class SampleFiles
{
    /// <summary>The instant the samples are anchored to; tests pin the clock here.</summary>
    public static readonly DateTimeOffset EvaluationTime = Infrastructure.CdsApiFactory.Anchor;

    /// <summary>Set to <c>1</c> to (re)write <c>samples/requests/*.json</c> instead of checking them.</summary>
    public const string UpdateVariable = "BONEMETS_UPDATE_SAMPLES";

    /// <summary>The repository root: the nearest folder above the test binaries that holds <c>BoneMets.Cds.sln</c>.</summary>
    public static string RepositoryRoot => Infrastructure.RepoPaths.Root;

    public static string PatientsDirectory => Path.Combine(RepositoryRoot, "samples", "patients");

    public static string RequestsDirectory => Path.Combine(RepositoryRoot, "samples", "requests");

    public static string ExpectedCardsPath => Path.Combine(PatientsDirectory, "expected-cards.json");

    public static string ReadmePath => Path.Combine(PatientsDirectory, "README.md");

    /// <summary>Sample names (file names without <c>.json</c>) in ordinal order; <c>expected-cards.json</c> is not a sample.</summary>
    public static IReadOnlyList<string> PatientNames() =>
        Directory.EnumerateFiles(PatientsDirectory, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(name => name != "expected-cards")
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string PatientPath(string name) => Path.Combine(PatientsDirectory, name + ".json");

    public static string RequestPath(string name) => Path.Combine(RequestsDirectory, name + ".json");

    /// <summary>xunit member data: one row per sample name.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in PatientNames())
        {
            data.Add(name);
        }

        return data;
    }
}
