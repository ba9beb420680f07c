using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Domain.Tests.Support;
using static BoneMets.Cds.Domain.Tests.Support.FactsBuilder;

namespace BoneMets.Cds.Domain.Tests;

/// <summary>R5 suspected bone metastases (imaging) and R6 ALP interpretation.</summary>
public sealed class SuspectedBoneMetastasisRuleTests
{
    [Fact]
    public void Evaluate_BreastCancerBonePain_WarningSymptomVariantBoneScanRecommended()
    {
        var facts = Patient().Cancer(id: "ca").Symptom(Codes.BonePain, [Concepts.SymptomBonePain], Days(4), id: "pain");

        var card = TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal(("R5", Indicator.Warning, "symptom"), (card.RuleId, card.Indicator, card.Variant));
        Assert.Equal(["pain", "ca"], card.Evidence.Select(e => e.ResourceId));
        Assert.Equal("Bone pain", card.Evidence[0].Role);
        Assert.Collection(
            card.Orders,
            scan => Assert.Equal(("39818-0", true, OrderPriority.Urgent), (scan.Code, scan.IsRecommended, scan.Priority)),
            pet => Assert.Equal(("81554-8", false, OrderPriority.Urgent), (pet.Code, pet.IsRecommended, pet.Priority)));
        Assert.All(card.Orders, o => Assert.Contains("local policy", o.Reason, StringComparison.Ordinal));
        Assert.Equal([CancerSite.Breast], card.Sites);
        Assert.Null(card.Calcium);
        Assert.Null(card.Alp);
    }

    [Theory]
    [InlineData(CancerSite.Breast, "39818-0:True,81554-8:False")]
    [InlineData(CancerSite.Prostate, "39818-0:True")]
    [InlineData(CancerSite.Lung, "81554-8:True")]
    [InlineData(CancerSite.Thyroid, "81554-8:False")]
    [InlineData(CancerSite.Kidney, "")]
    public void Evaluate_PrimarySite_SuggestsSiteImaging(CancerSite site, string expectedOrders)
    {
        var card = TestThresholds.Card(Patient().Cancer(site).BonePain(Days(2)), CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal(expectedOrders, string.Join(",", card.Orders.Select(o => $"{o.Code}:{o.IsRecommended}")));
        Assert.Equal([site], card.Sites);
    }

    [Fact]
    public void Evaluate_SeveralSites_OrdersDeduplicatedAndMerged()
    {
        var facts = Patient().Cancer(CancerSite.Thyroid).Cancer(CancerSite.Breast).Cancer(CancerSite.Lung).Cancer(CancerSite.Prostate).BonePain(Days(2));

        var card = TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis)!;

        // lung makes FDG PET/CT recommended even though breast and thyroid list it as an alternative
        Assert.Equal("39818-0:True,81554-8:True", string.Join(",", card.Orders.Select(o => $"{o.Code}:{o.IsRecommended}")));
        Assert.Contains("Prostate", card.Orders[0].Reason, StringComparison.Ordinal);
        Assert.Contains("Breast", card.Orders[0].Reason, StringComparison.Ordinal);
        Assert.Equal([CancerSite.Breast, CancerSite.Prostate, CancerSite.Lung, CancerSite.Thyroid], card.Sites);
    }

    [Fact]
    public void Evaluate_FemurPain_AddsWholeFemurXray()
    {
        var card = TestThresholds.Card(Patient().Cancer(CancerSite.Kidney).FemurPain(Days(2)), CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal("symptom", card.Variant);
        var xray = Assert.Single(card.Orders);
        Assert.Equal(("24704-9", OrderPriority.Urgent), (xray.Code, xray.Priority));
        Assert.Equal("Long-bone pain", card.Evidence[0].Role); // listed once although it is also group B
        Assert.Single(card.Evidence, e => e.Kind == EvidenceKind.Symptom);
    }

    [Fact]
    public void Evaluate_BonyPelvicPain_AddsPelvisXray()
    {
        var facts = Patient().Cancer(CancerSite.Kidney).Symptom(Codes.BonyPelvicPain, [Concepts.SymptomBonePain], Days(2));

        Assert.Equal("28561-9", Assert.Single(TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis)!.Orders).Code);
    }

