using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BoneMets.Cds.Api.Hosting;

/// <summary>Ready once the definitions are loaded (they are loaded before the host starts listening).</summary>
public sealed class DefinitionsHealthCheck(CdsRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(runtime.Catalog.Sets.Count > 0
            ? HealthCheckResult.Healthy($"{runtime.Catalog.Sets.Count} value sets, {runtime.DefinitionsVersion}")
            : HealthCheckResult.Unhealthy("no value sets loaded"));
}
