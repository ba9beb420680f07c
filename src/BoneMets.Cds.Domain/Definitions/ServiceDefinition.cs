namespace BoneMets.Cds.Domain.Definitions;

/// <summary>
/// One CDS service as declared in <c>cds-services/&lt;id&gt;.json</c>. The first six members are published at discovery;
/// the rest are ours. Immutable, loaded once at start-up.
/// </summary>
public sealed record ServiceDefinition
{
    public required string Id { get; init; }
    public required string Hook { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }
    public string? UsageRequirements { get; init; }
    public required IReadOnlyDictionary<string, string> Prefetch { get; init; }

    /// <summary>Prefetch keys without which the service answers 412.</summary>
    public required IReadOnlyList<string> RequiredPrefetch { get; init; }

    /// <summary>Absolute path of the value-set directory.</summary>
    public required string ValueSetDirectory { get; init; }

    /// <summary>Absolute path of the thresholds file.</summary>
    public required string ThresholdsFile { get; init; }

    /// <summary>Absolute path of the definition file itself (for messages).</summary>
    public required string SourceFile { get; init; }
}
