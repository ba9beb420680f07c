using BoneMets.Cds.Domain.Facts;
using BoneMets.Cds.Domain.Terminology;
using Hl7.Fhir.Model;
using Measure = BoneMets.Cds.Domain.Facts.Measure;

namespace BoneMets.Cds.Fhir.Mapping;

/// <summary>
/// Maps single FHIR R4 resources to domain facts (clinical.md §2). Codes are matched only through the
/// <see cref="CodeCatalog"/> on every <c>Coding</c> of a <c>CodeableConcept</c> (canonical or OID system); text, display
/// and local codes never match. Resources that match no relevant concept are dropped (null / nothing added).
/// </summary>
/// <remarks>
/// <para>Dates: a partial FHIR date or dateTime (year, year-month, date) is taken at the start of its period, and a value
/// without offset as UTC (<see cref="FhirValues.Instant(PrimitiveType?)"/>); this holds for every time below, including
/// abatement. Birth dates take the earliest possible day (<see cref="FhirValues.BirthDate"/>).</para>
/// <para>Every primitive is read defensively (<see cref="FhirValues"/>): malformed values become "absent", never an
/// exception.</para>
/// </remarks>
public static class FactsMapper
{
    private const string ConditionClinicalSystem = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private const string ConditionVerificationSystem = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private const string LabPrefix = "lab-";
    private const string SymptomPrefix = "symptom-";

    /// <summary>
    /// Birth date (partial → earliest day) and deceased (<c>deceasedBoolean = true</c>, or any
    /// <c>deceasedDateTime</c>, even an unparseable one).
    /// </summary>
    public static Demographics MapPatient(Patient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var deceased = patient.Deceased switch
        {
            FhirBoolean b => FhirValues.Bool(b) == true,
            FhirDateTime d => FhirValues.Str(d) is not null,
            _ => false,
        };
        return new Demographics(FhirValues.BirthDate(patient.BirthDateElement), deceased);
    }

    /// <summary>
    /// A Condition whose code matches at least one concept set, with its HL7 clinical and verification statuses;
    /// onset = <c>onsetDateTime</c> or <c>onsetPeriod.start</c>; abatement = <c>abatementDateTime</c> or
    /// <c>abatementPeriod.end</c> (age, range and string forms are not mapped). Null when nothing matches.
    /// </summary>
    public static ConditionFact? MapCondition(Condition condition, CodeCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(catalog);
        var matches = Match(condition.Code, catalog, static _ => true);
        if (matches is null)
        {
            return null;
        }

        var onset = condition.Onset switch
        {
            FhirDateTime d => FhirValues.Instant(d),
            Period p => FhirValues.Instant(p.StartElement),
            _ => null,
        };
        var abatement = condition.Abatement switch
        {
            FhirDateTime d => FhirValues.Instant(d),
            Period p => FhirValues.Instant(p.EndElement),
            _ => null,
        };

        return new ConditionFact(
            FhirValues.Id(condition),
            matches,
            ClinicalStatusOf(condition.ClinicalStatus),
            VerificationStatusOf(condition.VerificationStatus),
            onset,
            FhirValues.Instant(condition.RecordedDateElement),
            abatement);
    }

    /// <summary>
    /// Maps an Observation by its code, whatever prefetch key it came in: one <see cref="LabResult"/> per matching
    /// <c>lab-*</c> concept whose <c>valueQuantity</c> has a determinable unit (<see cref="LabUnits"/>) and no
    /// <c>comparator</c>, and one <see cref="ObservationFinding"/> when it matches any <c>symptom-*</c> concept.
    /// </summary>
    /// <remarks>
    /// A result with a comparator (<c>&lt;0.01</c>, <c>&gt;1500</c>) is censored: it is mapped with
    /// <see cref="LabResult.Bound"/> set, and the rules use it only in the direction that cannot overstate severity.
    /// An unrecognised comparator (e.g. <c>ad</c>) is not mapped. Reference limits come from <c>referenceRange[0]</c> and follow the same unit rules; an undeterminable
    /// limit is left null.
    /// </remarks>
    public static void MapObservation(
        Observation observation,
        CodeCatalog catalog,
        ICollection<LabResult> labs,
        ICollection<ObservationFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(labs);
        ArgumentNullException.ThrowIfNull(findings);

        var matches = Match(observation.Code, catalog, static id => id.StartsWith(LabPrefix, StringComparison.Ordinal)
                                                                   || id.StartsWith(SymptomPrefix, StringComparison.Ordinal));
        if (matches is null)
        {
            return;
        }

        var id = FhirValues.Id(observation);
        var status = ResultStatusOf(FhirValues.Str(observation.StatusElement));
        var time = ObservationTime(observation);

        Dictionary<string, CodeRef>? symptoms = null;
        foreach (var (conceptId, code) in matches)
        {
            if (conceptId.StartsWith(SymptomPrefix, StringComparison.Ordinal))
            {
                (symptoms ??= new Dictionary<string, CodeRef>(StringComparer.Ordinal)).Add(conceptId, code);
                continue;
            }

            if (observation.Value is not Quantity quantity
                || BoundOf(quantity) is not { } bound
                || LabUnits.Normalize(quantity, conceptId) is not { } measured)
            {
                continue;
            }

            var range = observation.ReferenceRange.Count > 0 ? observation.ReferenceRange[0] : null;
            labs.Add(new LabResult(
                id,
                conceptId,
                code,
                status,
                time,
                measured.Value,
                measured.Unit,
                ToMeasure(range?.High, conceptId),
                ToMeasure(range?.Low, conceptId))
            {
                Bound = bound,
            });
        }

        if (symptoms is not null)
        {
            findings.Add(new ObservationFinding(id, symptoms, status, time, PresenceOf(observation)));
        }
    }

