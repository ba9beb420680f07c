using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Domain.Units;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>The R6 reading plus the evidence behind its source call.</summary>
/// <param name="Assessment">The public ALP assessment.</param>
/// <param name="GgtRaised">The paired GGT is above its ULN.</param>
/// <param name="Nucleotidase">The paired 5'-nucleotidase, if any.</param>
/// <param name="NucleotidaseRaised">That 5'-NT is above the lab ULN.</param>
/// <param name="BoneAlpRaised">The bone-specific ALP is above the lab ULN.</param>
internal sealed record AlpFindings(
    AlpAssessment Assessment,
    bool GgtRaised,
    LabResult? Nucleotidase,
    bool NucleotidaseRaised,
    bool BoneAlpRaised);

/// <summary>
/// R6 (clinical.md): grades the latest valid ALP in the ALP window by multiples of the ULN and calls its likely source.
/// </summary>
/// <remarks>
/// Source, in order: bone-specific ALP (latest in the ALP window) above the lab ULN → bone likely (overrides the liver
/// flag); else GGT (closest to the ALP within ± the GGT pairing window; default ULN 55 U/L) above ULN, or 5'-NT (same
/// pairing) above the lab ULN, or a current liver-disease Condition → possibly hepatic; else GGT present and not raised →
/// bone likely; else undetermined. 5'-NT and bone ALP have no default ULN: without a lab range they cannot count as
/// raised.
/// </remarks>
internal static class AlpAssessor
{
    public static AlpFindings? Assess(EvaluationContext ctx)
    {
        var windowStart = ctx.Clock.Now - TimeSpan.FromDays(ctx.Windows.AlpDays);
        var alp = ctx.Labs.Latest(Concepts.LabAlp, windowStart);
        if (alp is null || alp.Bound == LabBound.AtMost || !ctx.Services.Grader.TryGradeAlp(alp.Value, alp.Unit, alp.ReferenceHigh, out var grade))
        {
            return null;
        }

        var units = ctx.Services.Units;
        var pairing = TimeSpan.FromDays(ctx.Windows.GgtPairingDays);
        var ggt = ctx.Labs.Closest(Concepts.LabGgt, alp.Time!.Value, pairing);
        var ggtRaised = false;
        if (ggt is not null && UnitConverter.TryConvertEnzymeActivity(ggt.Value, ggt.Unit, LabUnit.UPerL, out var ggtU))
        {
            var ggtUln = ReferenceLimits.Resolve(units, Concepts.LabGgt, ggt.ReferenceHigh, LabUnit.UPerL, ctx.Thresholds.DefaultUln.GgtUPerL, out _);
            ggtRaised = ggtU > ggtUln;
        }

        var nucleotidase = ctx.Labs.Closest(Concepts.Lab5Nucleotidase, alp.Time!.Value, pairing);
        var ntRaised = nucleotidase is not null && AboveLabUln(units, nucleotidase);

        var boneAlp = ctx.Labs.Latest(Concepts.LabAlpBone, windowStart);
        var boneRaised = boneAlp is not null && AboveLabUln(units, boneAlp);

        AlpSource source;
        if (boneRaised)
        {
            source = AlpSource.BoneLikely;
        }
        else if (ggtRaised || ntRaised || ctx.Cancer.LiverDisease.Count > 0)
        {
            source = AlpSource.PossiblyHepatic;
        }
        else if (ggt is not null)
        {
            source = AlpSource.BoneLikely;
        }
        else
        {
            source = AlpSource.Undetermined;
        }

        var assessment = new AlpAssessment(
            alp, grade.UlnUPerL, grade.UlnFromLab, grade.ValueUPerL, grade.UlnMultiple, grade.Grade, source, ggt, boneAlp);
        return new AlpFindings(assessment, ggtRaised, nucleotidase, ntRaised, boneRaised);
    }

    /// <summary>Above the result's own reference-range high (converted to its unit); false without a usable range.</summary>
    public static bool AboveLabUln(UnitConverter units, LabResult lab) =>
        ReferenceLimits.TryLabUln(units, lab.Analyte, lab.ReferenceHigh, lab.Unit, out var uln) && lab.Value > uln;
}
