using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// R1 (suspected MSCC with neurological features, critical) and R2 (spinal pain suggestive of spinal metastases, warning)
/// — clinical.md §3. R1 beats R2: at most one spinal-cord-compression card.
/// </summary>
internal static class MsccRule
{
    public const string VariantNeurological = "neurological";
    public const string VariantSpinalPain = "spinal-pain";

    public static Recommendation? Evaluate(EvaluationContext ctx)
    {
        var cancer = ctx.Cancer;
        var symptoms = ctx.Symptoms;
        if (!cancer.Context)
        {
            return null;
        }

        var evidence = new EvidenceList();
        if (symptoms.NeuroRedFlag.Count > 0)
        {
            evidence.AddFindings(symptoms.NeuroRedFlag, "Neurological red flag");
            evidence.AddFindings(symptoms.SpinalPain, "Spinal pain");
            evidence.AddCancerContext(cancer);
            SuggestedOrder[] orders =
            [
                OrderCatalog.WholeSpineMri(
                    OrderPriority.Stat,
                    "Suspected MSCC with neurological features: MRI of the whole spine as soon as possible and within 24 h "
                    + "(NICE QS56 statement 3, NG234). If MRI is contraindicated, CT of the whole spine; do not use plain X-ray."),
                OrderCatalog.OncologyReferral(
                    OrderPriority.Stat,
                    "Oncological emergency: contact the MSCC coordinator or acute oncology immediately (NICE NG234)."),
            ];
            return new Recommendation(
                CardTopic.SpinalCordCompression, Indicator.Critical, "R1", VariantNeurological, evidence.Items,
                cancer.Sites, orders, null, null, ctx.Missing(DataSources.Symptoms));
        }

        if (symptoms.SpinalPain.Count > 0)
        {
            evidence.AddFindings(symptoms.SpinalPain, "Spinal pain");
            evidence.AddCancerContext(cancer);
            SuggestedOrder[] orders =
            [
                OrderCatalog.WholeSpineMri(
                    OrderPriority.Urgent,
                    "Spinal pain suggestive of spinal metastases without neurological features: MRI of the whole spine within "
                    + "1 week (NICE QS56 statement 2); discuss with the MSCC coordinator within 24 h."),
            ];
            return new Recommendation(
                CardTopic.SpinalCordCompression, Indicator.Warning, "R2", VariantSpinalPain, evidence.Items,
                cancer.Sites, orders, null, null, ctx.Missing(DataSources.Symptoms));
        }

        return null;
    }
}
