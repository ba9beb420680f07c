using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Contracts;
using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Domain.Units;

namespace BoneMets.Cds.Api.Cards;

/// <summary>Builds a draft FHIR resource (JSON) for a suggested order.</summary>
public delegate JsonNode DraftOrderBuilder(SuggestedOrder order, string patientId, string? encounterId);

/// <summary>
/// Turns rule conclusions into CDS Hooks cards: summary, indicator, source with topic, Markdown detail that shows the
/// evidence (values, units, dates, matched codes, corrected-calcium arithmetic, unavailable sources) and the guideline's
/// actions, suggestions with draft ServiceRequests, override reasons and links. Wording lives here; clinical decisions
/// live in the domain rules.
/// </summary>
public sealed class CardFactory(Thresholds thresholds, DraftOrderBuilder draftOrders, string definitionsVersion)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly UnitConverter _units = new(thresholds.CalciumMolarMass);

    /// <param name="r">The rule's conclusion.</param>
    /// <param name="serviceId">Service id (enters the card uuid).</param>
    /// <param name="context">The hook context (patient for the uuid and the draft orders).</param>
    /// <param name="partialKeys">Prefetch keys only partly read; named in the detail.</param>
    public Card Create(Recommendation r, string serviceId, HookContext context, IReadOnlyList<string>? partialKeys = null)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(context);
        var cardUuid = StableUuid(serviceId, context.PatientId, r);
        var suggestions = BuildSuggestions(r, cardUuid, context);
        return new Card
        {
            Uuid = cardUuid,
            Summary = Clamp(Summary(r)),
            Detail = Detail(r, partialKeys),
            Indicator = r.Indicator switch
            {
                Indicator.Critical => "critical",
                Indicator.Warning => "warning",
                _ => "info",
            },
            Source = Guidelines.Source(r.Topic),
            Suggestions = suggestions.Count > 0 ? suggestions : null,
            SelectionBehavior = suggestions.Count == 0 ? null
                : r.Topic == CardTopic.SuspectedBoneMetastasis ? "at-most-one" : "any",
            OverrideReasons = Guidelines.OverrideReasons,
            Links = Guidelines.Links(r.Topic),
        };
    }

    // ---- summary -------------------------------------------------------------------------------------------------

    private static string Summary(Recommendation r) => r.Topic switch
    {
        CardTopic.SpinalCordCompression when r.Indicator == Indicator.Critical =>
            "Suspected spinal cord compression: whole-spine MRI within 24 h; contact acute oncology now",
        CardTopic.SpinalCordCompression =>
            "Spinal pain with cancer: discuss with MSCC coordinator within 24 h; whole-spine MRI within 1 week",
        CardTopic.Hypercalcemia => HypercalcemiaSummary(r.Calcium),
        CardTopic.PathologicalFracture when r.Variant == "impending-fracture" =>
            "Long-bone pain with cancer: X-ray the whole bone to assess impending fracture (Mirels)",
        CardTopic.PathologicalFracture =>
            "Pathological fracture with cancer: urgent orthopaedic review",
        _ => BoneMetsSummary(r),
    };

    private static string HypercalcemiaSummary(CalciumAssessment? c)
    {
        if (c is null)
        {
            return "Hypercalcaemia in a patient with cancer";
        }

        var grade = $"CTCAE grade {c.Grade} hypercalcaemia";
        if (c.TotalGrade >= c.IonizedGrade && c.GradedValue is { } v && c.GradedUnit is { } u)
        {
            var label = c.CorrectedValue is not null ? "Corrected calcium"
                : c.TotalCalcium?.Analyte == Concepts.LabCalciumCorrected ? "Corrected calcium (lab)"
                : "Calcium (uncorrected)";
            return $"{label} {Num(v)} {Unit(u)}: {grade} in a patient with cancer";
        }

        return c.IonizedMmolL is { } i
            ? $"Ionized calcium {Num3(i)} mmol/L: {grade} in a patient with cancer"
            : $"{grade} in a patient with cancer";
    }

    private static string BoneMetsSummary(Recommendation r)
    {
        var site = r.Sites.Count > 0 ? SiteName(r.Sites[0]) + " cancer" : "cancer";
        var study = r.Sites.Count == 1 ? FirstLineStudy(r.Sites[0]) : "bone imaging";
        return r.Variant == "lab-only"
            ? $"Possible bone metastases ({site}, abnormal labs): consider {study}"
            : $"Suspected bone metastases ({site}, bone symptoms): arrange {study}";
    }

    private static string FirstLineStudy(CancerSite site) => site switch
    {
        CancerSite.Breast => "bone scan or FDG PET/CT",
        CancerSite.Prostate => "bone scan or PSMA PET/CT",
        CancerSite.Lung => "FDG PET/CT",
        CancerSite.Thyroid => "radioiodine scan or FDG PET/CT",
        _ => "CT or MRI of the painful region",
    };

    // ---- detail --------------------------------------------------------------------------------------------------

    private string Detail(Recommendation r, IReadOnlyList<string>? partialKeys)
    {
        var sb = new StringBuilder(1024);
        switch (r.Topic)
        {
            case CardTopic.SpinalCordCompression when r.Indicator == Indicator.Critical:
                sb.AppendLine("**Oncological emergency: suspected metastatic spinal cord compression** (NICE NG234; QS56 statement 3).").AppendLine()
                  .AppendLine("- Contact the MSCC coordinator or acute oncology **immediately**.")
                  .AppendLine("- Arrange **MRI of the whole spine as soon as possible and within 24 hours**. If MRI is contraindicated, arrange CT of the whole spine. Do not use plain spine X-ray to diagnose or exclude MSCC.")
                  .AppendLine("- Give dexamethasone per the local MSCC protocol (The Christie: 16 mg loading dose; check against NG234 locally).")
                  .AppendLine("- Nurse flat and immobilise if spinal instability is suspected.");
                break;
            case CardTopic.SpinalCordCompression:
                sb.AppendLine("**Spinal pain suggestive of spinal metastases, no neurological red flag recorded** (NICE NG234; QS56 statement 2).").AppendLine()
                  .AppendLine("- Discuss with the MSCC coordinator **within 24 hours**.")
                  .AppendLine("- Arrange **MRI of the whole spine within 1 week**.")
                  .AppendLine("- NICE pain features: thoracic or cervical pain; progressive or severe unremitting lumbar pain; pain on straining, coughing or sneezing; localised tenderness; nocturnal pain preventing sleep; mechanical pain or claudication.")
                  .AppendLine("- Safety net: seek immediate help if limb weakness, numbness or bladder or bowel problems appear.");
                break;
            case CardTopic.Hypercalcemia:
                AppendHypercalcemia(sb, r);
                break;
            case CardTopic.PathologicalFracture when r.Variant == "impending-fracture":
                sb.AppendLine("**Weight-bearing long-bone pain in a patient with cancer: possible impending pathological fracture.**").AppendLine()
                  .AppendLine("- X-ray the **whole** painful bone.")
                  .AppendLine("- If a lesion is seen, calculate the **Mirels score** (site, pain, lesion type, size): **≥ 9** refer for prophylactic fixation; **8** clinical judgement; **≤ 7** radiotherapy or systemic therapy and observe. The cut-off of 9 is sensitive but has low specificity.")
                  .AppendLine("- For spinal lesions use the **SINS** score: 7 or more → spinal surgical referral.");
                break;
            case CardTopic.PathologicalFracture:
                sb.AppendLine("**Pathological fracture in a patient with cancer.**").AppendLine()
                  .AppendLine("- **Urgent orthopaedic review.**")
                  .AppendLine("- X-ray the **whole** involved bone; if vertebral, MRI of the whole spine and a **SINS** assessment (7 or more → spinal surgical referral).")
                  .AppendLine("- Tissue diagnosis if there is no known primary.")
                  .AppendLine("- Post-fixation radiotherapy and bone-targeted therapy, per the MDT.");
                break;
            default:
                AppendBoneMets(sb, r);
                break;
        }

        sb.AppendLine().AppendLine("**Why this card fired**").AppendLine();
        foreach (var e in r.Evidence)
        {
            sb.Append("- ").AppendLine(EvidenceLine(e));
        }

        if (r.Alp is { } alp && r.Topic == CardTopic.SuspectedBoneMetastasis)
        {
            sb.AppendLine().Append("**ALP:** ");
            AppendAlp(sb, alp);
        }

        var missing = MissingSources(r.Unavailable);
        if (missing.Count > 0)
        {
            sb.AppendLine().Append("**Not available to this check:** ").Append(string.Join("; ", missing))
              .AppendLine(". Missing data were not treated as normal.");
        }

        if (partialKeys is { Count: > 0 })
        {
            sb.AppendLine().Append("**Only partly read:** ").Append(string.Join(", ", partialKeys.Select(PartialName)))
              .AppendLine(" (more pages exist than could be read). Findings on the unread pages are not reflected here.");
        }

        sb.AppendLine().Append("_Rule ").Append(r.RuleId).Append(" · definitions ").Append(MarkdownText.Escape(definitionsVersion, 40))
          .Append(" · decision support only: verify against the full record and local protocols._");
        return sb.ToString();
    }

    private void AppendHypercalcemia(StringBuilder sb, Recommendation r)
    {
        var c = r.Calcium;
        sb.Append("**Hypercalcaemia");
        if (c is not null)
        {
            sb.Append(", NCI CTCAE v5.0 grade ").Append(c.Grade);
        }

        sb.AppendLine("**, in a patient with cancer (Endocrine Society 2023).").AppendLine();
        if (c is not null)
        {
            if (c.TotalCalcium is { } ca && c.GradedValue is { } graded && c.GradedUnit is { } gu)
            {
                if (c.CorrectedValue is { } corr && c.Albumin is { } alb)
                {
                    sb.Append("- Albumin-corrected calcium (Payne): ").AppendLine(PayneArithmetic(ca, alb, corr, gu));
                }
                else if (ca.Analyte == Concepts.LabCalciumCorrected)
                {
                    sb.Append("- Calcium reported by the laboratory as albumin-corrected: **").Append(Num(graded)).Append(' ').Append(Unit(gu)).AppendLine("**, used as reported.");
                }
                else
                {
                    sb.Append("- **Uncorrected** total calcium ").Append(Num(graded)).Append(' ').Append(Unit(gu))
                      .AppendLine(": no albumin within 48 hours of it, so the value could not be albumin-corrected.");
                }

                sb.Append("- Total calcium grade **").Append(c.TotalGrade).Append("** against ULN ")
                  .Append(c.TotalUln is { } uln ? $"{Num(uln)} {Unit(gu)}" : "n/a")
                  .AppendLine(c.TotalUlnFromLab ? " (laboratory reference range)." : " (default ULN: no reference range on the result).");
            }

            if (c.IonizedMmolL is { } ion)
            {
                sb.Append("- Ionized calcium **").Append(Num3(ion)).Append(" mmol/L**, grade **").Append(c.IonizedGrade).Append("** against ULN ")
                  .Append(c.IonizedUlnMmolL is { } iu ? Num3(iu) + " mmol/L" : "n/a").AppendLine(".");
            }

            if (c.SymptomUpgrade)
            {
                sb.AppendLine("- Grade 1 with a recent symptom of hypercalcaemia: shown as a warning.");
            }

            if (c.Severe)
            {
                sb.AppendLine("- **Severe** hypercalcaemia of malignancy (above 14 mg/dL / 3.5 mmol/L): add **calcitonin** to IV bisphosphonate or denosumab.");
            }
        }

        sb.AppendLine("- IV hydration plus an IV bisphosphonate or denosumab (denosumab suggested over IV bisphosphonate).")
          .AppendLine("- Refractory or recurrent after a bisphosphonate: denosumab.")
          .AppendLine("- Check PTH (and PTHrP and 1,25-(OH)2 vitamin D if PTH is suppressed) and renal function; review thiazides and calcium or vitamin D supplements.");
    }

    private string PayneArithmetic(LabResult ca, LabResult alb, decimal corrected, LabUnit unit)
    {
        var albText = $"{Num(alb.Value)} {Unit(alb.Unit)}";
        // mEq/L results are corrected and graded in mmol/L (the domain's rule); show the value that entered the formula.
        var caValue = _units.TryConvertCalcium(ca.Value, ca.Unit, unit, out var converted) ? converted : ca.Value;
        var other = unit == LabUnit.MgPerDl ? LabUnit.MmolPerL : LabUnit.MgPerDl;
        var otherText = _units.TryConvertCalcium(corrected, unit, other, out var c2) ? $" ({Num(c2)} {Unit(other)})" : string.Empty;
        if (unit == LabUnit.MgPerDl)
        {
            var albGdl = UnitConverter.TryConvertAlbumin(alb.Value, alb.Unit, LabUnit.GPerDl, out var a) ? a : alb.Value;
            return $"{Num(caValue)} + {Num(thresholds.Payne.MgDlPerGPerDl)} × ({Num(thresholds.Payne.ReferenceAlbuminGPerDl)} − {Num(albGdl)}) = **{Num(corrected)} mg/dL**{otherText}, albumin {albText}.";
        }

        var albGl = UnitConverter.TryConvertAlbumin(alb.Value, alb.Unit, LabUnit.GPerL, out var b) ? b : alb.Value;
        return $"{Num(caValue)} + {Num(thresholds.Payne.MmolLPerGPerL)} × ({Num(thresholds.Payne.ReferenceAlbuminGPerL)} − {Num(albGl)}) = **{Num(corrected)} mmol/L**{otherText}, albumin {albText}.";
    }

    private static void AppendBoneMets(StringBuilder sb, Recommendation r)
    {
        sb.AppendLine(r.Variant == "lab-only"
            ? "**Possible bone metastases: laboratory signs only** (no known bone metastases, no bone imaging in the last 30 days)."
            : "**Suspected bone metastases: bone symptoms** (no known bone metastases, no bone imaging in the last 30 days).").AppendLine();
        foreach (var site in r.Sites)
        {
            sb.Append("- ").AppendLine(site switch
            {
                CancerSite.Breast => "Breast: Tc-99m **bone scan** or **FDG PET/CT**; X-ray symptomatic and weight-bearing bones (NCCN; ACR).",
                CancerSite.Prostate => "Prostate: **bone scan**, or **PSMA PET/CT** where available; bone imaging is indicated with bone symptoms, Gleason ≥ 8, PSA > 20 ng/mL or T3–T4 (NCCN/AUA/ACR, EAU).",
                CancerSite.Lung => "Lung: **FDG PET/CT** skull base to mid-thigh; a separate bone scan is not needed after PET/CT (ACR).",
                CancerSite.Thyroid => "Thyroid: **radioiodine whole-body scan** and/or **FDG PET/CT** if radioiodine-refractory; CT or MRI of the symptomatic site. Metastases are often lytic: a Tc-99m bone scan can be falsely negative.",
                _ => "Kidney: **CT** (chest, abdomen, pelvis with bone windows) or **MRI of the symptomatic region**; metastases are lytic, so a bone scan may miss them.",
            });
        }

        if (r.Evidence.Any(e => e.Kind == EvidenceKind.Symptom && e.Role.Contains("long-bone", StringComparison.OrdinalIgnoreCase)))
        {
            sb.AppendLine("- Painful long bone: X-ray the **whole** bone and assess fracture risk (Mirels).");
        }

        sb.AppendLine("- Timing is local policy, not guideline-derived: for example urgent outpatient imaging within 2 weeks.");
    }

    private static void AppendAlp(StringBuilder sb, AlpAssessment alp)
    {
        sb.Append(Num(alp.ValueUPerL)).Append(" U/L = ").Append(Num(alp.UlnMultiple)).Append(" × ULN ")
          .Append(Num(alp.UlnUPerL)).Append(" U/L").Append(alp.UlnFromLab ? " (laboratory range)" : " (default ULN)")
          .Append(", CTCAE grade ").Append(alp.Grade).Append(". ");
        sb.AppendLine(alp.Source switch
        {
            AlpSource.BoneLikely => "Bone source likely (GGT normal or bone-specific ALP raised).",
            AlpSource.PossiblyHepatic => "The ALP may be **hepatic** (raised GGT or 5'-nucleotidase, or liver disease on record): check GGT, 5'-nucleotidase or bone-specific ALP.",
            _ => "Source undetermined: check GGT or bone-specific ALP. Other bone causes: healing fracture, Paget disease, osteomalacia, hyperparathyroidism.",
        });
    }

    private string EvidenceLine(Evidence e)
    {
        var sb = new StringBuilder(160);
        sb.Append(MarkdownText.Escape(e.Role, 80)).Append(": ");
        if (e.Value is { } v)
        {
            sb.Append("**").Append(Num(v));
            if (e.Unit is { } u)
            {
                sb.Append(' ').Append(Unit(u));
                var other = u == LabUnit.MgPerDl ? LabUnit.MmolPerL : LabUnit.MgPerDl;
                if (e.Analyte is Concepts.LabCalciumTotal or Concepts.LabCalciumCorrected
                    && u is LabUnit.MgPerDl or LabUnit.MmolPerL
                    && _units.TryConvertCalcium(v, u, other, out var shown))
                {
                    sb.Append("** (").Append(Num(shown)).Append(' ').Append(Unit(other)).Append(')');
                }
                else
                {
                    sb.Append("**");
                }
            }
            else
            {
                sb.Append("**");
            }

            sb.Append(", ");
        }

        var display = MarkdownText.Escape(e.Code.Display);
        if (display.Length > 0)
        {
            sb.Append(display).Append(" (");
        }

        sb.Append(SystemName(e.Code.System)).Append(' ').Append(MarkdownText.Escape(e.Code.Code, 40));
        if (display.Length > 0)
        {
            sb.Append(')');
        }
        if (e.Date is { } d)
        {
            sb.Append(", ").Append(d.ToString("yyyy-MM-dd", Inv));
        }
        else
        {
            sb.Append(", date not recorded");
        }

        if (!string.IsNullOrEmpty(e.Qualifier))
        {
            sb.Append(", ").Append(MarkdownText.Escape(e.Qualifier, 80));
        }

        return sb.ToString();
    }

    private static string PartialName(string key) => key switch
    {
        "conditions" => "conditions (diagnoses and symptoms)",
        "labs" => "laboratory results",
        "symptoms" => "symptom observations",
        "imaging" => "imaging reports",
        "orders" => "imaging orders",
        _ => MarkdownText.Escape(key, 40),
    };

    private static List<string> MissingSources(DataSources unavailable)
    {
        var list = new List<string>(4);
        if (unavailable.HasFlag(DataSources.Labs))
        {
            list.Add("laboratory results (calcium, albumin, ALP)");
        }

        if (unavailable.HasFlag(DataSources.Symptoms))
        {
            list.Add("symptom observations");
        }

        if (unavailable.HasFlag(DataSources.Imaging))
        {
            list.Add("imaging reports (a recent bone scan may exist)");
        }

        if (unavailable.HasFlag(DataSources.Orders))
        {
            list.Add("imaging orders (bone imaging may already be ordered)");
        }

        return list;
    }

    // ---- suggestions ---------------------------------------------------------------------------------------------

    private List<Suggestion> BuildSuggestions(Recommendation r, string cardUuid, HookContext context)
    {
        var list = new List<Suggestion>(r.Orders.Count);
        var recommendedSeen = false;
        foreach (var order in r.Orders)
        {
            var resource = draftOrders(order, context.PatientId, context.EncounterId);
            // at-most-one allows a single recommended suggestion (CDS Hooks cds-resp-1).
            var recommended = order.IsRecommended && !(recommendedSeen && r.Topic == CardTopic.SuspectedBoneMetastasis);
            recommendedSeen |= recommended;
            list.Add(new Suggestion(
                order.Label,
                StableUuid(cardUuid, order.System + "|" + order.Code),
                recommended ? true : null,
                [new CdsAction("create", $"Create a draft {PriorityText(order.Priority)} order: {order.Display}", resource)]));
        }

        return list;
    }

    private static string PriorityText(OrderPriority p) => p switch
    {
        OrderPriority.Stat => "STAT",
        OrderPriority.Asap => "ASAP",
        OrderPriority.Urgent => "urgent",
        _ => "routine",
    };

    // ---- helpers -------------------------------------------------------------------------------------------------

    /// <summary>
    /// The same patient, rule and evidence give the same card uuid, so feedback correlates across hook calls (clinical.md
    /// §3.1). The patient id enters only through a hash.
    /// </summary>
    private static string StableUuid(string serviceId, string patientId, Recommendation r)
    {
        var sb = new StringBuilder(256);
        sb.Append(serviceId).Append('|').Append(patientId).Append('|').Append(r.RuleId).Append('|').Append(r.Variant)
          .Append('|').Append((int)r.Indicator);
        foreach (var e in r.Evidence)
        {
            sb.Append('|').Append(e.ResourceId).Append('@').Append(e.Date?.ToUnixTimeSeconds());
        }

        return StableUuid(sb.ToString(), string.Empty);
    }

    private static string StableUuid(string a, string b)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(a + "\u001f" + b), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5-style (name-based)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }

    private static string Clamp(string summary) => summary.Length < 140 ? summary : summary[..136] + "…";

    /// <summary>Ionized calcium needs three decimals: its grade limits are 0.1 mmol/L apart and its ULN is 1.32.</summary>
    internal static string Num3(decimal v) => Math.Round(v, 3, MidpointRounding.AwayFromZero).ToString("0.###", Inv);

    internal static string Num(decimal v) => Math.Round(v, 2, MidpointRounding.AwayFromZero).ToString("0.##", Inv);

    internal static string Unit(LabUnit u) => u switch
    {
        LabUnit.MgPerDl => "mg/dL",
        LabUnit.MmolPerL => "mmol/L",
        LabUnit.MeqPerL => "mEq/L",
        LabUnit.GPerDl => "g/dL",
        LabUnit.GPerL => "g/L",
        LabUnit.UPerL => "U/L",
        LabUnit.UkatPerL => "µkat/L",
        LabUnit.NgPerMl => "ng/mL",
        LabUnit.NmolPerMmol => "nmol BCE/mmol creatinine",
        LabUnit.NmolPerL => "nmol/L",
        _ => "µg/L",
    };

    private static string SystemName(string system) => system switch
    {
        CodeSystems.Snomed => "SNOMED CT",
        CodeSystems.Loinc => "LOINC",
        CodeSystems.Icd10Cm => "ICD-10-CM",
        CodeSystems.Icd10 => "ICD-10",
        CodeSystems.Cpt => "CPT",
        CodeSystems.HcpcsUmls => "HCPCS",
        _ => "code",
    };

    private static string SiteName(CancerSite s) => s switch
    {
        CancerSite.Breast => "breast",
        CancerSite.Prostate => "prostate",
        CancerSite.Lung => "lung",
        CancerSite.Thyroid => "thyroid",
        _ => "kidney",
    };
}
