using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// Evaluates clinical.md §2–§3: global gates, cancer context, then R1/R2 (spinal cord compression), R3
/// (hypercalcaemia), R4 (fracture) and R5 (suspected bone metastases, with R6 feeding it), with the §3.1 precedence:
/// one card per topic, R1 beats R2, R1/R2 suppress R5, R3 and R4 are independent. Deterministic, no I/O, no clock;
/// thread-safe (holds only immutable state).
/// </summary>
/// <remarks>Results are in topic order: spinal cord compression, hypercalcaemia, fracture, suspected bone metastasis.</remarks>
public sealed class RuleEngine : IRuleEngine
{
    private readonly RuleEngineServices _services;

    public RuleEngine(Thresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        _services = new RuleEngineServices(thresholds);
    }

    /// <summary>
    /// Results, findings and symptoms dated more than this after the evaluation time are treated as data errors and
    /// ignored (clock skew between the EHR and this service is tolerated up to this amount). Imaging orders are exempt:
    /// their time may be a scheduled date.
    /// </summary>
    public static TimeSpan FutureTolerance { get; } = TimeSpan.FromHours(1);

    /// <inheritdoc />
    public IReadOnlyList<Recommendation> Evaluate(PatientFacts facts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var thresholds = _services.Thresholds;
        if (PatientGates.Stop(facts.Demographics, now, thresholds.AdultAgeYears))
        {
            return [];
        }

        var cancer = CancerProfile.Build(facts.Conditions, now, thresholds.Windows.CancerLookbackYears);
        if (!cancer.Context)
        {
            return []; // out of scope: no target cancer and no known bone metastases
        }

        var ctx = new EvaluationContext(facts, new EvaluationClock(now, FutureTolerance), _services, cancer);
        var results = new List<Recommendation>(4);

        var mscc = MsccRule.Evaluate(ctx);
        Add(results, mscc);
        Add(results, HypercalcemiaRule.Evaluate(ctx));
        Add(results, FractureRule.Evaluate(ctx));
        if (mscc is null)
        {
            Add(results, SuspectedBoneMetastasisRule.Evaluate(ctx));
        }

        return results;
    }

    private static void Add(List<Recommendation> results, Recommendation? recommendation)
    {
        if (recommendation is not null)
        {
            results.Add(recommendation);
        }
    }
}
