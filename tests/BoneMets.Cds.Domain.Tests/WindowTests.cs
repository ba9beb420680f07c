using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Domain.Tests.Support;
using static BoneMets.Cds.Domain.Tests.Support.FactsBuilder;

namespace BoneMets.Cds.Domain.Tests;

/// <summary>clinical.md §2.5 windows: each edge inside and outside by one hour (or one day for long windows).</summary>
public sealed class WindowTests
{
    [Theory]
    [InlineData(7 * 24 - 1, true)]
    [InlineData(7 * 24, true)] // the edge itself is inside
    [InlineData(7 * 24 + 1, false)]
    public void Evaluate_CalciumWindow_SevenDays(double hoursAgo, bool expectCard)
    {
        var facts = Patient().Cancer().Calcium(12m, ago: Hours(hoursAgo));

        Assert.Equal(expectCard, TestThresholds.Card(facts, CardTopic.Hypercalcemia) is not null);
    }

    [Theory]
    [InlineData(7 * 24 - 1, true)]
    [InlineData(7 * 24 + 1, false)]
    public void Evaluate_IonizedCalciumWindow_SevenDays(double hoursAgo, bool expectCard)
    {
        var facts = Patient().Cancer().Lab(Concepts.LabCalciumIonized, 1.55m, LabUnit.MmolPerL, Hours(hoursAgo));

        Assert.Equal(expectCard, TestThresholds.Card(facts, CardTopic.Hypercalcemia) is not null);
    }

    [Theory]
    // albumin time relative to the calcium (calcium 4 days ago); positive = after the calcium
    [InlineData(-47, true)]
    [InlineData(-48, true)]
    [InlineData(-49, false)]
    [InlineData(47, true)]
    [InlineData(49, false)]
    public void Evaluate_AlbuminPairing_PlusMinus48Hours(double albuminOffsetHours, bool expectCorrected)
    {
        var calciumAgo = Days(4);
        var facts = Patient().Cancer().Calcium(11.0m, ago: calciumAgo).Albumin(3.0m, ago: calciumAgo - Hours(albuminOffsetHours));

        var card = TestThresholds.Card(facts, CardTopic.Hypercalcemia)!;
        var calcium = card.Calcium!;

        if (expectCorrected)
        {
            Assert.NotNull(calcium.Albumin);
            Assert.Equal(11.8m, calcium.CorrectedValue);
            Assert.Equal(2, calcium.Grade);
            Assert.Equal("payne-corrected", card.Variant);
        }
        else
        {
            Assert.Null(calcium.Albumin);
            Assert.Null(calcium.CorrectedValue);
            Assert.Equal(11.0m, calcium.GradedValue);
            Assert.Equal(1, calcium.Grade);
            Assert.Equal("uncorrected", card.Variant);
        }
    }

    [Fact]
    public void Evaluate_AlbuminOutsidePairing_NoCardBecauseUncorrectedIsNormal()
    {
        var facts = Patient().Cancer().Calcium(10.2m, ago: Days(4)).Albumin(2.1m, ago: Days(1));

        Assert.Null(TestThresholds.Card(facts, CardTopic.Hypercalcemia));
    }

    [Fact]
    public void Evaluate_TwoAlbumins_ClosestToCalciumIsUsed()
    {
        var facts = Patient().Cancer().Calcium(10.2m, ago: Days(3))
            .Albumin(4.0m, ago: Days(3) + Hours(40), id: "far")
            .Albumin(2.1m, ago: Days(3) - Hours(2), id: "near");

        var calcium = TestThresholds.Card(facts, CardTopic.Hypercalcemia)!.Calcium!;

        Assert.Equal("near", calcium.Albumin!.Id);
        Assert.Equal(11.72m, calcium.CorrectedValue);
    }

