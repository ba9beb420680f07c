using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Domain.Tests.Support;
using static BoneMets.Cds.Domain.Tests.Support.FactsBuilder;

namespace BoneMets.Cds.Domain.Tests;

/// <summary>clinical.md §2.4 "latest wins", lab-reported corrected calcium, ionized calcium, max of the two grades.</summary>
public sealed class LabSelectionTests
{
    [Theory]
    // older value, newer value, expected grade (0 = no card)
    [InlineData(12.0, 9.8, 0)]  // older abnormal, newer normal → latest wins, no card
    [InlineData(9.8, 12.0, 2)]  // older normal, newer abnormal → card
    [InlineData(13.8, 11.0, 1)] // not the maximum
    [InlineData(11.0, 13.8, 4)]
    public void Evaluate_TotalCalcium_LatestWinsNotMax(decimal older, decimal newer, int expectedGrade)
    {
        var facts = Patient().Cancer().Calcium(older, ago: Days(4), id: "older").Calcium(newer, ago: Days(1), id: "newer");

        var card = TestThresholds.Card(facts, CardTopic.Hypercalcemia);

        if (expectedGrade == 0)
        {
            Assert.Null(card);
        }
        else
        {
            Assert.Equal(expectedGrade, card!.Calcium!.Grade);
            Assert.Equal("newer", card.Calcium.TotalCalcium!.Id);
        }
    }

    [Theory]
    [InlineData(1.7, 1.25, 0)]
    [InlineData(1.25, 1.7, 3)]
    public void Evaluate_IonizedCalcium_LatestWins(decimal older, decimal newer, int expectedGrade)
    {
        var facts = Patient().Cancer()
            .Lab(Concepts.LabCalciumIonized, older, LabUnit.MmolPerL, Days(3))
            .Lab(Concepts.LabCalciumIonized, newer, LabUnit.MmolPerL, Days(1));

        Assert.Equal(expectedGrade, TestThresholds.Card(facts, CardTopic.Hypercalcemia)?.Calcium!.Grade ?? 0);
    }