    [Fact]
    public void Evaluate_PathologicalFracture_IsSymptomTrigger()
    {
        var card = TestThresholds.Card(Patient().Cancer().Fracture(Days(60)), CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal((Indicator.Warning, "symptom"), (card.Indicator, card.Variant));
        Assert.Equal("Pathological fracture", card.Evidence[0].Role);
    }

    [Fact]
    public void Evaluate_AlpOnly_InfoLabOnlyRoutine()
    {
        var card = TestThresholds.Card(Patient().Cancer().Alp(180m, id: "alp"), CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal((Indicator.Info, "lab-only"), (card.Indicator, card.Variant));
        Assert.Equal(1, card.Alp!.Grade);
        Assert.Equal(1.5m, card.Alp.UlnMultiple);
        Assert.Equal(120m, card.Alp.UlnUPerL);
        Assert.Equal(180m, card.Alp.ValueUPerL);
        Assert.Equal(AlpSource.Undetermined, card.Alp.Source);
        Assert.Equal(("alp", "CTCAE grade 1 (1.5 × ULN), source undetermined"), (card.Evidence[0].ResourceId, card.Evidence[0].Qualifier));
        Assert.All(card.Orders, o => Assert.Equal(OrderPriority.Routine, o.Priority));
    }

    [Theory]
    [InlineData(120, false)]
    [InlineData(121, true)]
    public void Evaluate_AlpAtUln_NotATrigger(decimal value, bool expectCard)
    {
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().Alp(value), CardTopic.SuspectedBoneMetastasis) is not null);
    }

    [Fact]
    public void Evaluate_AlpAboveLabUln_TriggerEvenBelowDefault()
    {
        var card = TestThresholds.Card(Patient().Cancer().Alp(110m, high: new Measure(100m, LabUnit.UPerL)), CardTopic.SuspectedBoneMetastasis)!;

        Assert.True(card.Alp!.UlnFromLab);
        Assert.Equal(1, card.Alp.Grade);
    }

    [Fact]
    public void Evaluate_AlpInUkat_GradedInUPerL()
    {
        var card = TestThresholds.Card(Patient().Cancer().Alp(6.5m, unit: LabUnit.UkatPerL), CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal(390m, card.Alp!.ValueUPerL);
        Assert.Equal(2, card.Alp.Grade);
    }

    [Fact]
    public void Evaluate_HypercalcaemiaOnly_InfoLabOnlyWithCalcium()
    {
        var results = TestThresholds.Evaluate(Patient().Cancer().Calcium(11m, id: "ca-lab"));

        var card = results.Single(r => r.Topic == CardTopic.SuspectedBoneMetastasis);
        Assert.Equal((Indicator.Info, "lab-only"), (card.Indicator, card.Variant));
        Assert.Equal(1, card.Calcium!.Grade);
        Assert.Equal("ca-lab", card.Evidence[0].ResourceId);
        Assert.Contains(results, r => r.Topic == CardTopic.Hypercalcemia);
    }

    [Theory]
    [InlineData(90, 65.0, LabUnit.NmolPerMmol, true)]
    [InlineData(60, 65.0, LabUnit.NmolPerMmol, false)]
    [InlineData(90, null, null, false)]                 // no lab ULN: cannot be called raised
    [InlineData(90, 65.0, LabUnit.NmolPerL, false)]     // range in another, non-convertible unit
    public void Evaluate_UrineNtx_TriggerOnlyAboveLabUln(decimal value, double? high, LabUnit? highUnit, bool expectCard)
    {
        Measure? range = high is { } h ? new Measure((decimal)h, highUnit!.Value) : null;
        var facts = Patient().Cancer().Lab(Concepts.LabNtx, value, LabUnit.NmolPerMmol, Days(3), range);

        var card = TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis);

        Assert.Equal(expectCard, card is not null);
        if (card is not null)
        {
            Assert.Equal((Indicator.Info, "Urine NTx"), (card.Indicator, card.Evidence[0].Role));
        }
    }

