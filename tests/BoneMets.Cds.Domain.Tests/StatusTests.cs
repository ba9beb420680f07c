using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Tests.Support;
using static BoneMets.Cds.Domain.Tests.Support.FactsBuilder;

namespace BoneMets.Cds.Domain.Tests;

/// <summary>clinical.md §2.3 (Condition statuses) and §2.4 (Observation statuses, presence).</summary>
public sealed class StatusTests
{
    [Theory]
    [InlineData(VerificationStatus.Absent, true)]
    [InlineData(VerificationStatus.Confirmed, true)]
    [InlineData(VerificationStatus.Unconfirmed, false)]
    [InlineData(VerificationStatus.Provisional, false)]
    [InlineData(VerificationStatus.Differential, false)]
    [InlineData(VerificationStatus.Refuted, false)]
    [InlineData(VerificationStatus.EnteredInError, false)]
    [InlineData(VerificationStatus.Unrecognised, false)]
    public void Evaluate_CancerVerificationStatus_CountsOnlyConfirmedOrAbsent(VerificationStatus verification, bool expectCard)
    {
        var facts = Patient().Cancer(verification: verification).RedFlag(Days(1));

        Assert.Equal(expectCard, TestThresholds.Card(facts, CardTopic.SpinalCordCompression) is not null);
    }

