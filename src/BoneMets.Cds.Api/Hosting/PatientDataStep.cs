using BoneMets.Cds.Api.Contracts;
using BoneMets.Cds.Fhir.Outcomes;
using BoneMets.Cds.Fhir.Prefetch;

namespace BoneMets.Cds.Api.Hosting;

/// <summary>Result of gathering the patient's data: facts, or the required sources that could not be obtained.</summary>
public sealed record PatientDataOutcome(Domain.Facts.PatientFacts? Facts, IReadOnlyList<OutcomeIssue> MissingRequired);

/// <summary>
/// Resolves each prefetch key (use it / no data / not satisfied) and maps the FHIR data to domain facts. Fetching
/// not-satisfied keys from the EHR's FHIR server plugs in here later; until then, not satisfied means 412 for the
/// required keys.
/// </summary>
public sealed class PatientDataStep(CdsRuntime runtime)
{
    public PatientDataOutcome Read(HookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = runtime.PatientData.Read(request.Prefetch, request.Context.PatientId);
        if (result.Facts is not null)
        {
            return new PatientDataOutcome(result.Facts, []);
        }

        var issues = new OutcomeIssue[result.MissingRequired.Count];
        for (var i = 0; i < issues.Length; i++)
        {
            var p = result.MissingRequired[i];
            issues[i] = new OutcomeIssue(
                OutcomeKind.Incomplete,
                $"Required prefetch '{p.Key}' is not available ({p.Reason}), and this service cannot fetch it: send it in prefetch.",
                "prefetch." + p.Key);
        }

        return new PatientDataOutcome(null, issues);
    }
}
