using BoneMets.Cds.Fhir.Fetch;
using Microsoft.Extensions.Options;

namespace BoneMets.Cds.Api.Hosting;

/// <summary>Start-up validation of <c>Cds:Fhir</c>: the host refuses to start and the message lists every fault.</summary>
public sealed class FhirFetchOptionsValidator(bool isProduction) : IValidateOptions<FhirFetchOptions>
{
    public ValidateOptionsResult Validate(string? name, FhirFetchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var faults = FhirServerPolicy.Validate(options, isProduction);
        return faults.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(faults.Select(f => "Cds:Fhir: " + f));
    }
}
