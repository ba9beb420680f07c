using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Fhir.Fetch;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers fetching from the EHR's FHIR server (issue 3).</summary>
public static class EhrFhirFetchServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IFhirServerPolicy"/> and <see cref="IEhrDataFetcher"/> (singletons) and the
    /// <see cref="FhirClientNames.Ehr"/> HTTP client. The host binds <c>Cds:Fhir</c> into
    /// <see cref="IOptions{FhirFetchOptions}"/> (and validates it with <see cref="FhirServerPolicy.Validate"/>) before the
    /// first resolution; the options are read once.
    /// </summary>
    /// <remarks>
    /// The HTTP client: <see cref="SocketsHttpHandler"/> without redirects or cookies, connections recycled every 2 minutes,
    /// a connect step that refuses link-local and cloud-metadata addresses, responses larger than
    /// <see cref="FhirFetchOptions.MaxResponseBytes"/> aborted (<see cref="HttpClient.MaxResponseContentBufferSize"/>: the
    /// Firely client reads buffered), no request logging (URLs carry patient ids), and the resilience pipeline of
    /// <see cref="EhrFetchResilience"/> selected per allow-listed FHIR base (one circuit breaker per base).
    /// If a <see cref="CodeCatalog"/> is registered, fetched searchsets skip materialising irrelevant entries, as prefetch does.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="isDevelopment">Development: <c>http</c> bases may be contacted.</param>
    /// <param name="isProduction">Production: open (token-less) servers are never used.</param>
    public static IServiceCollection AddEhrFhirFetch(this IServiceCollection services, bool isDevelopment, bool isProduction)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddEhrFhirFetch(isDevelopment, isProduction, TimeProvider.System);
    }

    /// <summary>As above, with the clock of budgets, breakers and <c>Retry-After</c> dates (tests).</summary>
    internal static IServiceCollection AddEhrFhirFetch(this IServiceCollection services, bool isDevelopment, bool isProduction, TimeProvider clock)
    {
        services.AddOptions<FhirFetchOptions>();
        services.TryAddSingleton<IFhirServerPolicy>(sp =>
            new FhirServerPolicy(sp.GetRequiredService<IOptions<FhirFetchOptions>>().Value, isDevelopment, isProduction));
        services.TryAddSingleton<IEhrDataFetcher>(sp => new EhrDataFetcher(
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<IFhirServerPolicy>(),
            sp.GetRequiredService<IOptions<FhirFetchOptions>>(),
            sp.GetRequiredService<ILogger<EhrDataFetcher>>(),
            sp.GetService<CodeCatalog>(),
            clock));

        services.AddHttpClient(FhirClientNames.Ehr)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectCallback = GuardedConnect.ConnectAsync,
            })
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<FhirFetchOptions>>().Value;
                client.MaxResponseContentBufferSize = options.MaxResponseBytes;
                client.Timeout = options.TotalBudget + TimeSpan.FromSeconds(5); // backstop only: the budget cancels first
            })
            .RemoveAllLoggers() // the default handler logs request URLs, which hold patient ids
            .AddResilienceHandler("ehr", (builder, context) =>
                EhrFetchResilience.Configure(
                    builder,
                    context.ServiceProvider.GetRequiredService<IOptions<FhirFetchOptions>>().Value,
                    clock))
            .SelectPipelineBy(sp =>
            {
                var policy = sp.GetRequiredService<IFhirServerPolicy>() as FhirServerPolicy;
                return request => PipelineKey(policy, request.RequestUri);
            });
        return services;
    }

    /// <summary>One pipeline (and so one circuit breaker) per allow-listed FHIR base; by authority for anything else.</summary>
    internal static string PipelineKey(FhirServerPolicy? policy, Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri)
        {
            return "(none)";
        }

        return policy?.BaseOf(url)?.Key ?? url.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }
}
