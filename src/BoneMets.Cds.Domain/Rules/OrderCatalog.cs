using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// Orderable suggestions (clinical.md §5.9): LOINC imaging codes and SNOMED referrals, displays as published. No SNOMED
/// procedure codes for imaging (not verified), and nothing without a code (PSMA PET, whole-body radioiodine scan, CT
/// chest/abdomen/pelvis and CT whole spine are card text only).
/// </summary>
internal static class OrderCatalog
{
    public const string WholeSpineMriCode = "30854-4";
    public const string BoneScanCode = "39818-0";
    public const string FdgPetCtCode = "81554-8";
    public const string XrFemurCode = "24704-9";
    public const string XrHumerusCode = "28567-6";
    public const string XrPelvisCode = "28561-9";
    public const string OncologyReferralCode = "183529009";
    public const string OrthopaedicReferralCode = "308481009";

    public static SuggestedOrder WholeSpineMri(OrderPriority priority, string reason) =>
        new("MRI whole spine", CodeSystems.Loinc, WholeSpineMriCode, "MR Cervical and thoracic and lumbar spine WO contrast", priority, true, reason);

    public static SuggestedOrder OncologyReferral(OrderPriority priority, string reason) =>
        new("Referral to oncology", CodeSystems.Snomed, OncologyReferralCode, "Referral to oncologist (procedure)", priority, true, reason);

    public static SuggestedOrder OrthopaedicReferral(OrderPriority priority, string reason) =>
        new("Referral to orthopaedics", CodeSystems.Snomed, OrthopaedicReferralCode, "Referral to orthopedic surgeon (procedure)", priority, true, reason);

    public static SuggestedOrder BoneScan(OrderPriority priority, bool recommended, string reason) =>
        new("Bone scan (whole body)", CodeSystems.Loinc, BoneScanCode, "NM Whole body Bone Views", priority, recommended, reason);

    public static SuggestedOrder FdgPetCt(OrderPriority priority, bool recommended, string reason) =>
        new("FDG PET/CT (skull base to mid-thigh)", CodeSystems.Loinc, FdgPetCtCode, "PET+CT Guidance for localization of tumor of Skull base to mid-thigh W 18F-FDG IV", priority, recommended, reason);

    /// <summary>
    /// X-ray of the whole painful bone for a matched pain coding (SNOMED only; never from text): 301773003 |Pain in femur|
    /// and 78514002 |Thigh pain| → XR Femur; 771083005 |Pain in upper arm| → XR Humerus; 203508001 |Bony pelvic pain| →
    /// XR Pelvis. Null for any other coding.
    /// </summary>
    public static SuggestedOrder? WholeBoneXray(CodeRef painCode, OrderPriority priority, string reason)
    {
        if (CodeSystems.Normalize(painCode.System) != CodeSystems.Snomed)
        {
            return null;
        }

        return painCode.Code.Trim() switch
        {
            "301773003" or "78514002" => new("X-ray whole femur", CodeSystems.Loinc, XrFemurCode, "XR Femur Views", priority, true, reason),
            "771083005" => new("X-ray whole humerus", CodeSystems.Loinc, XrHumerusCode, "XR Humerus Views", priority, true, reason),
            "203508001" => new("X-ray pelvis", CodeSystems.Loinc, XrPelvisCode, "XR Pelvis Views", priority, true, reason),
            _ => null,
        };
    }

    /// <summary>
    /// Adds <paramref name="order"/> unless an order with the same code is already there; a duplicate merges into the
    /// existing one (recommended if either is, the higher priority, both reasons).
    /// </summary>
    public static void AddDistinct(List<SuggestedOrder> orders, SuggestedOrder? order)
    {
        if (order is null)
        {
            return;
        }

        for (var i = 0; i < orders.Count; i++)
        {
            var existing = orders[i];
            if (string.Equals(existing.System, order.System, StringComparison.Ordinal)
                && string.Equals(existing.Code, order.Code, StringComparison.Ordinal))
            {
                orders[i] = existing with
                {
                    IsRecommended = existing.IsRecommended || order.IsRecommended,
                    Priority = existing.Priority >= order.Priority ? existing.Priority : order.Priority,
                    Reason = existing.Reason.Contains(order.Reason, StringComparison.Ordinal) ? existing.Reason : existing.Reason + " " + order.Reason,
                };
                return;
            }
        }

        orders.Add(order);
    }
}
