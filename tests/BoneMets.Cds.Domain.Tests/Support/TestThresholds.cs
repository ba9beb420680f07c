using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;

namespace BoneMets.Cds.Domain.Tests.Support;

/// <summary>The real cds-services/thresholds.json, found by walking up to the folder holding BoneMets.Cds.sln.</summary>
internal static class TestThresholds
{
    private static readonly Lazy<Thresholds> Loaded = new(() => ThresholdsLoader.Load(FilePath));

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BoneMets.Cds.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("BoneMets.Cds.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string FilePath => Path.Combine(RepositoryRoot, "cds-services", "thresholds.json");

    public static Thresholds Real => Loaded.Value;

    public static RuleEngine Engine() => new(Real);

    public static IReadOnlyList<Recommendation> Evaluate(FactsBuilder builder) => Engine().Evaluate(builder.Build(), FactsBuilder.Now);

    public static Recommendation? Card(FactsBuilder builder, CardTopic topic) =>
        Evaluate(builder).SingleOrDefault(r => r.Topic == topic);
}
