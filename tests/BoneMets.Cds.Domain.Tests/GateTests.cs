using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Tests.Support;
using static BoneMets.Cds.Domain.Tests.Support.FactsBuilder;

namespace BoneMets.Cds.Domain.Tests;

public sealed class GateTests
{
    // A patient who would get R1 (critical), R3 (grade 3) and R4 if no gate stopped evaluation.
    private static FactsBuilder EveryCard() =>
        Patient().Cancer().RedFlag(Days(2)).Calcium(13.0m).Fracture(Days(10));

    [Fact]
    public void Evaluate_AllGatesOpen_GivesCards()
    {
        var results = TestThresholds.Evaluate(EveryCard());

        Assert.Equal([CardTopic.SpinalCordCompression, CardTopic.Hypercalcemia, CardTopic.PathologicalFracture], results.Select(r => r.Topic));
    }

    [Fact]
    public void Evaluate_Deceased_GivesNoCards()
    {
        Assert.Empty(TestThresholds.Evaluate(EveryCard().Deceased()));
    }

    [Theory]
    [InlineData("2008-06-15", true)]  // 18 today
    [InlineData("2008-06-16", false)] // 18 tomorrow
    [InlineData("2008-06-14", true)]
    [InlineData("2015-01-01", false)]
    [InlineData("2030-01-01", false)] // birth date in the future
    [InlineData("1926-01-01", true)]
    public void Evaluate_Age_GatesUnder18(string birthDate, bool expectCards)
    {
        var results = TestThresholds.Evaluate(EveryCard().BornOn(DateOnly.Parse(birthDate, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(expectCards, results.Count > 0);
    }

    [Fact]
    public void Evaluate_NoBirthDate_NoAgeGate()
    {
        Assert.Equal(3, TestThresholds.Evaluate(EveryCard().BornOn(null)).Count);
    }

    [Theory]
    [InlineData("2008-02-29", "2026-02-28T12:00:00Z", true)]
    [InlineData("2008-02-29", "2026-02-27T12:00:00Z", false)]
    [InlineData("2008-06-15", "2026-06-14T23:30:00-02:00", false)] // still the 14th where the clock says so
    [InlineData("2008-06-15", "2026-06-15T00:30:00+02:00", true)]
    public void Evaluate_AgeAtEvaluationDate_UsesNowsOwnDate(string birthDate, string now, bool expectCards)
    {
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);
        var facts = Patient().Cancer(onset: at.AddYears(-1))
            .Condition(Codes.LimbWeakness, [Terminology.Concepts.SymptomNeuroRedFlag], onset: at.AddDays(-1))
            .BornOn(DateOnly.Parse(birthDate, System.Globalization.CultureInfo.InvariantCulture))
            .Build();

        var results = TestThresholds.Engine().Evaluate(facts, at);

        Assert.Equal(expectCards, results.Count > 0);
    }

    [Fact]
    public void Evaluate_NoCancerNoBoneMets_GivesNoCards()
    {
        var facts = Patient().RedFlag(Days(1)).SpinalPain(Days(1)).Calcium(14m).Fracture(Days(3)).FemurPain(Days(2)).Alp(900);

        Assert.Empty(TestThresholds.Evaluate(facts));
    }

    [Fact]
    public void Evaluate_NullFacts_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => TestThresholds.Engine().Evaluate(null!, Now));
    }

    [Fact]
    public void Constructor_NullThresholds_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new RuleEngine(null!));
    }
}
