using System.Text.Json;
using BoneMets.Cds.Api.Contracts;
using BoneMets.Cds.Fhir;

namespace BoneMets.Cds.Api.Hosting;

/// <summary>
/// Runs the whole hook path once on synthetic data before the host listens (parse → facts → rules → cards → JSON), so
/// the first clinician's click does not pay for JIT and Firely model initialisation.
/// </summary>
public static class WarmUp
{
    /// <returns>The number of cards the synthetic patient produced (a smoke check: it must be &gt; 0).</returns>
    public static int Run(CdsRuntime runtime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        FhirWarmUp.Run();
        using var document = JsonDocument.Parse(FhirWarmUp.SyntheticPrefetch(now));
        var prefetch = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in document.RootElement.EnumerateObject())
        {
            prefetch[p.Name] = p.Value;
        }

        var data = runtime.PatientData.Read(prefetch, FhirWarmUp.PatientId, now);
        if (data.Facts is null)
        {
            throw new InvalidOperationException("warm-up prefetch was not accepted");
        }

        var context = new HookContext("Practitioner/warm-up", FhirWarmUp.PatientId, null);
        var recommendations = runtime.Engine.Evaluate(data.Facts, now);
        var cards = recommendations.Select(r => runtime.Cards.Create(r, runtime.Service.Id, context)).ToArray();
        _ = JsonSerializer.SerializeToUtf8Bytes(new CdsResponse(cards), CdsJsonContext.Default.CdsResponse);
        return cards.Length;
    }
}