    [Theory]
    [InlineData(30 * 24 - 1, true)]
    [InlineData(30 * 24 + 1, false)]
    public void Evaluate_AlpWindow_ThirtyDays(double hoursAgo, bool expectCard)
    {
        var facts = Patient().Cancer().Alp(200m, ago: Hours(hoursAgo));

        Assert.Equal(expectCard, TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis) is not null);
    }

    [Theory]
    [InlineData(-(7 * 24 - 1), AlpSource.PossiblyHepatic)]
    [InlineData(7 * 24 - 1, AlpSource.PossiblyHepatic)]
    [InlineData(-(7 * 24 + 1), AlpSource.Undetermined)]
    [InlineData(7 * 24 + 1, AlpSource.Undetermined)]
    public void Evaluate_GgtPairing_PlusMinusSevenDays(double ggtOffsetHours, AlpSource expected)
    {
        var alpAgo = Days(10);
        var facts = Patient().Cancer().Alp(200m, ago: alpAgo)
            .Lab(Concepts.LabGgt, 90m, LabUnit.UPerL, alpAgo - Hours(ggtOffsetHours));

        Assert.Equal(expected, TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis)!.Alp!.Source);
    }

    [Theory]
    [InlineData(30 * 24 - 1, true)]
    [InlineData(30 * 24 + 1, false)]
    public void Evaluate_SymptomWindow_ThirtyDays(double hoursAgo, bool expectCard)
    {
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().RedFlag(Hours(hoursAgo)), CardTopic.SpinalCordCompression) is not null);
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().SpinalPain(Hours(hoursAgo)), CardTopic.SpinalCordCompression) is not null);
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().FemurPain(Hours(hoursAgo)), CardTopic.PathologicalFracture) is not null);
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().BonePain(Hours(hoursAgo)), CardTopic.SuspectedBoneMetastasis) is not null);
        var observation = Patient().Cancer().SymptomObservation(Codes.LimbWeakness, [Concepts.SymptomNeuroRedFlag], Hours(hoursAgo));
        Assert.Equal(expectCard, TestThresholds.Card(observation, CardTopic.SpinalCordCompression) is not null);
    }

    [Theory]
    [InlineData(89, true)]
    [InlineData(91, false)]
    public void Evaluate_FractureWindow_NinetyDays(double daysAgo, bool expectCard)
    {
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().Fracture(Days(daysAgo)), CardTopic.PathologicalFracture) is not null);
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().Fracture(Days(daysAgo)), CardTopic.SuspectedBoneMetastasis) is not null);
    }

    [Theory]
    // imaging status, hours ago (null = no date), source, suppresses the imaging card?
    [InlineData(ImagingStatus.Done, 30 * 24 - 1.0, ImagingSource.Report, true)]
    [InlineData(ImagingStatus.Done, 30 * 24 + 1.0, ImagingSource.Report, false)]
    [InlineData(ImagingStatus.Done, null, ImagingSource.Report, false)]
    [InlineData(ImagingStatus.Done, -48.0, ImagingSource.Report, false)] // done "in the future": data error
    [InlineData(ImagingStatus.Done, 5.0, ImagingSource.Order, true)]     // completed order
    [InlineData(ImagingStatus.Ordered, 30 * 24 - 1.0, ImagingSource.Order, true)]
    [InlineData(ImagingStatus.Ordered, 30 * 24 + 1.0, ImagingSource.Order, false)]
    [InlineData(ImagingStatus.Ordered, -24 * 10.0, ImagingSource.Order, true)] // scheduled in 10 days
    [InlineData(ImagingStatus.Ordered, null, ImagingSource.Order, true)]
    [InlineData(ImagingStatus.Other, 5.0, ImagingSource.Report, false)]
    [InlineData(ImagingStatus.Other, 5.0, ImagingSource.Order, false)]
    public void Evaluate_RecentBoneImaging_SuppressesImagingCard(ImagingStatus status, double? hoursAgo, ImagingSource source, bool suppressed)
    {
        var facts = Patient().Cancer().BonePain(Days(3)).Imaging(status, hoursAgo is { } h ? Hours(h) : null, source);

        Assert.Equal(suppressed, TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis) is null);
    }

    [Theory]
    // past cancer (remission): abatement days ago (null = none), onset days ago, recorded days ago, qualifies for R5?
    [InlineData(3652.0 - 1, null, null, true)]  // 10 years - 1 day
    [InlineData(3653.0 + 1, null, null, false)] // 10 years + 1 day
    [InlineData(null, 4000.0, 3000.0, true)]    // no abatement: latest of onset / recorded
    [InlineData(null, 3000.0, 4000.0, true)]
    [InlineData(null, 4000.0, 4100.0, false)]
    [InlineData(null, null, null, true)]        // no date at all: counts
    [InlineData(4000.0, 100.0, 100.0, false)]  // abatement decides even when onset/recorded are recent
    public void Evaluate_CancerLookback_TenYearsForImagingOnly(double? abatedDaysAgo, double? onsetDaysAgo, double? recordedDaysAgo, bool qualifies)
    {
        var facts = Patient()
            .Condition(
                Codes.BreastCancer, [Concepts.CancerBreast], ClinicalStatus.Remission,
                onset: onsetDaysAgo is { } o ? Ago(Days(o)) : null,
                recorded: recordedDaysAgo is { } r ? Ago(Days(r)) : null,
                abatement: abatedDaysAgo is { } a ? Ago(Days(a)) : null)
            .Fracture(Days(5));

        Assert.Equal(qualifies, TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis) is not null);
        Assert.NotNull(TestThresholds.Card(facts, CardTopic.PathologicalFracture)); // R4 has no look-back
    }

    [Fact]
    public void Evaluate_CancerLookback_ExactlyTenYearsIsInside()
    {
        var facts = Patient()
            .Condition(Codes.BreastCancer, [Concepts.CancerBreast], ClinicalStatus.Resolved, abatement: Now.AddYears(-10))
            .BonePain(Days(2));

        Assert.NotNull(TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis));
    }

    [Theory]
    [InlineData(-0.5, true)]  // 30 min in the future: clock skew, tolerated
    [InlineData(-0.99, true)]
    [InlineData(-1.01, false)] // beyond the 1 h tolerance: ignored
    [InlineData(-48, false)]
    public void Evaluate_FutureDatedResult_IgnoredBeyondTolerance(double hoursAgo, bool expectCard)
    {
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().Calcium(12m, ago: Hours(hoursAgo)), CardTopic.Hypercalcemia) is not null);
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().RedFlag(Hours(hoursAgo)), CardTopic.SpinalCordCompression) is not null);
    }

    [Fact]
    public void Evaluate_FutureDatedNormalCalcium_OlderAbnormalOneIsLatest()
    {
        var facts = Patient().Cancer().Calcium(12m, ago: Days(1), id: "real").Calcium(9.5m, ago: Hours(-5), id: "bogus");

        Assert.Equal("real", TestThresholds.Card(facts, CardTopic.Hypercalcemia)!.Calcium!.TotalCalcium!.Id);
    }
}