    [Theory]
    [InlineData(ClinicalStatus.Active, "current")]
    [InlineData(ClinicalStatus.Recurrence, "current")]
    [InlineData(ClinicalStatus.Relapse, "current")]
    [InlineData(ClinicalStatus.Absent, "current")]
    [InlineData(ClinicalStatus.Remission, "past")]
    [InlineData(ClinicalStatus.Inactive, "past")]
    [InlineData(ClinicalStatus.Resolved, "past")]
    [InlineData(ClinicalStatus.Unrecognised, "past")]
    public void Evaluate_CancerClinicalStatus_CurrentOrPastBothGateMscc(ClinicalStatus clinical, string expectedTense)
    {
        var facts = Patient().Cancer(clinical: clinical, id: "ca").RedFlag(Days(1));

        var card = TestThresholds.Card(facts, CardTopic.SpinalCordCompression);

        Assert.NotNull(card);
        var cancer = Assert.Single(card.Evidence, e => e.ResourceId == "ca");
        Assert.Equal($"Cancer (breast, {expectedTense})", cancer.Role);
        Assert.Equal(Codes.BreastCancer, cancer.Code);
        if (expectedTense == "past")
        {
            Assert.StartsWith("past cancer (", cancer.Qualifier, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(cancer.Qualifier);
        }
    }

    [Fact]
    public void Evaluate_PersonalHistoryCode_IsPastCancerWhateverTheStatus()
    {
        var facts = Patient().BreastHistory(clinical: ClinicalStatus.Active).RedFlag(Days(1));

        var card = TestThresholds.Card(facts, CardTopic.SpinalCordCompression)!;

        var cancer = card.Evidence.Single(e => e.Kind == EvidenceKind.Diagnosis);
        Assert.Equal("Cancer (breast, past)", cancer.Role);
        Assert.Equal("past cancer (personal history)", cancer.Qualifier);
        Assert.Equal([CancerSite.Breast], card.Sites);
    }

    [Theory]
    [InlineData(ClinicalStatus.Active, true)]
    [InlineData(ClinicalStatus.Recurrence, true)]
    [InlineData(ClinicalStatus.Relapse, true)]
    [InlineData(ClinicalStatus.Absent, true)]
    [InlineData(ClinicalStatus.Inactive, false)]
    [InlineData(ClinicalStatus.Remission, false)]
    [InlineData(ClinicalStatus.Resolved, false)]
    [InlineData(ClinicalStatus.Unrecognised, false)]
    public void Evaluate_SymptomClinicalStatus_OnlyPresentStatusesCount(ClinicalStatus clinical, bool expectCard)
    {
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().RedFlag(Days(1), clinical), CardTopic.SpinalCordCompression) is not null);
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().Fracture(Days(1), clinical), CardTopic.PathologicalFracture) is not null);
    }

    [Theory]
    [InlineData(VerificationStatus.Absent, true)]
    [InlineData(VerificationStatus.Confirmed, true)]
    [InlineData(VerificationStatus.Provisional, false)]
    [InlineData(VerificationStatus.Unconfirmed, false)]
    [InlineData(VerificationStatus.Differential, false)]
    [InlineData(VerificationStatus.Refuted, false)]
    [InlineData(VerificationStatus.EnteredInError, false)]
    public void Evaluate_SymptomVerificationStatus_CountsOnlyConfirmedOrAbsent(VerificationStatus verification, bool expectCard)
    {
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().RedFlag(Days(1), verification: verification), CardTopic.SpinalCordCompression) is not null);
        Assert.Equal(expectCard, TestThresholds.Card(Patient().Cancer().Fracture(Days(1), verification: verification), CardTopic.PathologicalFracture) is not null);
    }

    [Theory]
    [InlineData(VerificationStatus.Provisional, false)]
    [InlineData(VerificationStatus.Refuted, false)]
    [InlineData(VerificationStatus.Confirmed, true)]
    public void Evaluate_BoneMetsVerification_GatesContextAndImaging(VerificationStatus verification, bool counted)
    {
        // bone mets alone give context for R4; counted bone mets also suppress R5 for a breast cancer
        Assert.Equal(counted, TestThresholds.Card(Patient().BoneMets(verification: verification).Fracture(Days(5)), CardTopic.PathologicalFracture) is not null);
        Assert.Equal(!counted, TestThresholds.Card(Patient().Cancer().BoneMets(verification: verification).BonePain(Days(5)), CardTopic.SuspectedBoneMetastasis) is not null);
    }

    [Theory]
    [InlineData(ClinicalStatus.Resolved)]
    [InlineData(ClinicalStatus.Remission)]
    [InlineData(ClinicalStatus.Active)]
    public void Evaluate_BoneMetsAnyClinicalStatus_CountsAsKnown(ClinicalStatus clinical)
    {
        var facts = Patient().Cancer().BoneMets(clinical).BonePain(Days(5));

        Assert.Null(TestThresholds.Card(facts, CardTopic.SuspectedBoneMetastasis));
    }

    [Theory]
    // onset days ago, recorded days ago (null = none), counts?
    [InlineData(null, 2.0, true)]
    [InlineData(2.0, null, true)]
    [InlineData(null, null, false)]
    [InlineData(40.0, 2.0, true)]   // later of the two
    [InlineData(2.0, 40.0, true)]
    [InlineData(40.0, 35.0, false)]
    [InlineData(-10.0, 2.0, true)]  // future onset ignored, recorded used
    [InlineData(-10.0, null, false)]
    public void Evaluate_SymptomDate_IsLaterOfOnsetAndRecorded(double? onsetDaysAgo, double? recordedDaysAgo, bool expectCard)
    {
        var facts = Patient().Cancer().Condition(
            Codes.LimbWeakness, [Terminology.Concepts.SymptomNeuroRedFlag],
            onset: onsetDaysAgo is { } o ? Ago(Days(o)) : null,
            recorded: recordedDaysAgo is { } r ? Ago(Days(r)) : null);

        Assert.Equal(expectCard, TestThresholds.Card(facts, CardTopic.SpinalCordCompression) is not null);
    }

    [Theory]
    [InlineData(ResultStatus.Final, true)]
    [InlineData(ResultStatus.Amended, true)]
    [InlineData(ResultStatus.Corrected, true)]
    [InlineData(ResultStatus.Preliminary, false)]
    [InlineData(ResultStatus.Registered, false)]
    [InlineData(ResultStatus.Cancelled, false)]
    [InlineData(ResultStatus.EnteredInError, false)]
    [InlineData(ResultStatus.Unknown, false)]
    public void Evaluate_ObservationStatus_OnlyFinalAmendedCorrected(ResultStatus status, bool expectCard)
    {
        var lab = Patient().Cancer().Calcium(12.0m, status: status);
        var symptom = Patient().Cancer().SymptomObservation(Codes.LimbWeakness, [Terminology.Concepts.SymptomNeuroRedFlag], Days(1), status: status);

        Assert.Equal(expectCard, TestThresholds.Card(lab, CardTopic.Hypercalcemia) is not null);
        Assert.Equal(expectCard, TestThresholds.Card(symptom, CardTopic.SpinalCordCompression) is not null);
    }

    [Theory]
    [InlineData(Presence.Present, true)]
    [InlineData(Presence.Absent, false)]
    [InlineData(Presence.Indeterminate, false)]
    public void Evaluate_SymptomObservationPresence_OnlyPresentCounts(Presence presence, bool expectCard)
    {
        var facts = Patient().Cancer().SymptomObservation(Codes.LimbWeakness, [Terminology.Concepts.SymptomNeuroRedFlag], Days(1), presence);

        Assert.Equal(expectCard, TestThresholds.Card(facts, CardTopic.SpinalCordCompression) is not null);
    }

    [Fact]
    public void Evaluate_AbsentObservationAfterPresentCondition_DoesNotCancelIt()
    {
        var facts = Patient().Cancer().RedFlag(Days(5))
            .SymptomObservation(Codes.LimbWeakness, [Terminology.Concepts.SymptomNeuroRedFlag], Days(1), Presence.Absent);

        Assert.Equal(Indicator.Critical, TestThresholds.Card(facts, CardTopic.SpinalCordCompression)!.Indicator);
    }

    [Fact]
    public void Evaluate_SymptomObservationWithoutTime_DoesNotCount()
    {
        var facts = Patient().Cancer().SymptomObservation(Codes.LimbWeakness, [Terminology.Concepts.SymptomNeuroRedFlag], null);

        Assert.Empty(TestThresholds.Evaluate(facts));
    }

    [Fact]
    public void Evaluate_LabWithoutTime_IsIgnored()
    {
        var facts = Patient().Cancer().Lab(Terminology.Concepts.LabCalciumTotal, 13m, LabUnit.MgPerDl, null);

        Assert.Empty(TestThresholds.Evaluate(facts));
    }

    [Theory]
    [InlineData(LabUnit.GPerDl)]
    [InlineData(LabUnit.UPerL)]
    [InlineData(LabUnit.NgPerMl)]
    public void Evaluate_LabInUnitNotValidForAnalyte_IsIgnored(LabUnit unit)
    {
        var facts = Patient().Cancer().Calcium(13m, unit);

        Assert.Empty(TestThresholds.Evaluate(facts));
    }
}