    [Theory]
    [InlineData(900, 100, false)]
    [InlineData(100, 900, true)]
    public void Evaluate_Alp_LatestWins(decimal older, decimal newer, bool expectCard)
    {
        var facts = Patient().Cancer().Alp(older, ago: Days(20)).Alp(newer, ago: Days(2));

        Assert.Equal(expectCard, TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis) is not null);
    }

    [Fact]
    public void Evaluate_InvalidNewerResult_OlderValidOneIsLatest()
    {
        var facts = Patient().Cancer().Calcium(12m, ago: Days(3), id: "valid").Calcium(9m, ago: Days(1), status: ResultStatus.Preliminary);

        Assert.Equal("valid", TestThresholds.Card(facts, CardTopic.Hypercalcemia)!.Calcium!.TotalCalcium!.Id);
    }

    [Fact]
    public void Evaluate_SameTime_CorrectedStatusBeatsFinal()
    {
        var facts = Patient().Cancer()
            .Calcium(12m, ago: Days(1), id: "final")
            .Calcium(9.5m, ago: Days(1), id: "corrected", status: ResultStatus.Corrected);

        Assert.Null(TestThresholds.Card(facts, CardTopic.Hypercalcemia));
    }

    [Fact]
    public void Evaluate_LabCorrectedOnly_UsedAsReportedWithoutPayne()
    {
        var facts = Patient().Cancer()
            .Lab(Concepts.LabCalciumCorrected, 11.6m, LabUnit.MgPerDl, Hours(5), id: "lc")
            .Albumin(2.0m, ago: Hours(5));

        var card = TestThresholds.Card(facts, CardTopic.Hypercalcemia)!;

        Assert.Equal("lab-corrected", card.Variant);
        Assert.Equal("lc", card.Calcium!.TotalCalcium!.Id);
        Assert.Null(card.Calcium.Albumin);
        Assert.Null(card.Calcium.CorrectedValue);
        Assert.Equal(11.6m, card.Calcium.GradedValue);
        Assert.Equal(2, card.Calcium.Grade);
        Assert.Equal("Corrected calcium (lab-reported)", card.Evidence[0].Role);
    }

    [Theory]
    // total days ago, lab-corrected days ago, expected id
    [InlineData(1.0, 3.0, "total")]
    [InlineData(3.0, 1.0, "lc")]     // a newer lab-corrected result wins (latest wins)
    [InlineData(2.0, 2.0, "total")]  // same time: total (with our own correction) preferred
    public void Evaluate_TotalAndLabCorrected_LatestWinsTotalOnTie(double totalDaysAgo, double correctedDaysAgo, string expectedId)
    {
        var facts = Patient().Cancer()
            .Calcium(12m, ago: Days(totalDaysAgo), id: "total")
            .Lab(Concepts.LabCalciumCorrected, 12.1m, LabUnit.MgPerDl, Days(correctedDaysAgo), id: "lc");

        Assert.Equal(expectedId, TestThresholds.Card(facts, CardTopic.Hypercalcemia)!.Calcium!.TotalCalcium!.Id);
    }

    [Fact]
    public void Evaluate_LabCorrectedOutsideWindowTotalInside_TotalUsed()
    {
        var facts = Patient().Cancer()
            .Calcium(11m, ago: Days(2), id: "total")
            .Lab(Concepts.LabCalciumCorrected, 14m, LabUnit.MgPerDl, Days(9), id: "lc");

        Assert.Equal(1, TestThresholds.Card(facts, CardTopic.Hypercalcemia)!.Calcium!.Grade);
    }

    [Theory]
    // total mg/dL, ionized mmol/L, total grade, ionized grade, grade
    [InlineData(10.0, 1.55, 0, 2, 2)]
    [InlineData(12.0, 1.40, 2, 1, 2)]
    [InlineData(13.6, 1.25, 4, 0, 4)]
    [InlineData(11.0, 1.70, 1, 3, 3)]
    public void Evaluate_TotalAndIonized_GradeIsMax(decimal total, decimal ionized, int totalGrade, int ionizedGrade, int grade)
    {
        var facts = Patient().Cancer().Calcium(total).Lab(Concepts.LabCalciumIonized, ionized, LabUnit.MmolPerL, Hours(3));

        var calcium = TestThresholds.Card(facts, CardTopic.Hypercalcemia)!.Calcium!;

        Assert.Equal(totalGrade, calcium.TotalGrade);
        Assert.Equal(ionizedGrade, calcium.IonizedGrade);
        Assert.Equal(grade, calcium.Grade);
        Assert.Equal(ionized, calcium.IonizedMmolL);
        Assert.Equal(1.32m, calcium.IonizedUlnMmolL);
    }

    [Fact]
    public void Evaluate_IonizedInMgPerDl_ConvertedToMmolPerL()
    {
        var facts = Patient().Cancer().Lab(Concepts.LabCalciumIonized, 6.5m, LabUnit.MgPerDl, Hours(3), code: Codes.Loinc("17863-2"));

        var card = TestThresholds.Card(facts, CardTopic.Hypercalcemia)!;

        Assert.Equal("ionized-only", card.Variant);
        Assert.Equal(1.622m, card.Calcium!.IonizedMmolL);
        Assert.Equal(3, card.Calcium.IonizedGrade);
        Assert.Null(card.Calcium.TotalCalcium);
        Assert.Equal(Indicator.Critical, card.Indicator);
    }

    [Theory]
    [InlineData(LabUnit.MgPerDl, 10.9, 10.8, LabUnit.MgPerDl, 1)]
    [InlineData(LabUnit.MgPerDl, 10.7, 10.8, LabUnit.MgPerDl, 0)]
    [InlineData(LabUnit.MgPerDl, 10.4, 10.2, LabUnit.MgPerDl, 1)]
    [InlineData(LabUnit.MmolPerL, 2.60, 2.55, LabUnit.MmolPerL, 1)]
    [InlineData(LabUnit.MmolPerL, 2.60, 10.2, LabUnit.MgPerDl, 1)]
    public void Evaluate_ReferenceRange_UlnOverDefault(LabUnit unit, decimal value, decimal high, LabUnit highUnit, int expectedGrade)
    {
        var facts = Patient().Cancer().Calcium(value, unit, high: new Measure(high, highUnit));

        var card = TestThresholds.Card(facts, CardTopic.Hypercalcemia);

        Assert.Equal(expectedGrade, card?.Calcium!.Grade ?? 0);
        if (card is not null)
        {
            Assert.True(card.Calcium!.TotalUlnFromLab);
        }
    }

    [Fact]
    public void Evaluate_MeqPerLCalcium_GradedInMmolPerL()
    {
        var facts = Patient().Cancer().Calcium(6.64m, LabUnit.MeqPerL).Albumin(38m, LabUnit.GPerL);

        var calcium = TestThresholds.Card(facts, CardTopic.Hypercalcemia)!.Calcium!;

        Assert.Equal(3.36m, calcium.CorrectedValue);
        Assert.Equal(3.36m, calcium.GradedValue);
        Assert.Equal(LabUnit.MmolPerL, calcium.GradedUnit);
        Assert.Equal(2.62m, calcium.TotalUln);
        Assert.Equal(3, calcium.Grade);
    }

    [Theory]
    // bound of the newest total calcium, expected grade (0 = no card)
    [InlineData(LabBound.AtLeast, 15.0, 4)]   // ">15.0": at least grade 4, never dropped
    [InlineData(LabBound.AtLeast, 13.0, 3)]   // ">13.0": graded as 13.0 (the true grade can only be higher)
    [InlineData(LabBound.AtMost, 13.0, 0)]    // "<13.0": cannot show elevation
    [InlineData(LabBound.AtMost, 2.0, 0)]     // "<2.0": a newer low result, wins over the older abnormal one
    public void Evaluate_CensoredTotalCalcium_UsesTheBoundOnlyWhereItCannotOverstate(LabBound bound, decimal value, int expectedGrade)
    {
        var facts = Patient().Cancer()
            .Calcium(12.0m, ago: Days(4), id: "older")
            .Calcium(value, ago: Days(1), id: "newer").Bound("newer", bound);

        var card = TestThresholds.Card(facts, CardTopic.Hypercalcemia);

        if (expectedGrade == 0)
        {
            Assert.Null(card);
        }
        else
        {
            Assert.Equal(expectedGrade, card!.Calcium!.Grade);
            Assert.Contains(card.Evidence, e => e.Qualifier is { } q && q.Contains("lower bound", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Evaluate_AlpReportedBelowABound_IsNotRaised()
    {
        var facts = Patient().Cancer().Alp(400m, ago: Days(2), id: "alp").Bound("alp", LabBound.AtMost);

        Assert.Null(TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis));
    }
}
