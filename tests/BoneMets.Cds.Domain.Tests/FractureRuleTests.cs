using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Domain.Tests.Support;
using static BoneMets.Cds.Domain.Tests.Support.FactsBuilder;

namespace BoneMets.Cds.Domain.Tests;

/// <summary>R4 pathological / impending fracture.</summary>
public sealed class FractureRuleTests
{
    [Fact]
    public void Evaluate_PathologicalFracture_WarningWithUrgentOrthopaedicReferral()
    {
        var facts = Patient().Cancer(id: "ca").Condition(Codes.PathFracture, [Concepts.PathologicalFracture], onset: Ago(Days(20)), id: "fx");

        var card = TestThresholds.Card(facts, CardTopic.PathologicalFracture)!;

        Assert.Equal(("R4", Indicator.Warning, "pathological-fracture"), (card.RuleId, card.Indicator, card.Variant));
        Assert.Equal(["fx", "ca"], card.Evidence.Select(e => e.ResourceId));
        Assert.Equal(("Pathological fracture", EvidenceKind.Diagnosis), (card.Evidence[0].Role, card.Evidence[0].Kind));
        var referral = Assert.Single(card.Orders);
        Assert.Equal((CodeSystems.Snomed, "308481009", OrderPriority.Urgent, true), (referral.System, referral.Code, referral.Priority, referral.IsRecommended));
    }

    [Theory]
    [InlineData("301773003", "24704-9")] // pain in femur → XR Femur
    [InlineData("78514002", "24704-9")]  // thigh pain → XR Femur
    [InlineData("771083005", "28567-6")] // pain in upper arm → XR Humerus
    public void Evaluate_LongBonePain_ImpendingFractureWithWholeBoneXray(string painCode, string xrayCode)
    {
        var facts = Patient().Cancer().Symptom(Codes.Snomed(painCode, "pain"), [Concepts.SymptomBonePain, Concepts.SymptomLongBonePain], Days(3));

        var card = TestThresholds.Card(facts, CardTopic.PathologicalFracture)!;

        Assert.Equal(("R4", Indicator.Warning, "impending-fracture"), (card.RuleId, card.Indicator, card.Variant));
        var xray = Assert.Single(card.Orders);
        Assert.Equal((CodeSystems.Loinc, xrayCode, OrderPriority.Urgent), (xray.System, xray.Code, xray.Priority));
        Assert.Equal("Long-bone pain", card.Evidence[0].Role);
    }

    [Fact]
    public void Evaluate_FemurAndThighPain_OneFemurXray()
    {
        var facts = Patient().Cancer().FemurPain(Days(3))
            .Symptom(Codes.ThighPain, [Concepts.SymptomBonePain, Concepts.SymptomLongBonePain], Days(2))
            .UpperArmPain(Days(1));

        var card = TestThresholds.Card(facts, CardTopic.PathologicalFracture)!;

        Assert.Equal(["28567-6", "24704-9"], card.Orders.Select(o => o.Code));
    }

    [Fact]
    public void Evaluate_LongBonePainCodedInOidSystem_StillMapsToXray()
    {
        var facts = Patient().Cancer().Symptom(
            new CodeRef("urn:oid:2.16.840.1.113883.6.96", "301773003", null), [Concepts.SymptomLongBonePain], Days(1));

        Assert.Equal("24704-9", Assert.Single(TestThresholds.Card(facts, CardTopic.PathologicalFracture)!.Orders).Code);
    }

    [Fact]
    public void Evaluate_FractureAndLongBonePain_FractureVariantReferralAndXray()
    {
        var facts = Patient().Cancer().Fracture(Days(5)).FemurPain(Days(2));

        var card = TestThresholds.Card(facts, CardTopic.PathologicalFracture)!;

        Assert.Equal("pathological-fracture", card.Variant);
        Assert.Equal(["308481009", "24704-9"], card.Orders.Select(o => o.Code));
        Assert.Equal(["Pathological fracture", "Long-bone pain", "Cancer (breast, current)"], card.Evidence.Select(e => e.Role));
    }

    [Fact]
    public void Evaluate_NonLongBonePain_NoFractureCard()
    {
        Assert.Null(TestThresholds.Card(Patient().Cancer().BonePain(Days(1)), CardTopic.PathologicalFracture));
    }

    [Fact]
    public void Evaluate_FractureWithoutCancerContext_NoCard()
    {
        Assert.Empty(TestThresholds.Evaluate(Patient().Fracture(Days(1)).FemurPain(Days(1))));
    }

    [Fact]
    public void Evaluate_Unavailable_ReportsSymptomsOnly()
    {
        var facts = Patient().Cancer().Fracture(Days(5)).Unavailable(DataSources.Symptoms | DataSources.Labs);

        Assert.Equal(DataSources.Symptoms, TestThresholds.Card(facts, CardTopic.PathologicalFracture)!.Unavailable);
    }
}
