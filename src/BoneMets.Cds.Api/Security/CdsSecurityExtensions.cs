using System.Globalization;
using System.Threading.RateLimiting;
using BoneMets.Cds.Api.Errors;
using BoneMets.Cds.Api.Hosting;
using BoneMets.Cds.Api.Security;
using BoneMets.Cds.Fhir.Fetch;
using BoneMets.Cds.Fhir.Outcomes;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Composition of issue 4: trusted clients, JWT verification, JWKS fetching, replay cache (memory or Redis), CORS and
/// per-client rate limits.
/// </summary>
public static partial class CdsSecurityExtensions
{
    /// <summary>CORS policy name.</summary>
    public const string CorsPolicy = "cds-clients";

    /// <summary>Development default for <c>Cds:PublicBaseUrl</c> (the launch profiles' address).</summary>
    public const string DevelopmentPublicBaseUrl = "http://localhost:5080";

    public static WebApplicationBuilder AddCdsSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        var environment = builder.Environment;
        var isDevelopment = environment.IsDevelopment();

        services.AddOptions<CdsAuthOptions>().BindConfiguration(CdsAuthOptions.Section);
        services.AddOptions<CdsCorsOptions>().BindConfiguration(CdsCorsOptions.Section);
        services.AddOptions<CdsRateLimitOptions>().BindConfiguration(CdsRateLimitOptions.Section);

        var clients = configuration.GetSection("Cds:Clients").Get<List<TrustedClientOptions>>() ?? [];
        services.AddSingleton(sp =>
        {
            var cds = sp.GetRequiredService<IOptions<CdsOptions>>().Value;
            return TrustedClientRegistry.Build(
                clients,
                sp.GetRequiredService<IOptions<CdsAuthOptions>>().Value,
                isDevelopment,
                environment.IsProduction(),
                environment.ContentRootPath,
                CdsRuntime.DefinitionsDirectoryOf(cds));
        });
        services.AddSingleton(sp => ResolvePublicBaseUrl(configuration, environment));

        // A client's own FHIR bases join the fetch allow-list, but are allowed for that client only (X6).
        var shared = configuration.GetSection("Cds:Fhir:AllowedServers").Get<List<string>>() ?? [];
        services.AddSingleton(new ClientFhirAllowList(shared));
        services.PostConfigure<FhirFetchOptions>(o =>
        {
            foreach (var server in clients.SelectMany(c => c.FhirServers))
            {
                if (!o.AllowedServers.Contains(server, StringComparer.Ordinal))
                {
                    o.AllowedServers.Add(server);
                }
            }
        });

