using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Terminology;

namespace BoneMets.Cds.Domain.Tests.Support;

/// <summary>Well-known codings used by the tests (what the FHIR mapper would have matched).</summary>
internal static class Codes
{
    public static readonly CodeRef BreastCancer = Snomed("254837009", "Malignant neoplasm of breast");
    public static readonly CodeRef ProstateCancer = Snomed("399068003", "Malignant tumor of prostate");
    public static readonly CodeRef LungCancer = Snomed("93880001", "Primary malignant neoplasm of lung");
    public static readonly CodeRef ThyroidCancer = Snomed("363478007", "Malignant tumor of thyroid gland");
    public static readonly CodeRef KidneyCancer = Snomed("93849006", "Primary malignant neoplasm of kidney");
    public static readonly CodeRef BreastHistory = Icd("Z85.3", "Personal history of malignant neoplasm of breast");
    public static readonly CodeRef BoneMets = Snomed("94222008", "Metastatic malignant neoplasm to bone");
    public static readonly CodeRef PathFracture = Snomed("268029009", "Pathological fracture");
    public static readonly CodeRef LiverDisease = Snomed("235856003", "Disorder of liver");
    public static readonly CodeRef BonePain = Snomed("12584003", "Bone pain");
    public static readonly CodeRef BonyPelvicPain = Snomed("203508001", "Bony pelvic pain");
    public static readonly CodeRef FemurPain = Snomed("301773003", "Pain in femur");
    public static readonly CodeRef ThighPain = Snomed("78514002", "Thigh pain");
    public static readonly CodeRef UpperArmPain = Snomed("771083005", "Pain in upper arm");
    public static readonly CodeRef Backache = Snomed("161891005", "Backache");
    public static readonly CodeRef LimbWeakness = Snomed("713514005", "Muscle weakness of limb");
    public static readonly CodeRef CordCompression = Icd("G95.20", "Unspecified cord compression");
    public static readonly CodeRef Constipation = Snomed("14760008", "Constipation");
    public static readonly CodeRef Nausea = Snomed("422587007", "Nausea");

    public static CodeRef Snomed(string code, string display) => new(CodeSystems.Snomed, code, display);

    public static CodeRef Icd(string code, string display) => new(CodeSystems.Icd10Cm, code, display);

    public static CodeRef Loinc(string code) => new(CodeSystems.Loinc, code, null);

    public static CodeRef For(CancerSite site) => site switch
    {
        CancerSite.Breast => BreastCancer,
        CancerSite.Prostate => ProstateCancer,
        CancerSite.Lung => LungCancer,
        CancerSite.Thyroid => ThyroidCancer,
        _ => KidneyCancer,
    };

    public static string Concept(CancerSite site) => site switch
    {
        CancerSite.Breast => Concepts.CancerBreast,
        CancerSite.Prostate => Concepts.CancerProstate,
        CancerSite.Lung => Concepts.CancerLung,
        CancerSite.Thyroid => Concepts.CancerThyroid,
        _ => Concepts.CancerKidney,
    };

    /// <summary>A representative LOINC per lab analyte.</summary>
    public static CodeRef LabCode(string analyte) => Loinc(analyte switch
    {
        Concepts.LabCalciumTotal => "17861-6",
        Concepts.LabCalciumCorrected => "29265-6",
        Concepts.LabCalciumIonized => "1995-0",
        Concepts.LabAlbumin => "1751-7",
        Concepts.LabAlp => "6768-6",
        Concepts.LabAlpBone => "1777-2",
        Concepts.LabGgt => "2324-2",
        Concepts.Lab5Nucleotidase => "1690-7",
        Concepts.LabNtx => "14115-0",
        Concepts.LabPsa => "2857-1",
        _ => "0000-0",
    });
}

