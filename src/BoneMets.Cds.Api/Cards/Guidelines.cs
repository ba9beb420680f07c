using BoneMets.Cds.Api.Contracts;
using BoneMets.Cds.Domain.Rules;

namespace BoneMets.Cds.Api.Cards;

/// <summary>The guideline behind each card kind: the card's <c>source</c> and its absolute links (clinical.md §7).</summary>
public static class Guidelines
{
    public static CardSource Source(CardTopic topic)
    {
        var topicCoding = new Coding(TopicCodes.System, TopicCodes.Code(topic), TopicDisplay(topic));
        return topic switch
        {
            CardTopic.SpinalCordCompression => new CardSource(
                "NICE NG234 (2023): spinal metastases and metastatic spinal cord compression",
                "https://www.nice.org.uk/guidance/ng234",
                topicCoding),
            CardTopic.Hypercalcemia => new CardSource(
                "Endocrine Society 2023 hypercalcaemia of malignancy; NCI CTCAE v5.0",
                "https://doi.org/10.1210/clinem/dgac621",
                topicCoding),
            CardTopic.PathologicalFracture => new CardSource(
                "Mirels score (1989) and SINS (2010) for metastatic bone disease",
                "https://journals.lww.com/jaaosglobal/Fulltext/2020/09000/Mirels_Scores_in_Patients_Undergoing_Prophylactic.7.aspx",
                topicCoding),
            _ => new CardSource(
                "ACR Appropriateness Criteria Metastatic Bone Disease; NCCN",
                "https://pmc.ncbi.nlm.nih.gov/articles/PMC7067527/table/tbl1",
                topicCoding),
        };
    }

    public static IReadOnlyList<Link> Links(CardTopic topic) => topic switch
    {
        CardTopic.SpinalCordCompression =>
        [
            new Link("NICE NG234: Spinal metastases and MSCC", "https://www.nice.org.uk/guidance/ng234", "absolute"),
            new Link("NICE QS56 statement 3: whole-spine MRI within 24 hours", "https://www.nice.org.uk/guidance/qs56/chapter/Quality-statement-3-Imaging-and-treatment-plans-for-adults-with-suspected-metastatic-spinal-cord-compression", "absolute"),
        ],
        CardTopic.Hypercalcemia =>
        [
            new Link("Endocrine Society 2023: treatment of hypercalcemia of malignancy", "https://doi.org/10.1210/clinem/dgac621", "absolute"),
            new Link("NCI CTCAE v5.0 quick reference", "https://ctep.cancer.gov/protocoldevelopment/electronic_applications/docs/CTCAE_v5_Quick_Reference_8.5x11.pdf", "absolute"),
        ],
        CardTopic.PathologicalFracture =>
        [
            new Link("Mirels scores in prophylactic fixation (JAAOS Global 2020)", "https://journals.lww.com/jaaosglobal/Fulltext/2020/09000/Mirels_Scores_in_Patients_Undergoing_Prophylactic.7.aspx", "absolute"),
            new Link("Spinal Instability Neoplastic Score (SINS)", "https://www.cancercalc.com/sins.php", "absolute"),
        ],
        _ =>
        [
            new Link("Bone imaging guideline comparison (J Nucl Med 2020)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC7067527/table/tbl1", "absolute"),
            new Link("NCCN Guidelines for Patients: breast cancer work-up", "https://www.nccn.org/patients/guidelines/stage_i_ii_breast/files/assets/basic-html/page-87.html", "absolute"),
        ],
    };

    public static string TopicDisplay(CardTopic topic) => topic switch
    {
        CardTopic.SpinalCordCompression => "Spinal cord compression",
        CardTopic.SuspectedBoneMetastasis => "Suspected bone metastasis",
        CardTopic.Hypercalcemia => "Hypercalcemia",
        _ => "Pathological fracture",
    };

    /// <summary>Our coded reasons for overriding a card (CDS Hooks 2.0 overrideReasons; each has a display).</summary>
    public const string OverrideSystem = "https://bonemets-cds.example.org/fhir/CodeSystem/override-reason";

    public static readonly IReadOnlyList<Coding> OverrideReasons =
    [
        new Coding(OverrideSystem, "already-addressed", "Already investigated or being managed"),
        new Coding(OverrideSystem, "not-clinically-relevant", "Not clinically relevant for this patient"),
        new Coding(OverrideSystem, "data-out-of-date", "Recorded data are incorrect or out of date"),
        new Coding(OverrideSystem, "patient-declined", "Patient declined"),
        new Coding(OverrideSystem, "end-of-life-care", "Patient receiving end-of-life care"),
    ];
}
