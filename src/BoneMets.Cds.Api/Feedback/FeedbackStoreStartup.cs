using System.Data.Common;
using BoneMets.Cds.Feedback;
using Microsoft.Extensions.Options;

namespace BoneMets.Cds.Api.Feedback;

/// <summary>
/// Creates or migrates the feedback schema before the host listens (hosted services start before the server), and
/// readies the patient-id hash key. If the store cannot be opened or initialised the host stops, after one critical log
/// line naming the engine and the reason (never the connection string or password).
/// </summary>
public sealed partial class FeedbackStoreStartup(
    IFeedbackStore store,
    IssuedCardLog log,
    IOptions<FeedbackOptions> options,
    IConfiguration configuration,
    ILogger<FeedbackStoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        int version;
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            version = await store.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false);
            var key = options.Value.DecodedPatientHashKey()
                ?? await store.GetOrCreateHashKeyAsync(cancellationToken).ConfigureAwait(false);
            log.SetPatientKey(key);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw CannotStart(logger, configuration, store.Engine, ex);
        }

        LogReady(logger, store.Engine, version, log.Enabled);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Logs the one critical line and returns the exception to stop the host with: a new one carrying only the redacted
    /// reason (the host logs what it is given, and only the redacted text is known to be safe).
    /// </summary>
    internal static InvalidOperationException CannotStart(ILogger logger, IConfiguration configuration, string engine, Exception ex)
    {
        var reason = Redact(configuration, $"{ex.GetType().Name}: {ex.Message}");
        LogCannotStart(logger, engine, reason);
        return new InvalidOperationException($"The feedback store ({engine}) could not be initialised: {reason}");
    }

    /// <summary>Removes the connection string and its password (if any) from a message, in case a driver quotes them.</summary>
    private static string Redact(IConfiguration configuration, string message)
    {
        var connectionString = configuration.GetConnectionString(FeedbackOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return message;
        }

        message = message.Replace(connectionString, "(connection string)", StringComparison.Ordinal);
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            foreach (var name in (string[])["Password", "Pwd"])
            {
                if (builder.TryGetValue(name, out var value) && value is string { Length: > 0 } secret)
                {
                    message = message.Replace(secret, "***", StringComparison.Ordinal);
                }
            }

            return message;
        }
        catch (ArgumentException)
        {
            return "the connection string ConnectionStrings:Feedback could not be read";
        }
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Critical, Message = "Cannot start: the feedback store ({Engine}) could not be initialised: {Reason}")]
    private static partial void LogCannotStart(ILogger logger, string engine, string reason);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Feedback store ready: {Engine}, schema version {SchemaVersion}, issued-card log {IssuedCardLogEnabled}")]
    private static partial void LogReady(ILogger logger, string engine, int schemaVersion, bool issuedCardLogEnabled);
}
