using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Domain.Tests.Support;
using static BoneMets.Cds.Domain.Tests.Support.FactsBuilder;

namespace BoneMets.Cds.Domain.Tests;

/// <summary>R1 (critical MSCC) and R2 (spinal pain warning).</summary>
public sealed class MsccRuleTests
{
    [Fact]
    public void Evaluate_CancerAndRedFlag_R1CriticalWithStatMriAndReferral()
    {
        var facts = Patient().Cancer(id: "ca").Symptom(Codes.LimbWeakness, [Concepts.SymptomNeuroRedFlag], Days(2), id: "weak");

        var card = TestThresholds.Card(facts, CardTopic.SpinalCordCompression)!;

        Assert.Equal("R1", card.RuleId);
        Assert.Equal(Indicator.Critical, card.Indicator);
        Assert.Equal("neurological", card.Variant);
        Assert.Equal(["weak", "ca"], card.Evidence.Select(e => e.ResourceId));
        var flag = card.Evidence[0];
        Assert.Equal("Neurological red flag", flag.Role);
        Assert.Equal(EvidenceKind.Symptom, flag.Kind);
        Assert.Equal(Codes.LimbWeakness, flag.Code);
        Assert.Equal(Ago(Days(2)), flag.Date);
        Assert.Equal("Cancer (breast, current)", card.Evidence[1].Role);
        Assert.Collection(
            card.Orders,
            mri =>
            {
                Assert.Equal((CodeSystems.Loinc, "30854-4", OrderPriority.Stat, true), (mri.System, mri.Code, mri.Priority, mri.IsRecommended));
                Assert.Equal("MR Cervical and thoracic and lumbar spine WO contrast", mri.Display);
            },
            referral => Assert.Equal((CodeSystems.Snomed, "183529009", OrderPriority.Stat), (referral.System, referral.Code, referral.Priority)));
        Assert.Equal([CancerSite.Breast], card.Sites);
        Assert.Null(card.Calcium);
        Assert.Null(card.Alp);
        Assert.Equal(DataSources.None, card.Unavailable);
    }

    [Fact]
    public void Evaluate_CordCompressionDiagnosis_IsRedFlag()
    {
        var facts = Patient().Cancer().Symptom(Codes.CordCompression, [Concepts.SymptomNeuroRedFlag], Days(1));

        Assert.Equal("R1", TestThresholds.Card(facts, CardTopic.SpinalCordCompression)!.RuleId);
    }

    [Fact]
    public void Evaluate_RedFlagObservation_R1WithObservationQualifier()
    {
        var facts = Patient().Cancer().SymptomObservation(Codes.LimbWeakness, [Concepts.SymptomNeuroRedFlag], Days(1), id: "o1");

        var card = TestThresholds.Card(facts, CardTopic.SpinalCordCompression)!;

        Assert.Equal("R1", card.RuleId);
        Assert.Equal(("o1", "observation"), (card.Evidence[0].ResourceId, card.Evidence[0].Qualifier));
    }

    [Fact]
    public void Evaluate_RedFlagAndSpinalPain_OneCriticalCardWithBoth()
    {
        var facts = Patient().Cancer().RedFlag(Days(1)).SpinalPain(Days(3));

        var results = TestThresholds.Evaluate(facts);

        var card = Assert.Single(results);
        Assert.Equal("R1", card.RuleId);
        Assert.Equal(["Neurological red flag", "Spinal pain", "Cancer (breast, current)"], card.Evidence.Select(e => e.Role));
    }

    [Fact]
    public void Evaluate_SpinalPainOnly_R2WarningUrgentMri()
    {
        var facts = Patient().Cancer(CancerSite.Prostate).SpinalPain(Days(4));

        var card = TestThresholds.Card(facts, CardTopic.SpinalCordCompression)!;

        Assert.Equal(("R2", Indicator.Warning, "spinal-pain"), (card.RuleId, card.Indicator, card.Variant));
        var mri = Assert.Single(card.Orders);
        Assert.Equal(("30854-4", OrderPriority.Urgent), (mri.Code, mri.Priority));
        Assert.Equal([CancerSite.Prostate], card.Sites);
    }

    [Fact]
    public void Evaluate_ConstipationOnly_NotARedFlag()
    {
        var facts = Patient().Cancer().Symptom(Codes.Constipation, [Concepts.SymptomHypercalcaemia], Days(1));

        Assert.Empty(TestThresholds.Evaluate(facts));
    }

    [Fact]
    public void Evaluate_KnownBoneMetsWithoutTargetCancer_GivesContext()
    {
        var facts = Patient().BoneMets().RedFlag(Days(1));

        var card = TestThresholds.Card(facts, CardTopic.SpinalCordCompression)!;

        Assert.Equal("R1", card.RuleId);
        Assert.Equal("Known bone metastasis", card.Evidence[1].Role);
        Assert.Empty(card.Sites);
    }

    [Theory]
    [InlineData(DataSources.Symptoms, DataSources.Symptoms)]
    [InlineData(DataSources.Symptoms | DataSources.Labs | DataSources.Imaging, DataSources.Symptoms)]
    [InlineData(DataSources.Labs, DataSources.None)]
    public void Evaluate_UnavailableSymptoms_ReportedOnMsccCard(DataSources unavailable, DataSources expected)
    {
        Assert.Equal(expected, TestThresholds.Card(Patient().Cancer().RedFlag(Days(1)).Unavailable(unavailable), CardTopic.SpinalCordCompression)!.Unavailable);
        Assert.Equal(expected, TestThresholds.Card(Patient().Cancer().SpinalPain(Days(1)).Unavailable(unavailable), CardTopic.SpinalCordCompression)!.Unavailable);
    }

    [Fact]
    public void Evaluate_SeveralRedFlags_LatestFirst()
    {
        var facts = Patient().Cancer()
            .Symptom(Codes.LimbWeakness, [Concepts.SymptomNeuroRedFlag], Days(10), id: "old")
            .Symptom(Codes.CordCompression, [Concepts.SymptomNeuroRedFlag], Days(1), id: "new");

        var card = TestThresholds.Card(facts, CardTopic.SpinalCordCompression)!;

        Assert.Equal(["new", "old"], card.Evidence.Where(e => e.Kind == EvidenceKind.Symptom).Select(e => e.ResourceId));
    }
}