/// <summary>
/// Fluent builder of <see cref="PatientFacts"/> relative to a fixed evaluation time <see cref="Now"/>. Times are given as
/// "ago" spans (negative = in the future). Defaults: adult (born 1960-01-01), alive, nothing recorded.
/// </summary>
internal sealed class FactsBuilder
{
    public static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly List<ConditionFact> _conditions = [];
    private readonly List<LabResult> _labs = [];
    private readonly List<ObservationFinding> _observations = [];
    private readonly List<ImagingFact> _imaging = [];
    private DateOnly? _birthDate = new(1960, 1, 1);
    private bool _deceased;
    private DataSources _unavailable;
    private int _sequence;

    public static FactsBuilder Patient() => new();

    public static TimeSpan Days(double days) => TimeSpan.FromDays(days);

    public static TimeSpan Hours(double hours) => TimeSpan.FromHours(hours);

    public static DateTimeOffset Ago(TimeSpan ago) => Now - ago;

    public FactsBuilder BornOn(DateOnly? birthDate)
    {
        _birthDate = birthDate;
        return this;
    }

    public FactsBuilder Deceased(bool deceased = true)
    {
        _deceased = deceased;
        return this;
    }

    public FactsBuilder Unavailable(DataSources sources)
    {
        _unavailable |= sources;
        return this;
    }

    /// <summary>A Condition whose coding matched the given concept ids.</summary>
    public FactsBuilder Condition(
        CodeRef code,
        string[] concepts,
        ClinicalStatus clinical = ClinicalStatus.Active,
        VerificationStatus verification = VerificationStatus.Confirmed,
        DateTimeOffset? onset = null,
        DateTimeOffset? recorded = null,
        DateTimeOffset? abatement = null,
        string? id = null)
    {
        var matches = new Dictionary<string, CodeRef>(StringComparer.Ordinal);
        foreach (var concept in concepts)
        {
            matches[concept] = code;
        }

        _conditions.Add(new ConditionFact(id ?? NextId("cond"), matches, clinical, verification, onset, recorded, abatement));
        return this;
    }

    /// <summary>A current (by default) cancer of a site, diagnosed two years ago.</summary>
    public FactsBuilder Cancer(
        CancerSite site = CancerSite.Breast,
        ClinicalStatus clinical = ClinicalStatus.Active,
        VerificationStatus verification = VerificationStatus.Confirmed,
        DateTimeOffset? abatement = null,
        DateTimeOffset? onset = null,
        DateTimeOffset? recorded = null,
        bool noDates = false,
        string? id = null) =>
        Condition(
            Codes.For(site), [Codes.Concept(site)], clinical, verification,
            noDates ? null : onset ?? Ago(Days(730)), noDates ? null : recorded, abatement, id);

    public FactsBuilder BreastHistory(DateTimeOffset? recorded = null, ClinicalStatus clinical = ClinicalStatus.Active) =>
        Condition(Codes.BreastHistory, [Concepts.HistoryBreast], clinical, recorded: recorded ?? Ago(Days(400)));

    public FactsBuilder BoneMets(ClinicalStatus clinical = ClinicalStatus.Active, VerificationStatus verification = VerificationStatus.Confirmed) =>
        Condition(Codes.BoneMets, [Concepts.BoneMetastasis], clinical, verification, onset: Ago(Days(100)));

    public FactsBuilder LiverDisease(ClinicalStatus clinical = ClinicalStatus.Active) =>
        Condition(Codes.LiverDisease, [Concepts.LiverDisease], clinical, onset: Ago(Days(300)));

    /// <summary>A symptom Condition dated <paramref name="ago"/> (onset).</summary>
    public FactsBuilder Symptom(
        CodeRef code,
        string[] concepts,
        TimeSpan ago,
        ClinicalStatus clinical = ClinicalStatus.Active,
        VerificationStatus verification = VerificationStatus.Confirmed,
        string? id = null) =>
        Condition(code, concepts, clinical, verification, onset: Ago(ago), id: id);

    public FactsBuilder RedFlag(TimeSpan ago, ClinicalStatus clinical = ClinicalStatus.Active, VerificationStatus verification = VerificationStatus.Confirmed) =>
        Symptom(Codes.LimbWeakness, [Concepts.SymptomNeuroRedFlag], ago, clinical, verification);

