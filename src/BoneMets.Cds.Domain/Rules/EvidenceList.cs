using System.Globalization;
using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// Builds a card's evidence in the order added (callers add the most important first). A resource appears once, except
/// a diagnosis that plays two roles (e.g. prostate cancer metastatic to bone is both a cancer and a known bone metastasis).
/// </summary>
internal sealed class EvidenceList
{
    private readonly List<Evidence> _items = [];
    private readonly HashSet<(string Id, string Role)> _seen = [];

    public IReadOnlyList<Evidence> Items => _items;

    public void Add(Evidence evidence)
    {
        var key = evidence.Kind == EvidenceKind.Diagnosis ? (evidence.ResourceId, evidence.Role) : (evidence.ResourceId, string.Empty);
        if (_seen.Add(key))
        {
            _items.Add(evidence);
        }
    }

    public void AddFindings(IEnumerable<Finding> findings, string role)
    {
        foreach (var f in findings)
        {
            Add(new Evidence(f.Kind, role, f.ResourceId, f.Code, f.Date, Qualifier: f.FromObservation ? "observation" : null));
        }
    }

    public void AddLab(LabResult lab, string role, string? qualifier = null)
    {
        var bound = lab.Bound switch
        {
            LabBound.AtLeast => "reported as above this value (graded as a lower bound)",
            LabBound.AtMost => "reported as below this value (used as an upper bound)",
            _ => null,
        };
        if (bound is not null)
        {
            qualifier = qualifier is null ? bound : bound + ", " + qualifier;
        }

        Add(new Evidence(EvidenceKind.Lab, role, lab.Id, lab.Code, lab.Time, lab.Value, lab.Unit, qualifier, lab.Analyte));
    }

    /// <summary>
    /// The cancer context: counted cancers (current first), then known bone metastases. With
    /// <paramref name="lookbackYears"/> set (imaging card), past cancers outside the look-back are marked as such.
    /// </summary>
    public void AddCancerContext(CancerProfile cancer, int? lookbackYears = null)
    {
        foreach (var entry in cancer.Cancers)
        {
            var c = entry.Condition;
            var site = SiteWord(entry.Site);
            string role;
            string? qualifier = null;
            if (entry.Current)
            {
                role = string.Create(CultureInfo.InvariantCulture, $"Cancer ({site}, current)");
            }
            else
            {
                role = string.Create(CultureInfo.InvariantCulture, $"Cancer ({site}, past)");
                qualifier = entry.PersonalHistory
                    ? "past cancer (personal history)"
                    : "past cancer (" + ConditionSemantics.PastStatusWord(c.ClinicalStatus) + ")";
                if (c.Abatement is { } abated)
                {
                    qualifier += ", abated " + abated.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                }

                if (lookbackYears is { } years && !entry.Qualifying)
                {
                    qualifier += string.Create(CultureInfo.InvariantCulture, $", outside the {years}-year look-back");
                }
            }

            Add(new Evidence(EvidenceKind.Diagnosis, role, c.Id, entry.Code, c.Onset ?? c.Recorded, Qualifier: qualifier));
        }

        foreach (var mets in cancer.BoneMetastases)
        {
            var c = mets.Condition;
            Add(new Evidence(EvidenceKind.Diagnosis, "Known bone metastasis", c.Id, mets.Code, c.Onset ?? c.Recorded));
        }
    }

    public static string SiteWord(CancerSite site) => site switch
    {
        CancerSite.Breast => "breast",
        CancerSite.Prostate => "prostate",
        CancerSite.Lung => "lung",
        CancerSite.Thyroid => "thyroid",
        CancerSite.Kidney => "kidney",
        _ => throw new ArgumentOutOfRangeException(nameof(site)),
    };

    public static string GradeWord(int grade) => string.Create(CultureInfo.InvariantCulture, $"CTCAE grade {grade}");
}
