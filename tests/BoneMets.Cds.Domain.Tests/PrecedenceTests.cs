using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Tests.Support;
using static BoneMets.Cds.Domain.Tests.Support.FactsBuilder;

namespace BoneMets.Cds.Domain.Tests;

/// <summary>clinical.md §3.1: one card per topic, R1 beats R2, R1/R2 suppress R5, R3 and R4 independent.</summary>
public sealed class PrecedenceTests
{
    public static TheoryData<string, string> Scenarios => new()
    {
        // scenario, expected "rule:indicator" list in output order
        { "red-flag", "R1:Critical" },
        { "spinal-pain", "R2:Warning" },
        { "red-flag+spinal-pain", "R1:Critical" },
        { "red-flag+bone-pain", "R1:Critical,R4:Warning" }, // femur pain: R4 fires, R5 suppressed
        { "spinal-pain+bone-pain", "R2:Warning,R4:Warning" },
        { "red-flag+calcium", "R1:Critical,R3:Critical" },
        { "spinal-pain+alp", "R2:Warning" },                // R5 lab trigger suppressed by R2
        { "bone-pain", "R4:Warning,R5:Warning" },
        { "calcium", "R3:Critical,R5:Info" },
        { "everything", "R1:Critical,R3:Critical,R4:Warning" },
        { "everything-no-neuro", "R2:Warning,R3:Critical,R4:Warning" },
        { "fracture+bone-pain+calcium", "R3:Critical,R4:Warning,R5:Warning" },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Evaluate_Scenario_PrecedenceApplied(string scenario, string expected)
    {
        var facts = Patient().Cancer();
        foreach (var part in scenario.Split('+'))
        {
            switch (part)
            {
                case "red-flag": facts.RedFlag(Days(1)); break;
                case "spinal-pain": facts.SpinalPain(Days(1)); break;
                case "bone-pain": facts.FemurPain(Days(1)); break;
                case "calcium": facts.Calcium(13m); break;
                case "alp": facts.Alp(400m); break;
                case "fracture": facts.Fracture(Days(10)); break;
                case "everything": facts.RedFlag(Days(1)).SpinalPain(Days(1)).FemurPain(Days(1)).Calcium(13m).Alp(400m).Fracture(Days(5)); break;
                case "everything-no-neuro": facts.SpinalPain(Days(1)).FemurPain(Days(1)).Calcium(13m).Alp(400m).Fracture(Days(5)); break;
                default: throw new ArgumentOutOfRangeException(nameof(scenario), part);
            }
        }

        var results = TestThresholds.Evaluate(facts);

        Assert.Equal(expected, string.Join(",", results.Select(r => $"{r.RuleId}:{r.Indicator}")));
        Assert.Equal(results.Count, results.Select(r => r.Topic).Distinct().Count());
    }

    [Fact]
    public void Evaluate_SameFactsTwice_SameResult()
    {
        var facts = Patient().Cancer().SpinalPain(Days(1)).FemurPain(Days(1)).Calcium(13m).Albumin(3m).Alp(400m).Build();
        var engine = TestThresholds.Engine();

        var first = engine.Evaluate(facts, Now);
        var second = engine.Evaluate(facts, Now);

        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Topic, second[i].Topic);
            Assert.Equal(first[i].Evidence, second[i].Evidence);
            Assert.Equal(first[i].Orders, second[i].Orders);
            Assert.Equal(first[i].Calcium, second[i].Calcium);
        }
    }
}
