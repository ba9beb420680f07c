namespace BoneMets.Cds.Api.Hosting;

/// <summary>Development-only clock pinned to Cds:EvaluationAsOf so the dated samples keep producing their cards.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
}
