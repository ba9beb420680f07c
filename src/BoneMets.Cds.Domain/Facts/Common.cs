namespace BoneMets.Cds.Domain.Facts;

/// <summary>The coding that matched a concept set, as the EHR sent it (display is untrusted EHR text).</summary>
public sealed record CodeRef(string System, string Code, string? Display);

/// <summary>FHIR Observation.status (R4), or DiagnosticReport.status mapped onto the same words.</summary>
public enum ResultStatus
{
    Unknown,
    Registered,
    Preliminary,
    Final,
    Amended,
    Corrected,
    Cancelled,
    EnteredInError,
}

/// <summary>Condition.clinicalStatus (absent = <see cref="Absent"/>).</summary>
public enum ClinicalStatus
{
    Absent,
    Active,
    Recurrence,
    Relapse,
    Inactive,
    Remission,
    Resolved,
    Unrecognised,
}

/// <summary>Condition.verificationStatus (absent = <see cref="Absent"/>).</summary>
public enum VerificationStatus
{
    Absent,
    Confirmed,
    Unconfirmed,
    Provisional,
    Differential,
    Refuted,
    EnteredInError,
    Unrecognised,
}

/// <summary>Whether a symptom Observation says the finding is there (clinical.md §2.4).</summary>
public enum Presence
{
    Present,
    Absent,
    Indeterminate,
}

/// <summary>Units the service understands, after UCUM normalisation (clinical.md §4). Anything else is not mapped.</summary>
public enum LabUnit
{
    MgPerDl,
    MmolPerL,
    MeqPerL,
    GPerDl,
    GPerL,
    UPerL,
    UkatPerL,
    NgPerMl,
    NmolPerMmol,
    NmolPerL,
    UgPerL,
}

/// <summary>The optional prefetch sources. Patient and Conditions are required and never appear here.</summary>
[Flags]
public enum DataSources
{
    None = 0,
    Labs = 1,
    Symptoms = 2,
    Imaging = 4,
    Orders = 8,
}
