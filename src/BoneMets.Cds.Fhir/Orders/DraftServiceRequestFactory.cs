using System.Text.Json;
using System.Text.Json.Nodes;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Terminology;
using Hl7.Fhir.Model;

namespace BoneMets.Cds.Fhir.Orders;

/// <summary>
/// Builds the draft <c>ServiceRequest</c> a card suggestion proposes to create (CDS Hooks action <c>create</c>), as FHIR
/// R4 JSON written by the Firely serializer.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>status = draft</c>, <c>intent = proposal</c>: a CDS suggestion is "a suggestion made by someone/something
/// that does not have an intention to ensure it occurs" (R4 RequestIntent); the clinician turns it into an order by
/// accepting and signing it.</item>
/// <item><c>category</c> from the code system: SNOMED CT codes are referrals (<c>3457005</c> Patient referral), every
/// other code (LOINC Radiology Playbook, CPT, HCPCS) is imaging (<c>363679005</c> Imaging) — clinical.md §5.9 orders
/// imaging by LOINC only and referrals by SNOMED only.</item>
/// <item><c>code</c> = the coding (canonical system) with <c>text</c> = display; <c>priority</c> from
/// <see cref="OrderPriority"/>; <c>subject</c> = <c>Patient/&lt;id&gt;</c>; <c>encounter</c> when known;
/// <c>reasonCode.text</c> = the suggestion's reason.</item>
/// <item>No <c>id</c> (the EHR assigns it), no <c>authoredOn</c> (no clock here; the EHR stamps it when the clinician
/// signs), no <c>requester</c> (the signing user is the EHR's to set).</item>
/// </list>
/// </remarks>
public static class DraftServiceRequestFactory
{
    private const string Snomed = CodeSystems.Snomed;

    /// <summary>Builds the resource.</summary>
    /// <exception cref="ArgumentException">An id is empty, or the order's system is not a known code system.</exception>
    public static ServiceRequest Create(SuggestedOrder order, string patientId, string? encounterId = null)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(order.Code);
        var system = CodeSystems.Normalize(order.System)
            ?? throw new ArgumentException($"Unknown code system '{order.System}' for a suggested order.", nameof(order));

        var category = system == Snomed
            ? new Coding(Snomed, "3457005", "Patient referral")
            : new Coding(Snomed, "363679005", "Imaging");

        var request = new ServiceRequest
        {
            Status = RequestStatus.Draft,
            Intent = RequestIntent.Proposal,
            Category = [new CodeableConcept { Coding = [category] }],
            Code = new CodeableConcept
            {
                Coding = [new Coding(system, order.Code.Trim(), order.Display)],
                Text = order.Display,
            },
            Priority = order.Priority switch
            {
                OrderPriority.Routine => RequestPriority.Routine,
                OrderPriority.Urgent => RequestPriority.Urgent,
                OrderPriority.Asap => RequestPriority.Asap,
                OrderPriority.Stat => RequestPriority.Stat,
                _ => throw new ArgumentOutOfRangeException(nameof(order), order.Priority, "Unknown order priority."),
            },
            Subject = new ResourceReference($"Patient/{patientId}"),
        };

        if (!string.IsNullOrWhiteSpace(encounterId))
        {
            request.Encounter = new ResourceReference($"Encounter/{encounterId}");
        }

        if (!string.IsNullOrWhiteSpace(order.Reason))
        {
            request.ReasonCode = [new CodeableConcept { Text = order.Reason }];
        }

        return request;
    }

    /// <summary>The resource as compact UTF-8 FHIR JSON.</summary>
    public static byte[] CreateUtf8Json(SuggestedOrder order, string patientId, string? encounterId = null) =>
        JsonSerializer.SerializeToUtf8Bytes<Resource>(Create(order, patientId, encounterId), FhirJson.Strict);

    /// <summary>The resource as a JSON node, ready to embed as <c>action.resource</c> in a card suggestion.</summary>
    public static JsonNode CreateJsonNode(SuggestedOrder order, string patientId, string? encounterId = null) =>
        JsonNode.Parse(CreateUtf8Json(order, patientId, encounterId))!;
}
