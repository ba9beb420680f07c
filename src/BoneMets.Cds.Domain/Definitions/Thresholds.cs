namespace BoneMets.Cds.Domain.Definitions;

/// <summary>
/// Thresholds and windows from <c>cds-services/thresholds.json</c> (clinical.md §2.5, §3). Loaded and validated once at
/// start-up; immutable and shared by every request. Every value carries its source in the JSON file.
/// </summary>
public sealed record Thresholds
{
    public required WindowSettings Windows { get; init; }
    public required int AdultAgeYears { get; init; }
    public required DefaultUlns DefaultUln { get; init; }
    public required HypercalcemiaGrades HypercalcemiaCtcae { get; init; }
    /// <summary>CTCAE ALP grade boundaries as multiples of ULN: grade 2 above [0], grade 3 above [1], grade 4 above [2].</summary>
    public required IReadOnlyList<decimal> AlpCtcaeUlnMultiples { get; init; }
    public required PayneSettings Payne { get; init; }
    /// <summary>Endocrine Society 2023 "severe" hypercalcaemia of malignancy, mg/dL (&gt; 14).</summary>
    public required decimal SevereHypercalcemiaMgDl { get; init; }
    /// <summary>Calcium molar mass, g/mol (40.078), for mg/dL ↔ mmol/L.</summary>
    public required decimal CalciumMolarMass { get; init; }
}

/// <summary>Recency windows (clinical.md §2.5).</summary>
public sealed record WindowSettings
{
    public required int CalciumDays { get; init; }
    public required int AlbuminPairingHours { get; init; }
    public required int AlpDays { get; init; }
    public required int GgtPairingDays { get; init; }
    public required int SymptomDays { get; init; }
    public required int FractureDays { get; init; }
    public required int RecentBoneImagingDays { get; init; }
    public required int CancerLookbackYears { get; init; }
}

/// <summary>Default upper limits of normal, used only when a result has no reference range.</summary>
public sealed record DefaultUlns
{
    public required decimal CalciumTotalMgDl { get; init; }
    public required decimal CalciumTotalMmolL { get; init; }
    public required decimal CalciumIonizedMmolL { get; init; }
    public required decimal AlpUPerL { get; init; }
    public required decimal GgtUPerL { get; init; }
}

/// <summary>CTCAE v5 hypercalcaemia: upper bounds of grades 1, 2, 3 (grade 4 above the last), per unit.</summary>
public sealed record HypercalcemiaGrades
{
    public required IReadOnlyList<decimal> CorrectedMgDl { get; init; }
    public required IReadOnlyList<decimal> CorrectedMmolL { get; init; }
    public required IReadOnlyList<decimal> IonizedMmolL { get; init; }
}

/// <summary>Payne correction: Ca_corr = Ca + factor × (reference − albumin), conventional and SI forms.</summary>
public sealed record PayneSettings
{
    public required decimal MgDlPerGPerDl { get; init; }
    public required decimal ReferenceAlbuminGPerDl { get; init; }
    public required decimal MmolLPerGPerL { get; init; }
    public required decimal ReferenceAlbuminGPerL { get; init; }
}
