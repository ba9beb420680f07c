using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Units;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>The immutable helpers built once from <see cref="Definitions.Thresholds"/> and shared by every evaluation.</summary>
internal sealed class RuleEngineServices
{
    public RuleEngineServices(Thresholds thresholds)
    {
        Thresholds = thresholds;
        Units = new UnitConverter(thresholds.CalciumMolarMass);
        Grader = new CtcaeGrader(thresholds, Units);
        Payne = new PayneCorrection(thresholds.Payne, Units);
    }

    public Thresholds Thresholds { get; }
    public UnitConverter Units { get; }
    public CtcaeGrader Grader { get; }
    public PayneCorrection Payne { get; }
}