    /// <summary>
    /// A DiagnosticReport coded as bone-relevant imaging: final, amended, corrected or appended → done, else other;
    /// time = <c>effectiveDateTime</c>, else <c>effectivePeriod.end</c>, else <c>issued</c>.
    /// </summary>
    public static ImagingFact? MapReport(DiagnosticReport report, CodeCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(catalog);
        if (FirstMatch(report.Code, catalog, Concepts.ImagingBone) is not { } code)
        {
            return null;
        }

        var status = FhirValues.Str(report.StatusElement) switch
        {
            "final" or "amended" or "corrected" or "appended" => ImagingStatus.Done,
            _ => ImagingStatus.Other,
        };
        var time = report.Effective switch
        {
            FhirDateTime d => FhirValues.Instant(d),
            Period p => FhirValues.Instant(p.EndElement),
            _ => null,
        } ?? FhirValues.Instant(report.IssuedElement);

        return new ImagingFact(FhirValues.Id(report), ImagingSource.Report, code, status, time);
    }

    /// <summary>
    /// A ServiceRequest coded as bone-relevant imaging: completed → done, active or on-hold → ordered, else other;
    /// time = <c>occurrenceDateTime</c>, else <c>occurrencePeriod.start</c>, else <c>authoredOn</c>.
    /// </summary>
    public static ImagingFact? MapOrder(ServiceRequest order, CodeCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(catalog);
        if (FirstMatch(order.Code, catalog, Concepts.ImagingBone) is not { } code)
        {
            return null;
        }

        var status = FhirValues.Str(order.StatusElement) switch
        {
            "completed" => ImagingStatus.Done,
            "active" or "on-hold" => ImagingStatus.Ordered,
            _ => ImagingStatus.Other,
        };
        var time = order.Occurrence switch
        {
            FhirDateTime d => FhirValues.Instant(d),
            Period p => FhirValues.Instant(p.StartElement),
            _ => null,
        } ?? FhirValues.Instant(order.AuthoredOnElement);

        return new ImagingFact(FhirValues.Id(order), ImagingSource.Order, code, status, time);
    }

    /// <summary>Concept id → first coding that matched it, for the ids passing <paramref name="wanted"/>; null when none.</summary>
    private static Dictionary<string, CodeRef>? Match(CodeableConcept? concept, CodeCatalog catalog, Func<string, bool> wanted)
    {
        if (concept is null)
        {
            return null;
        }

        Dictionary<string, CodeRef>? matches = null;
        foreach (var coding in concept.Coding)
        {
            if (coding is null)
            {
                continue;
            }

            var system = FhirValues.Str(coding.SystemElement);
            var code = FhirValues.Str(coding.CodeElement);
            if (system is null || code is null)
            {
                continue;
            }

            foreach (var conceptId in catalog.Match(system, code))
            {
                if (wanted(conceptId))
                {
                    matches ??= new Dictionary<string, CodeRef>(StringComparer.Ordinal);
                    matches.TryAdd(conceptId, new CodeRef(system, code, FhirValues.Str(coding.DisplayElement)));
                }
            }
        }

        return matches;
    }

    private static CodeRef? FirstMatch(CodeableConcept? concept, CodeCatalog catalog, string conceptId) =>
        Match(concept, catalog, id => id == conceptId)?[conceptId];

    private static DateTimeOffset? ObservationTime(Observation observation) =>
        observation.Effective switch
        {
            FhirDateTime d => FhirValues.Instant(d),
            Instant i => FhirValues.Instant(i),
            Period p => FhirValues.Instant(p.EndElement),
            _ => null,
        } ?? FhirValues.Instant(observation.IssuedElement);

