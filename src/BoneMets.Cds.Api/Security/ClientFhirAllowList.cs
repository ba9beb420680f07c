using System.Collections.Frozen;
using BoneMets.Cds.Fhir.Fetch;

namespace BoneMets.Cds.Api.Security;

/// <summary>
/// Which FHIR bases a caller may name as <c>fhirServer</c> (cds-hooks.md §5.6, case X6): the bases in
/// <c>Cds:Fhir:AllowedServers</c> for every caller, plus a trusted client's own <see cref="TrustedClientOptions.FhirServers"/>
/// for that client only. A base allow-listed for issuer A, named in a call from issuer B, is not allow-listed.
/// The fetch policy (<see cref="IFhirServerPolicy"/>) then applies its own rules (https, no metadata hosts, token).
/// </summary>
public sealed class ClientFhirAllowList(IEnumerable<string> sharedServers)
{
    private readonly FrozenSet<string> _shared = sharedServers
        .Select(FhirServerPolicy.BaseKey)
        .OfType<string>()
        .ToFrozenSet(StringComparer.Ordinal);

    public bool Allows(Uri fhirServer, TrustedClient? client)
    {
        ArgumentNullException.ThrowIfNull(fhirServer);
        var key = FhirServerPolicy.BaseKey(fhirServer);
        return key is not null && (_shared.Contains(key) || (client is not null && client.FhirServerKeys.Contains(key)));
    }
}
