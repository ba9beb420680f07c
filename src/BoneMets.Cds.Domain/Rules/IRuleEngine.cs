using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Domain.Rules;

/// <summary>Evaluates rules R1–R6 with their precedence (clinical.md §2–§3). Deterministic; no I/O, no clock.</summary>
public interface IRuleEngine
{
    /// <summary>At most one recommendation per <see cref="CardTopic"/>; empty when nothing applies or a gate stops.</summary>
    /// <param name="facts">The patient's mapped facts.</param>
    /// <param name="now">Evaluation time (from TimeProvider at the request).</param>
    IReadOnlyList<Recommendation> Evaluate(PatientFacts facts, DateTimeOffset now);
}
