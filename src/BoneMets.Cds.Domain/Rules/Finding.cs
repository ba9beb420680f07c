using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>A recent symptom or fracture, from a Condition or a symptom Observation, with the coding that matched.</summary>
/// <param name="Kind">Symptom or Diagnosis (fractures).</param>
/// <param name="ResourceId">Condition or Observation id.</param>
/// <param name="Code">The coding that matched the concept set.</param>
/// <param name="Date">Finding date (later of onset/recorded, or the Observation time).</param>
/// <param name="FromObservation">True when recorded as a symptom Observation.</param>
internal sealed record Finding(EvidenceKind Kind, string ResourceId, CodeRef Code, DateTimeOffset Date, bool FromObservation);
