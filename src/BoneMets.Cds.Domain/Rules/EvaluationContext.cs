using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// Everything derived once per evaluation and shared by the rules: clock, cancer sets, recent symptoms, valid labs, and
/// the calcium/ALP assessments (computed lazily, once, because R3 and R5 both use them).
/// </summary>
internal sealed class EvaluationContext
{
    private CalciumAssessment? _calcium;
    private bool _calciumDone;
    private AlpFindings? _alp;
    private bool _alpDone;

    public EvaluationContext(PatientFacts facts, EvaluationClock clock, RuleEngineServices services, CancerProfile cancer)
    {
        Facts = facts;
        Clock = clock;
        Services = services;
        Cancer = cancer;
        Symptoms = SymptomIndex.Build(facts, clock, services.Thresholds.Windows);
        Labs = LabIndex.Build(facts.Labs, clock);
    }

    public PatientFacts Facts { get; }
    public EvaluationClock Clock { get; }
    public RuleEngineServices Services { get; }
    public Thresholds Thresholds => Services.Thresholds;
    public WindowSettings Windows => Services.Thresholds.Windows;
    public CancerProfile Cancer { get; }
    public SymptomIndex Symptoms { get; }
    public LabIndex Labs { get; }

    /// <summary>R3 inputs and grade; null when there is no valid calcium in the window.</summary>
    public CalciumAssessment? Calcium
    {
        get
        {
            if (!_calciumDone)
            {
                _calcium = CalciumAssessor.Assess(this);
                _calciumDone = true;
            }

            return _calcium;
        }
    }

    /// <summary>R6 reading; null when there is no valid ALP in the window.</summary>
    public AlpFindings? Alp
    {
        get
        {
            if (!_alpDone)
            {
                _alp = AlpAssessor.Assess(this);
                _alpDone = true;
            }

            return _alp;
        }
    }

    /// <summary>The optional sources in <paramref name="wanted"/> that were unavailable for this patient.</summary>
    public DataSources Missing(DataSources wanted) => Facts.Unavailable & wanted;
}
