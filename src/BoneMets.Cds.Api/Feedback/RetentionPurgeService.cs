using BoneMets.Cds.Feedback;
using Microsoft.Extensions.Options;

namespace BoneMets.Cds.Api.Feedback;

/// <summary>
/// Retention: at start-up and every <see cref="FeedbackOptions.PurgeInterval"/>, removes issued cards and feedback older
/// than <see cref="FeedbackOptions.RetentionDays"/> days (by <see cref="TimeProvider"/>). Counts are logged; a failed
/// purge is logged and retried at the next interval.
/// </summary>
public sealed partial class RetentionPurgeService(
    IFeedbackStore store,
    IOptions<FeedbackOptions> options,
    TimeProvider time,
    ILogger<RetentionPurgeService> logger) : BackgroundService
{
    /// <summary>One purge now: removes what is older than the retention age. Null when the store failed.</summary>
    public async Task<PurgeResult?> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.RetentionDays;
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(days);
        try
        {
            var result = await store.PurgeAsync(cutoff, cancellationToken).ConfigureAwait(false);
            LogPurged(logger, result.IssuedCardsRemoved, result.FeedbackRemoved, days);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPurgeFailed(logger, store.Engine, ex.GetType().Name);
            return null;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PurgeInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await PurgeOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "Retention purge: {IssuedCardsRemoved} issued cards and {FeedbackRemoved} feedback items older than {RetentionDays} days removed")]
    private static partial void LogPurged(ILogger logger, long issuedCardsRemoved, long feedbackRemoved, int retentionDays);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Error, Message = "Retention purge failed: {Engine} store, {ExceptionType}; retried at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, string engine, string exceptionType);
}
