using BoneMets.Cds.Api.Feedback;
using BoneMets.Cds.Feedback;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Composition of feedback, the issued-card log, retention and analytics. The store is SQLite under
/// <c>Cds:Feedback:DataDirectory</c>, or PostgreSQL when <c>ConnectionStrings:Feedback</c> is set.
/// </summary>
public static class FeedbackHostingExtensions
{
    public static WebApplicationBuilder AddCdsFeedback(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<FeedbackOptions>()
            .BindConfiguration(FeedbackOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FeedbackOptions>, FeedbackOptionsValidator>();
        services.AddOptions<AdminOptions>()
            .BindConfiguration(AdminOptions.Section)
            .Validate(o => o.IsValid(), $"Cds:Admin:ApiKey must be at least {AdminOptions.MinimumKeyLength} characters, or unset to disable analytics.")
            .ValidateOnStart();

        services.AddSingleton<IFeedbackStore>(sp => CreateStore(sp, builder.Environment.ContentRootPath));
        services.AddSingleton<IssuedCardLog>();

        // Order matters: hosted services start in registration order and before the server listens, so the schema and
        // the patient hash key are ready before the first hook, and the flusher (stopped after the server) drains last.
        services.AddHostedService<FeedbackStoreStartup>();
        services.AddHostedService<IssuedCardFlusher>();
        services.AddSingleton<RetentionPurgeService>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionPurgeService>());
        return builder;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Two engines behind one interface.")]
    private static IFeedbackStore CreateStore(IServiceProvider services, string contentRoot)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var connectionString = configuration.GetConnectionString(FeedbackOptions.ConnectionStringName);
        var postgres = !string.IsNullOrWhiteSpace(connectionString);
        try
        {
            if (postgres)
            {
                return new PostgresFeedbackStore(connectionString!, services.GetService<ILogger<PostgresFeedbackStore>>());
            }

            var directory = Path.Combine(contentRoot, services.GetRequiredService<IOptions<FeedbackOptions>>().Value.DataDirectory);
            return new SqliteFeedbackStore(directory, services.GetService<ILogger<SqliteFeedbackStore>>());
        }
        catch (Exception ex) when (ex is not OptionsValidationException)
        {
            // Opening fails here (a data directory that cannot be created, a malformed connection string); the schema
            // is checked later, in FeedbackStoreStartup. Both stop the host with the same one line.
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<FeedbackStoreStartup>();
            throw FeedbackStoreStartup.CannotStart(logger, configuration, postgres ? "postgresql" : "sqlite", ex);
        }
    }
}
