using BoneMets.Cds.Api.Hosting;
using BoneMets.Cds.Fhir.Fetch;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Composition of the CDS host (one place: options, definitions, time, per-request steps).</summary>
public static class CdsHostingExtensions
{
    public static WebApplicationBuilder AddBoneMetsCds(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<CdsOptions>()
            .BindConfiguration(CdsOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.EvaluationAsOf is null || builder.Environment.IsDevelopment(),
                "Cds:EvaluationAsOf is a Development-only setting; remove it outside Development.")
            .ValidateOnStart();

        services.AddSingleton(sp => CdsRuntime.Load(sp.GetRequiredService<IOptions<CdsOptions>>().Value));

        // Fetching what prefetch lacks from the EHR's FHIR server (allow-listed bases only).
        var isDevelopment = builder.Environment.IsDevelopment();
        var isProduction = builder.Environment.IsProduction();
        services.AddOptions<FhirFetchOptions>()
            .BindConfiguration(FhirFetchOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FhirFetchOptions>>(new FhirFetchOptionsValidator(isProduction));
        services.AddEhrFhirFetch(isDevelopment, isProduction);
        services.AddSingleton(sp => sp.GetRequiredService<CdsRuntime>().Catalog); // fetched pages skip irrelevant entries too
        services.AddSingleton<PatientDataStep>();
        services.AddSingleton<TimeProvider>(sp =>
            sp.GetRequiredService<IOptions<CdsOptions>>().Value.EvaluationAsOf is { } asOf
                ? new FixedTimeProvider(asOf)
                : TimeProvider.System);

        // Metrics: instruments always exist (System.Diagnostics.Metrics); exporting is opt-in (Cds:OtlpEndpoint).
        var otlp = builder.Configuration.GetValue<Uri?>($"{CdsOptions.Section}:{nameof(CdsOptions.OtlpEndpoint)}");
        if (otlp is not null)
        {
            services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(BoneMets.Cds.Fhir.CdsMetrics.MeterName)
                .AddOtlpExporter(o => o.Endpoint = otlp));
        }

        services.AddHealthChecks()
            .AddCheck<DefinitionsHealthCheck>("definitions", tags: ["ready"]);
        services.AddOpenApi();

        // The framework's exception middleware logs exception messages and stacks, which can quote request content
        // (patient data). Our handler logs the exception type and trace id instead (Errors/ErrorHandling.cs).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.DeveloperExceptionPageMiddleware", LogLevel.None);

        // Polly logs every FHIR attempt at Information; our fetcher logs one line per key instead.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var max = context.Configuration.GetValue<long?>($"{CdsOptions.Section}:{nameof(CdsOptions.MaxRequestBodyBytes)}");
            kestrel.Limits.MaxRequestBodySize = max ?? new CdsOptions().MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });
        return builder;
    }
}