    private static LabBound? BoundOf(Quantity quantity) => FhirValues.Str(quantity.ComparatorElement) switch
    {
        null => LabBound.Exact,
        ">" or ">=" => LabBound.AtLeast,
        "<" or "<=" => LabBound.AtMost,
        _ => null,
    };

    private static Measure? ToMeasure(Quantity? limit, string analyte) =>
        limit is not null && limit.ComparatorElement is null && LabUnits.Normalize(limit, analyte) is { } m
            ? new Measure(m.Value, m.Unit)
            : null;

    /// <summary>
    /// clinical.md §2.4: true / Yes / Present / no value → present; false / No / Absent → absent; anything else
    /// (another code, a conflicting pair, another value type, a malformed boolean, or no value with a
    /// <c>dataAbsentReason</c> — "asked, declined" is not "present") → indeterminate.
    /// </summary>
    private static Presence PresenceOf(Observation observation)
    {
        switch (observation.Value)
        {
            case null:
                return observation.DataAbsentReason is null ? Presence.Present : Presence.Indeterminate;
            case FhirBoolean b:
                return FhirValues.Bool(b) switch
                {
                    true => Presence.Present,
                    false => Presence.Absent,
                    null => Presence.Indeterminate,
                };
            case CodeableConcept answer:
                var yes = false;
                var no = false;
                foreach (var coding in answer.Coding)
                {
                    if (coding is null || CodeSystems.Normalize(FhirValues.Str(coding.SystemElement)) != CodeSystems.Snomed)
                    {
                        continue;
                    }

                    switch (FhirValues.Str(coding.CodeElement)?.Trim())
                    {
                        case "373066001" or "52101004":
                            yes = true;
                            break;
                        case "373067005" or "2667000":
                            no = true;
                            break;
                    }
                }

                return (yes, no) switch
                {
                    (true, false) => Presence.Present,
                    (false, true) => Presence.Absent,
                    _ => Presence.Indeterminate,
                };
            default:
                return Presence.Indeterminate;
        }
    }

    private static ResultStatus ResultStatusOf(string? status) => status switch
    {
        "registered" => ResultStatus.Registered,
        "preliminary" => ResultStatus.Preliminary,
        "final" => ResultStatus.Final,
        "amended" => ResultStatus.Amended,
        "corrected" => ResultStatus.Corrected,
        "cancelled" => ResultStatus.Cancelled,
        "entered-in-error" => ResultStatus.EnteredInError,
        _ => ResultStatus.Unknown,
    };

    private static ClinicalStatus ClinicalStatusOf(CodeableConcept? status) =>
        Hl7Code(status, ConditionClinicalSystem) switch
        {
            (false, _) => ClinicalStatus.Absent,
            (true, "active") => ClinicalStatus.Active,
            (true, "recurrence") => ClinicalStatus.Recurrence,
            (true, "relapse") => ClinicalStatus.Relapse,
            (true, "inactive") => ClinicalStatus.Inactive,
            (true, "remission") => ClinicalStatus.Remission,
            (true, "resolved") => ClinicalStatus.Resolved,
            _ => ClinicalStatus.Unrecognised,
        };

    private static VerificationStatus VerificationStatusOf(CodeableConcept? status) =>
        Hl7Code(status, ConditionVerificationSystem) switch
        {
            (false, _) => VerificationStatus.Absent,
            (true, "confirmed") => VerificationStatus.Confirmed,
            (true, "unconfirmed") => VerificationStatus.Unconfirmed,
            (true, "provisional") => VerificationStatus.Provisional,
            (true, "differential") => VerificationStatus.Differential,
            (true, "refuted") => VerificationStatus.Refuted,
            (true, "entered-in-error") => VerificationStatus.EnteredInError,
            _ => VerificationStatus.Unrecognised,
        };

    /// <summary>
    /// (present, code): present is false when the element is absent or has neither codings nor text; code is the first
    /// coding of <paramref name="system"/> (null when the element only has other systems or text → unrecognised).
    /// </summary>
    private static (bool Present, string? Code) Hl7Code(CodeableConcept? status, string system)
    {
        if (status is null || (status.Coding.Count == 0 && string.IsNullOrWhiteSpace(FhirValues.Str(status.TextElement))))
        {
            return (false, null);
        }

        foreach (var coding in status.Coding)
        {
            if (coding is not null && string.Equals(FhirValues.Str(coding.SystemElement)?.TrimEnd('/'), system, StringComparison.Ordinal))
            {
                return (true, FhirValues.Str(coding.CodeElement)?.Trim());
            }
        }

        return (true, null);
    }
}
