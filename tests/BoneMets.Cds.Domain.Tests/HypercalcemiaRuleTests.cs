using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Domain.Tests.Support;
using static BoneMets.Cds.Domain.Tests.Support.FactsBuilder;

namespace BoneMets.Cds.Domain.Tests;

/// <summary>R3 hypercalcaemia.</summary>
public sealed class HypercalcemiaRuleTests
{
    [Theory]
    // clinical.md worked checks through the whole engine
    [InlineData(10.2, LabUnit.MgPerDl, 2.1, LabUnit.GPerDl, 11.72, 2, Indicator.Warning)]
    [InlineData(3.32, LabUnit.MmolPerL, 38, LabUnit.GPerL, 3.36, 3, Indicator.Critical)]
    [InlineData(15.2, LabUnit.MgPerDl, 3.0, LabUnit.GPerDl, 16.0, 4, Indicator.Critical)]
    public void Evaluate_PayneWorkedChecks_GradeAndIndicator(
        decimal ca, LabUnit caUnit, decimal alb, LabUnit albUnit, decimal corrected, int grade, Indicator indicator)
    {
        var facts = Patient().Cancer().Calcium(ca, caUnit, id: "ca").Albumin(alb, albUnit, id: "alb");

        var card = TestThresholds.Card(facts, CardTopic.Hypercalcemia)!;

        Assert.Equal(("R3", indicator, "payne-corrected"), (card.RuleId, card.Indicator, card.Variant));
        Assert.Equal(corrected, card.Calcium!.CorrectedValue);
        Assert.Equal(corrected, card.Calcium.GradedValue);
        Assert.Equal(caUnit, card.Calcium.GradedUnit);
        Assert.Equal(grade, card.Calcium.TotalGrade);
        Assert.Equal(grade, card.Calcium.Grade);
        Assert.Equal("alb", card.Calcium.Albumin!.Id);
        Assert.Equal(["ca", "alb"], card.Evidence.Take(2).Select(e => e.ResourceId));
        Assert.Equal(ca, card.Evidence[0].Value);
        Assert.Equal(caUnit, card.Evidence[0].Unit);
        Assert.Equal("Payne-corrected, CTCAE grade " + grade, card.Evidence[0].Qualifier);
        Assert.Empty(card.Orders);
    }

    [Theory]
    // uncorrected total mg/dL, symptom?, expected indicator, expected upgrade
    [InlineData(11.0, false, Indicator.Info, false)]
    [InlineData(11.0, true, Indicator.Warning, true)]
    [InlineData(12.0, false, Indicator.Warning, false)]
    [InlineData(12.0, true, Indicator.Warning, false)]
    [InlineData(13.0, false, Indicator.Critical, false)]
    [InlineData(14.5, true, Indicator.Critical, false)]
    public void Evaluate_Grade_SetsIndicatorWithSymptomUpgradeForGrade1(decimal value, bool symptom, Indicator expected, bool upgrade)
    {
        var facts = Patient().Cancer().Calcium(value);
        if (symptom)
        {
            facts.Nausea(Days(2));
        }

        var card = TestThresholds.Card(facts, CardTopic.Hypercalcemia)!;

        Assert.Equal(expected, card.Indicator);
        Assert.Equal(upgrade, card.Calcium!.SymptomUpgrade);
        Assert.Equal("uncorrected", card.Variant);
        Assert.Equal("uncorrected (no albumin in range), CTCAE grade " + card.Calcium.Grade, card.Evidence[0].Qualifier);
    }

    [Theory]
    [InlineData(40.0, false)] // symptom too old to upgrade
    [InlineData(5.0, true)]
    public void Evaluate_HypercalcaemiaSymptomWindow_AppliesToUpgrade(double symptomDaysAgo, bool upgrade)
    {
        var facts = Patient().Cancer().Calcium(11m).Symptom(Codes.Constipation, [Concepts.SymptomHypercalcaemia], Days(symptomDaysAgo));

        var card = TestThresholds.Card(facts, CardTopic.Hypercalcemia)!;

        Assert.Equal(upgrade ? Indicator.Warning : Indicator.Info, card.Indicator);
    }

    [Fact]
    public void Evaluate_SymptomObservationUpgradesGrade1()
    {
        var facts = Patient().Cancer().Calcium(11m).SymptomObservation(Codes.Nausea, [Concepts.SymptomHypercalcaemia], Days(1), id: "n");

        var card = TestThresholds.Card(facts, CardTopic.Hypercalcemia)!;

        Assert.Equal(Indicator.Warning, card.Indicator);
        Assert.Contains(card.Evidence, e => e.ResourceId == "n" && e.Role == "Hypercalcaemia symptom");
    }

    [Theory]
    [InlineData(14.0, false)]
    [InlineData(14.2, true)]
    public void Evaluate_SevereThreshold_Flagged(decimal value, bool severe)
    {
        Assert.Equal(severe, TestThresholds.Card(Patient().Cancer().Calcium(value), CardTopic.Hypercalcemia)!.Calcium!.Severe);
    }

    [Fact]
    public void Evaluate_NormalCalcium_NoCard()
    {
        Assert.Empty(TestThresholds.Evaluate(Patient().Cancer().Calcium(10.5m).Lab(Concepts.LabCalciumIonized, 1.32m, LabUnit.MmolPerL, Hours(1))));
    }

    [Fact]
    public void Evaluate_HypercalcaemiaWithoutCancer_NoCard()
    {
        Assert.Empty(TestThresholds.Evaluate(Patient().Calcium(14m)));
    }

    [Fact]
    public void Evaluate_HypercalcaemiaWithKnownBoneMetsOnly_Fires()
    {
        Assert.NotNull(TestThresholds.Card(Patient().BoneMets().Calcium(12m), CardTopic.Hypercalcemia));
    }

    [Fact]
    public void Evaluate_HighAlbumin_CorrectsDownward()
    {
        var facts = Patient().Cancer().Calcium(10.8m).Albumin(5.0m);

        Assert.Null(TestThresholds.Card(facts, CardTopic.Hypercalcemia)); // 10.8 - 0.8 = 10.0
    }

    [Fact]
    public void Evaluate_Unavailable_ReportsLabsAndSymptoms()
    {
        var facts = Patient().Cancer().Calcium(12m).Unavailable(DataSources.Symptoms | DataSources.Imaging | DataSources.Orders);

        Assert.Equal(DataSources.Symptoms, TestThresholds.Card(facts, CardTopic.Hypercalcemia)!.Unavailable);
    }
}
