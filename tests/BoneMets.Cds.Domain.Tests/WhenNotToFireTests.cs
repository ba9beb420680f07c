using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Domain.Tests.Support;
using static BoneMets.Cds.Domain.Tests.Support.FactsBuilder;

namespace BoneMets.Cds.Domain.Tests;

/// <summary>Every row of clinical.md §3.2 "When not to fire", each against a control that does fire.</summary>
public sealed class WhenNotToFireTests
{
    public static TheoryData<string> Rows => new()
    {
        "deceased",
        "under-18",
        "no-target-cancer",
        "cancer-entered-in-error",
        "cancer-refuted",
        "cancer-provisional",
        "cancer-unconfirmed",
        "cancer-differential",
        "past-cancer-over-10-years",
        "symptom-resolved",
        "symptom-inactive",
        "symptom-remission",
        "symptom-older-than-30-days",
        "observation-false",
        "known-bone-mets",
        "bone-imaging-completed",
        "bone-imaging-ordered",
        "lab-preliminary",
        "lab-outside-window",
        "lab-no-unit-mapped",
        "lab-local-code-only",
        "older-abnormal-newer-normal",
        "constipation-only",
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Evaluate_WhenNotToFireRow_SuppressesTheCardItsControlGets(string row)
    {
        var (control, suppressed, topic) = Build(row);

        var controlCard = TestThresholds.Card(control, topic);
        var suppressedResults = TestThresholds.Evaluate(suppressed);

        Assert.NotNull(controlCard);
        Assert.DoesNotContain(suppressedResults, r => r.Topic == topic);
    }

    [Fact]
    public void Evaluate_PastCancerOver10Years_OtherRulesStillApply()
    {
        var facts = Patient().Cancer(clinical: ClinicalStatus.Remission, abatement: Ago(Days(365 * 11)))
            .RedFlag(Days(1)).Calcium(12m).Fracture(Days(5));

        Assert.Equal(["R1", "R3", "R4"], TestThresholds.Evaluate(facts).Select(r => r.RuleId));
    }

    private static (FactsBuilder Control, FactsBuilder Suppressed, CardTopic Topic) Build(string row)
    {
        const CardTopic Mscc = CardTopic.SpinalCordCompression;
        const CardTopic Imaging = CardTopic.SuspectedBoneMetastasis;
        const CardTopic Calcium = CardTopic.Hypercalcemia;
        var symptomCode = Codes.LimbWeakness;
        string[] red = [Concepts.SymptomNeuroRedFlag];
        return row switch
        {
            "deceased" => (Patient().Cancer().RedFlag(Days(1)), Patient().Cancer().RedFlag(Days(1)).Deceased(), Mscc),
            "under-18" => (Patient().Cancer().RedFlag(Days(1)), Patient().Cancer().RedFlag(Days(1)).BornOn(new DateOnly(2010, 1, 1)), Mscc),
            "no-target-cancer" => (Patient().Cancer().RedFlag(Days(1)), Patient().RedFlag(Days(1)), Mscc),
            "cancer-entered-in-error" => (Patient().Cancer().RedFlag(Days(1)), Patient().Cancer(verification: VerificationStatus.EnteredInError).RedFlag(Days(1)), Mscc),
            "cancer-refuted" => (Patient().Cancer().RedFlag(Days(1)), Patient().Cancer(verification: VerificationStatus.Refuted).RedFlag(Days(1)), Mscc),
            "cancer-provisional" => (Patient().Cancer().RedFlag(Days(1)), Patient().Cancer(verification: VerificationStatus.Provisional).RedFlag(Days(1)), Mscc),
            "cancer-unconfirmed" => (Patient().Cancer().RedFlag(Days(1)), Patient().Cancer(verification: VerificationStatus.Unconfirmed).RedFlag(Days(1)), Mscc),
            "cancer-differential" => (Patient().Cancer().RedFlag(Days(1)), Patient().Cancer(verification: VerificationStatus.Differential).RedFlag(Days(1)), Mscc),
            "past-cancer-over-10-years" => (
                Patient().Cancer(clinical: ClinicalStatus.Remission, abatement: Ago(Days(365 * 9))).BonePain(Days(1)),
                Patient().Cancer(clinical: ClinicalStatus.Remission, abatement: Ago(Days(365 * 11))).BonePain(Days(1)),
                Imaging),
            "symptom-resolved" => (Patient().Cancer().RedFlag(Days(1)), Patient().Cancer().RedFlag(Days(1), ClinicalStatus.Resolved), Mscc),
            "symptom-inactive" => (Patient().Cancer().RedFlag(Days(1)), Patient().Cancer().RedFlag(Days(1), ClinicalStatus.Inactive), Mscc),
            "symptom-remission" => (Patient().Cancer().RedFlag(Days(1)), Patient().Cancer().RedFlag(Days(1), ClinicalStatus.Remission), Mscc),
            "symptom-older-than-30-days" => (Patient().Cancer().RedFlag(Days(29)), Patient().Cancer().RedFlag(Days(31)), Mscc),
            "observation-false" => (
                Patient().Cancer().SymptomObservation(symptomCode, red, Days(1), Presence.Present),
                Patient().Cancer().SymptomObservation(symptomCode, red, Days(1), Presence.Absent),
                Mscc),
            "known-bone-mets" => (Patient().Cancer().BonePain(Days(1)), Patient().Cancer().BoneMets().BonePain(Days(1)), Imaging),
            "bone-imaging-completed" => (Patient().Cancer().BonePain(Days(1)), Patient().Cancer().BonePain(Days(1)).Imaging(ImagingStatus.Done, Days(10)), Imaging),
            "bone-imaging-ordered" => (
                Patient().Cancer().BonePain(Days(1)),
                Patient().Cancer().BonePain(Days(1)).Imaging(ImagingStatus.Ordered, Days(3), ImagingSource.Order),
                Imaging),
            "lab-preliminary" => (Patient().Cancer().Calcium(12m), Patient().Cancer().Calcium(12m, status: ResultStatus.Preliminary), Calcium),
            "lab-outside-window" => (Patient().Cancer().Calcium(12m, ago: Days(6)), Patient().Cancer().Calcium(12m, ago: Days(8)), Calcium),
            // the mapper only passes labs with a mapped unit; a value in a unit the analyte does not accept is dropped too
            "lab-no-unit-mapped" => (Patient().Cancer().Calcium(12m), Patient().Cancer().Calcium(12m, LabUnit.GPerL), Calcium),
            // a local-only code never matches a concept set, so the mapper yields no lab for it at all
            "lab-local-code-only" => (Patient().Cancer().Calcium(12m), Patient().Cancer(), Calcium),
            "older-abnormal-newer-normal" => (
                Patient().Cancer().Calcium(12m, ago: Days(3)),
                Patient().Cancer().Calcium(12m, ago: Days(3)).Calcium(9.9m, ago: Days(1)),
                Calcium),
            "constipation-only" => (
                Patient().Cancer().RedFlag(Days(1)),
                Patient().Cancer().Symptom(Codes.Constipation, [Concepts.SymptomHypercalcaemia], Days(1)),
                Mscc),
            _ => throw new ArgumentOutOfRangeException(nameof(row), row),
        };
    }
}