    [Fact]
    public void Evaluate_SymptomAndLabTriggers_WarningWithSymptomsFirst()
    {
        var facts = Patient().Cancer().BonePain(Days(2)).Alp(400m);

        var card = TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal((Indicator.Warning, "symptom"), (card.Indicator, card.Variant));
        Assert.Equal(["Bone pain", "Alkaline phosphatase", "Cancer (breast, current)"], card.Evidence.Select(e => e.Role));
        Assert.Equal(2, card.Alp!.Grade);
    }

    [Fact]
    public void Evaluate_NormalAlpWithSymptom_AlpAttachedNotInEvidence()
    {
        var card = TestThresholds.Card(Patient().Cancer().BonePain(Days(2)).Alp(90m), CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal(0, card.Alp!.Grade);
        Assert.DoesNotContain(card.Evidence, e => e.Kind == EvidenceKind.Lab);
    }

    [Fact]
    public void Evaluate_Prostate_ShowsLatestPsa()
    {
        var facts = Patient().Cancer(CancerSite.Prostate).BonePain(Days(2))
            .Lab(Concepts.LabPsa, 4m, LabUnit.NgPerMl, Days(400), id: "psa-old")
            .Lab(Concepts.LabPsa, 35m, LabUnit.NgPerMl, Days(90), id: "psa-new");

        var card = TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis)!;

        var psa = card.Evidence[^1];
        Assert.Equal(("psa-new", "Latest PSA", 35m), (psa.ResourceId, psa.Role, psa.Value));
    }

    [Fact]
    public void Evaluate_KnownBoneMets_NoImagingCardButFractureCard()
    {
        var results = TestThresholds.Evaluate(Patient().Cancer().BoneMets().Fracture(Days(2)).BonePain(Days(2)).Alp(500m));

        Assert.Equal([CardTopic.PathologicalFracture], results.Select(r => r.Topic));
    }

    [Fact]
    public void Evaluate_PastCancerOutsideLookback_NoImagingCard()
    {
        var facts = Patient().Cancer(clinical: ClinicalStatus.Resolved, abatement: Ago(Days(365 * 12))).BonePain(Days(2)).Alp(500m);

        Assert.Empty(TestThresholds.Evaluate(facts));
    }