        // Token times, key-set ages and replay windows are judged on the wall clock. The host's TimeProvider is the
        // clinical evaluation clock, which Cds:EvaluationAsOf pins in the samples profile: real tokens (the sandbox's)
        // would read as issued in the future, and tomorrow as expired. Tests replace TimeProvider and leave the pin off.
        services.AddSingleton(sp => new SecurityClock(
            sp.GetRequiredService<IOptions<CdsOptions>>().Value.EvaluationAsOf is null
                ? sp.GetRequiredService<TimeProvider>()
                : TimeProvider.System));
        services.AddSingleton<IJwksSource>(sp => new JwksCache(
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<IOptions<CdsAuthOptions>>(),
            sp.GetRequiredService<SecurityClock>().Time,
            sp.GetRequiredService<ILogger<JwksCache>>()));
        services.AddHttpClient(JwksCache.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = FhirServerPolicy.GuardedConnectAsync,
            })
            .ConfigureHttpClient((sp, client) =>
            {
                var auth = sp.GetRequiredService<IOptions<CdsAuthOptions>>().Value;
                client.MaxResponseContentBufferSize = auth.JwksMaxBytes;
                client.Timeout = auth.JwksTimeout + TimeSpan.FromSeconds(1); // backstop: the Polly timeout cancels first
            })
            .RemoveAllLoggers()
            .AddResilienceHandler("jwks", (pipeline, context) =>
            {
                var auth = context.ServiceProvider.GetRequiredService<IOptions<CdsAuthOptions>>().Value;
                pipeline
                    .AddTimeout(auth.JwksTimeout)
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = 1,
                        Delay = TimeSpan.FromMilliseconds(100),
                        BackoffType = Polly.DelayBackoffType.Constant,
                        UseJitter = true,
                    })
                    .AddTimeout(auth.JwksTimeout / 2);
            });

        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            services.AddSingleton<IConnectionMultiplexer>(_ =>
            {
                var options = ConfigurationOptions.Parse(redis);
                options.AbortOnConnectFail = false; // start even if Redis is down; calls are refused (503) until it is up
                options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
                options.SyncTimeout = Math.Min(options.SyncTimeout, 1000);
                options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1000);
                return ConnectionMultiplexer.Connect(options);
            });
            services.AddSingleton<IReplayCache>(sp => new RedisReplayCache(
                sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<SecurityClock>().Time));
        }
        else
        {
            services.AddSingleton<IReplayCache>(sp => new MemoryReplayCache(sp.GetRequiredService<SecurityClock>().Time));
        }

        services.AddSingleton(sp => new CdsTokenValidator(
            sp.GetRequiredService<TrustedClientRegistry>(),
            sp.GetRequiredService<IJwksSource>(),
            sp.GetRequiredService<IReplayCache>(),
            sp.GetRequiredService<SecurityClock>().Time));

        services.AddSingleton<FailedAuthLimiter>();

        services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
        {
            var origins = (configuration.GetSection(CdsCorsOptions.Section).Get<CdsCorsOptions>() ?? new()).AllowedOrigins
                .Select(o => o.TrimEnd('/'))
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            policy.SetIsOriginAllowed(origin => origins.Contains(origin) || (isDevelopment && IsLoopbackOrigin(origin)))
                .WithMethods("GET", "POST", "OPTIONS")
                .WithHeaders("Authorization", "Content-Type")
                .WithExposedHeaders("Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        }));

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!context.Request.Path.StartsWithSegments("/cds-services") || HttpMethods.IsOptions(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter(string.Empty);
                }

                var options = context.RequestServices.GetRequiredService<IOptions<CdsRateLimitOptions>>().Value;
                var caller = context.GetCdsCaller();
                var client = context.Features.Get<TrustedClient>();
                var key = caller?.Issuer is { } issuer
                    ? "iss:" + issuer
                    : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                var permits = client?.PermitLimit ?? options.PermitLimit;
                return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = options.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("BoneMets.Cds.RateLimit");
                LogThrottled(logger, CdsAuthenticationMiddleware.Loggable(context.HttpContext.GetCdsCaller()?.Issuer, 200), seconds);
                await OutcomeResult.WriteAsync(context.HttpContext.Response, StatusCodes.Status429TooManyRequests,
                    [new OutcomeIssue(OutcomeKind.Throttled, $"Too many calls from this client; retry after {seconds} s.")]);
            };
        });
        return builder;
    }

    /// <summary>
    /// Validates the security configuration before the host listens: every fault is logged (critical) and the host stops.
    /// </summary>
    public static void ValidateCdsSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var faults = new List<string>();
        try
        {
            _ = app.Services.GetRequiredService<PublicBaseUrl>();
        }
        catch (InvalidOperationException ex)
        {
            faults.Add(ex.Message);
        }

        var registry = app.Services.GetRequiredService<TrustedClientRegistry>();
        faults.AddRange(registry.Faults);
        var cors = app.Services.GetRequiredService<IOptions<CdsCorsOptions>>().Value;
        foreach (var origin in cors.AllowedOrigins)
        {
            if (origin.Contains('*', StringComparison.Ordinal) || !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
            {
                faults.Add($"Cds:Cors:AllowedOrigins: '{origin}' is not an origin (scheme://host[:port]; never '*').");
            }
        }

        var limits = app.Services.GetRequiredService<IOptions<CdsRateLimitOptions>>().Value;
        if (limits.PermitLimit <= 0 || limits.Window <= TimeSpan.Zero || limits.FailedAuthPermitLimit <= 0)
        {
            faults.Add("Cds:RateLimit: PermitLimit, FailedAuthPermitLimit and Window must be positive.");
        }

        // Checked here, not at the first JWKS fetch: a bad value there is an unhandled exception (500) on every call.
        var auth = app.Services.GetRequiredService<IOptions<CdsAuthOptions>>().Value;
        if (auth.JwksTimeout < TimeSpan.FromMilliseconds(20) || auth.JwksTimeout > TimeSpan.FromMinutes(1))
        {
            faults.Add("Cds:Auth:JwksTimeout must be between 20 ms and 1 minute.");
        }

        if (auth.JwksMaxBytes is <= 0 or > int.MaxValue)
        {
            faults.Add("Cds:Auth:JwksMaxBytes must be positive.");
        }

        if (auth.JwksCacheTtl <= TimeSpan.Zero || auth.JwksRefreshMinInterval < TimeSpan.Zero)
        {
            faults.Add("Cds:Auth: JwksCacheTtl must be positive and JwksRefreshMinInterval not negative.");
        }

        if (faults.Count > 0)
        {
            foreach (var fault in faults)
            {
                LogSecurityInvalid(app.Logger, fault);
            }

            throw new InvalidOperationException("Security configuration invalid: " + string.Join(" | ", faults));
        }

        var anonymous = app.Environment.IsDevelopment()
            && app.Services.GetRequiredService<IOptions<CdsAuthOptions>>().Value.AllowAnonymousLoopbackInDevelopment;
        LogSecurity(app.Logger, registry.Clients.Count, app.Services.GetRequiredService<IReplayCache>().GetType().Name, anonymous);
    }

    /// <summary>CORS, then the JWT check, then the per-client rate limiter (it partitions by the verified issuer).</summary>
    public static WebApplication UseCdsSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseCors(CorsPolicy);
        app.UseMiddleware<CdsAuthenticationMiddleware>();
        app.UseRateLimiter();
        return app;
    }

    private static PublicBaseUrl ResolvePublicBaseUrl(ConfigurationManager configuration, IHostEnvironment environment)
    {
        var text = configuration["Cds:PublicBaseUrl"];
        if (string.IsNullOrWhiteSpace(text))
        {
            if (environment.IsDevelopment())
            {
                return new PublicBaseUrl(new Uri(DevelopmentPublicBaseUrl));
            }

            throw new InvalidOperationException(
                "Cds:PublicBaseUrl is required outside Development: JWT audiences are checked against it (e.g. https://cds.example.org).");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || AudienceUrl.Normalise(text) is null)
        {
            throw new InvalidOperationException("Cds:PublicBaseUrl must be an absolute http(s) URL without query or fragment.");
        }

        if (environment.IsProduction() && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException("Cds:PublicBaseUrl must be https in Production (EHRs call CDS services over TLS).");
        }

        return new PublicBaseUrl(uri);
    }

    private static bool IsLoopbackOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host == "localhost");

    [LoggerMessage(EventId = 2010, Level = LogLevel.Critical, Message = "Security configuration invalid: {Fault}")]
    private static partial void LogSecurityInvalid(ILogger logger, string fault);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Security: {ClientCount} trusted clients, replay cache {ReplayCache}, unauthenticated loopback calls {AnonymousLoopback}")]
    private static partial void LogSecurity(ILogger logger, int clientCount, string replayCache, bool anonymousLoopback);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "429: rate limit reached for {Issuer}; retry after {RetryAfterSeconds} s")]
    private static partial void LogThrottled(ILogger logger, string issuer, int retryAfterSeconds);
}