    public FactsBuilder SpinalPain(TimeSpan ago, ClinicalStatus clinical = ClinicalStatus.Active) =>
        Symptom(Codes.Backache, [Concepts.SymptomSpinalPain], ago, clinical);

    public FactsBuilder BonePain(TimeSpan ago, ClinicalStatus clinical = ClinicalStatus.Active) =>
        Symptom(Codes.BonePain, [Concepts.SymptomBonePain], ago, clinical);

    public FactsBuilder FemurPain(TimeSpan ago) =>
        Symptom(Codes.FemurPain, [Concepts.SymptomBonePain, Concepts.SymptomLongBonePain], ago);

    public FactsBuilder UpperArmPain(TimeSpan ago) =>
        Symptom(Codes.UpperArmPain, [Concepts.SymptomBonePain, Concepts.SymptomLongBonePain], ago);

    public FactsBuilder Nausea(TimeSpan ago) =>
        Symptom(Codes.Nausea, [Concepts.SymptomHypercalcaemia], ago);

    public FactsBuilder Fracture(TimeSpan ago, ClinicalStatus clinical = ClinicalStatus.Active, VerificationStatus verification = VerificationStatus.Confirmed) =>
        Condition(Codes.PathFracture, [Concepts.PathologicalFracture], clinical, verification, onset: Ago(ago));

    /// <summary>A symptom Observation.</summary>
    public FactsBuilder SymptomObservation(
        CodeRef code,
        string[] concepts,
        TimeSpan? ago,
        Presence presence = Presence.Present,
        ResultStatus status = ResultStatus.Final,
        string? id = null)
    {
        var matches = new Dictionary<string, CodeRef>(StringComparer.Ordinal);
        foreach (var concept in concepts)
        {
            matches[concept] = code;
        }

        _observations.Add(new ObservationFinding(id ?? NextId("obs"), matches, status, ago is { } a ? Ago(a) : null, presence));
        return this;
    }

    /// <summary>A laboratory result.</summary>
    public FactsBuilder Lab(
        string analyte,
        decimal value,
        LabUnit unit,
        TimeSpan? ago,
        Measure? high = null,
        ResultStatus status = ResultStatus.Final,
        string? id = null,
        CodeRef? code = null)
    {
        _labs.Add(new LabResult(
            id ?? NextId("lab"), analyte, code ?? Codes.LabCode(analyte), status, ago is { } a ? Ago(a) : null,
            value, unit, high, null));
        return this;
    }

    public FactsBuilder Calcium(decimal value, LabUnit unit = LabUnit.MgPerDl, TimeSpan? ago = null, Measure? high = null, string? id = null, ResultStatus status = ResultStatus.Final) =>
        Lab(Concepts.LabCalciumTotal, value, unit, ago ?? Hours(6), high, status, id);

    public FactsBuilder Albumin(decimal value, LabUnit unit = LabUnit.GPerDl, TimeSpan? ago = null, string? id = null) =>
        Lab(Concepts.LabAlbumin, value, unit, ago ?? Hours(6), id: id);

    public FactsBuilder Alp(decimal value, TimeSpan? ago = null, Measure? high = null, LabUnit unit = LabUnit.UPerL, string? id = null) =>
        Lab(Concepts.LabAlp, value, unit, ago ?? Days(2), high, id: id);

    public FactsBuilder Imaging(ImagingStatus status, TimeSpan? ago, ImagingSource source = ImagingSource.Report)
    {
        _imaging.Add(new ImagingFact(NextId("img"), source, Codes.Loinc("39818-0"), status, ago is { } a ? Ago(a) : null));
        return this;
    }

    /// <summary>Marks lab <paramref name="id"/> as censored (valueQuantity.comparator).</summary>
    public FactsBuilder Bound(string id, LabBound bound)
    {
        var i = _labs.FindIndex(l => l.Id == id);
        _labs[i] = _labs[i] with { Bound = bound };
        return this;
    }

    public PatientFacts Build() =>
        new("p1", new Demographics(_birthDate, _deceased), [.. _conditions], [.. _labs], [.. _observations], [.. _imaging], _unavailable);

    private string NextId(string prefix) => prefix + "-" + (++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