    [Fact]
    public void Evaluate_QualifyingAndRemoteCancers_OrdersForQualifyingSitesOnly()
    {
        var facts = Patient()
            .Cancer(CancerSite.Lung, id: "lung")
            .Cancer(CancerSite.Breast, ClinicalStatus.Resolved, abatement: Ago(Days(365 * 15)), id: "breast")
            .BonePain(Days(2));

        var card = TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal(["81554-8"], card.Orders.Select(o => o.Code));
        Assert.Equal([CancerSite.Breast, CancerSite.Lung], card.Sites);
        var remote = card.Evidence.Single(e => e.ResourceId == "breast");
        Assert.Equal("Cancer (breast, past)", remote.Role);
        Assert.Contains("outside the 10-year look-back", remote.Qualifier, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DataSources.Imaging, DataSources.Imaging)]
    [InlineData(DataSources.Imaging | DataSources.Orders, DataSources.Imaging | DataSources.Orders)]
    [InlineData(DataSources.Labs, DataSources.Labs)]
    [InlineData(DataSources.Labs | DataSources.Symptoms | DataSources.Imaging | DataSources.Orders, DataSources.Labs | DataSources.Symptoms | DataSources.Imaging | DataSources.Orders)]
    public void Evaluate_MissingSources_StillFiresAndReportsThem(DataSources unavailable, DataSources expected)
    {
        var card = TestThresholds.Card(Patient().Cancer().BonePain(Days(2)).Unavailable(unavailable), CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal(Indicator.Warning, card.Indicator);
        Assert.Equal(expected, card.Unavailable);
    }

    [Fact]
    public void Evaluate_NoTrigger_NoImagingCard()
    {
        Assert.Empty(TestThresholds.Evaluate(Patient().Cancer().Alp(100m).Calcium(10m).Nausea(Days(1))));
    }

    [Theory]
    // R6 source: GGT value (null = none), GGT lab high, 5'-NT value with lab high 10, bone ALP value with lab high 20, liver disease
    [InlineData(null, null, null, null, false, AlpSource.Undetermined)]
    [InlineData(80.0, null, null, null, false, AlpSource.PossiblyHepatic)] // default GGT ULN 55
    [InlineData(55.0, null, null, null, false, AlpSource.BoneLikely)]      // GGT normal
    [InlineData(40.0, null, null, null, false, AlpSource.BoneLikely)]
    [InlineData(80.0, 100.0, null, null, false, AlpSource.BoneLikely)]     // lab GGT range over default
    [InlineData(50.0, 45.0, null, null, false, AlpSource.PossiblyHepatic)]
    [InlineData(null, null, 15.0, null, false, AlpSource.PossiblyHepatic)] // 5'-NT raised
    [InlineData(null, null, 8.0, null, false, AlpSource.Undetermined)]
    [InlineData(null, null, null, null, true, AlpSource.PossiblyHepatic)]  // liver disease
    [InlineData(40.0, null, null, null, true, AlpSource.PossiblyHepatic)]  // liver flag beats normal GGT
    [InlineData(80.0, null, null, 30.0, false, AlpSource.BoneLikely)]      // bone ALP overrides liver flag
    [InlineData(null, null, 15.0, 30.0, true, AlpSource.BoneLikely)]
    [InlineData(null, null, null, 15.0, false, AlpSource.Undetermined)]    // bone ALP not raised
    public void Evaluate_AlpSource_BoneVersusHepatic(double? ggt, double? ggtHigh, double? nt, double? boneAlp, bool liver, AlpSource expected)
    {
        var facts = Patient().Cancer().Alp(300m, ago: Days(5));
        if (ggt is { } g)
        {
            facts.Lab(Concepts.LabGgt, (decimal)g, LabUnit.UPerL, Days(5), ggtHigh is { } gh ? new Measure((decimal)gh, LabUnit.UPerL) : null);
        }

        if (nt is { } n)
        {
            facts.Lab(Concepts.Lab5Nucleotidase, (decimal)n, LabUnit.UPerL, Days(4), new Measure(10m, LabUnit.UPerL));
        }

        if (boneAlp is { } b)
        {
            facts.Lab(Concepts.LabAlpBone, (decimal)b, LabUnit.UgPerL, Days(6), new Measure(20m, LabUnit.UgPerL));
        }

        if (liver)
        {
            facts.LiverDisease();
        }

        var card = TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal(Indicator.Info, card.Indicator); // hepatic or not, the card still fires (info)
        Assert.Equal(expected, card.Alp!.Source);
        Assert.Equal(ggt is not null, card.Alp.Ggt is not null);
        Assert.Equal(boneAlp is not null, card.Alp.BoneAlp is not null);
    }

    [Fact]
    public void Evaluate_ResolvedLiverDisease_NoHepaticFlag()
    {
        var card = TestThresholds.Card(Patient().Cancer().Alp(300m).LiverDisease(ClinicalStatus.Resolved), CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal(AlpSource.Undetermined, card.Alp!.Source);
    }

    [Fact]
    public void Evaluate_PossiblyHepatic_EvidenceShowsGgtAndLiverDisease()
    {
        var facts = Patient().Cancer().Alp(300m, ago: Days(5), id: "alp")
            .Lab(Concepts.LabGgt, 90m, LabUnit.UPerL, Days(5), id: "ggt")
            .Condition(Codes.LiverDisease, [Concepts.LiverDisease], onset: Ago(Days(50)), id: "liver");

        var card = TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis)!;

        Assert.Equal(["alp", "ggt", "liver"], card.Evidence.Take(3).Select(e => e.ResourceId));
        Assert.Equal("CTCAE grade 1 (2.5 × ULN), may be hepatic", card.Evidence[0].Qualifier);
        Assert.Equal("above ULN", card.Evidence[1].Qualifier);
    }
}
