using System.Diagnostics.CodeAnalysis;
using BoneMets.Cds.Domain.Facts;

namespace BoneMets.Cds.Fhir.Prefetch;

/// <summary>A prefetch key that could not be used, and why (a fixed phrase without patient data).</summary>
public sealed record KeyProblem(string Key, string Reason);

/// <summary>
/// Either the patient's facts (<see cref="IsAvailable"/>), or the required keys that were not satisfied (answer 412,
/// cds-hooks.md "Our decisions" 3). Optional keys that were not satisfied are flagged in
/// <see cref="PatientFacts.Unavailable"/> and listed in <see cref="Unsatisfied"/>.
/// </summary>
public sealed class PatientDataResult
{
    private PatientDataResult(
        PatientFacts? facts,
        IReadOnlyList<KeyProblem> missingRequired,
        IReadOnlyList<KeyProblem> unsatisfied,
        IReadOnlyList<string> partialKeys)
    {
        Facts = facts;
        MissingRequired = missingRequired;
        Unsatisfied = unsatisfied;
        PartialKeys = partialKeys;
    }

    /// <summary>The facts; null when required data is missing.</summary>
    public PatientFacts? Facts { get; }

    /// <summary>True when <see cref="Facts"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Facts))]
    public bool IsAvailable => Facts is not null;

    /// <summary>Required keys (patient, conditions) that could not be used; non-empty exactly when <see cref="Facts"/> is null.</summary>
    public IReadOnlyList<KeyProblem> MissingRequired { get; }

    /// <summary>Every key that could not be used, required or optional (for logs).</summary>
    public IReadOnlyList<KeyProblem> Unsatisfied { get; }

    /// <summary>Keys used with a first page only (their <c>next</c> link was not followed).</summary>
    public IReadOnlyList<string> PartialKeys { get; }

    internal static PatientDataResult Available(PatientFacts facts, IReadOnlyList<KeyProblem> unsatisfied, IReadOnlyList<string> partialKeys) =>
        new(facts, [], unsatisfied, partialKeys);

    internal static PatientDataResult RequiredMissing(IReadOnlyList<KeyProblem> missing, IReadOnlyList<KeyProblem> unsatisfied, IReadOnlyList<string> partialKeys) =>
        new(null, missing, unsatisfied, partialKeys);
}
