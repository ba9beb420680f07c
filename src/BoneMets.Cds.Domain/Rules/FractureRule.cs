using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// R4 pathological or impending fracture (clinical.md §3, warning): CancerContext and a recent pathological fracture
/// Condition (fracture window), or recent weight-bearing long-bone pain (group L, symptom window). A fracture wins the
/// variant; long-bone pain is then shown as supporting evidence.
/// </summary>
/// <remarks>
/// Orders: a pathological fracture → urgent orthopaedic referral only (the fracture site is not derived from codes or
/// text); long-bone pain → urgent X-ray of the whole painful bone, chosen from the matched SNOMED pain code.
/// </remarks>
internal static class FractureRule
{
    public const string VariantPathological = "pathological-fracture";
    public const string VariantImpending = "impending-fracture";

    private const string XrayReason =
        "Painful weight-bearing long bone in a patient with cancer (possible impending fracture): X-ray of the whole bone, "
        + "then the Mirels score (≥ 9 → refer for prophylactic fixation).";

    public static Recommendation? Evaluate(EvaluationContext ctx)
    {
        var symptoms = ctx.Symptoms;
        if (!ctx.Cancer.Context || (symptoms.Fractures.Count == 0 && symptoms.LongBonePain.Count == 0))
        {
            return null;
        }

        var evidence = new EvidenceList();
        var orders = new List<SuggestedOrder>(3);
        string variant;
        if (symptoms.Fractures.Count > 0)
        {
            variant = VariantPathological;
            evidence.AddFindings(symptoms.Fractures, "Pathological fracture");
            orders.Add(OrderCatalog.OrthopaedicReferral(
                OrderPriority.Urgent,
                "Pathological fracture in a patient with cancer: urgent orthopaedic review; X-ray of the whole involved bone; "
                + "if vertebral, MRI of the whole spine and a SINS assessment."));
        }
        else
        {
            variant = VariantImpending;
        }

        evidence.AddFindings(symptoms.LongBonePain, "Long-bone pain");
        foreach (var pain in symptoms.LongBonePain)
        {
            OrderCatalog.AddDistinct(orders, OrderCatalog.WholeBoneXray(pain.Code, OrderPriority.Urgent, XrayReason));
        }

        evidence.AddCancerContext(ctx.Cancer);
        return new Recommendation(
            CardTopic.PathologicalFracture, Indicator.Warning, "R4", variant, evidence.Items, ctx.Cancer.Sites, orders,
            null, null, ctx.Missing(DataSources.Symptoms));
    }
}
