using BoneMets.Cds.Feedback;
using Microsoft.Extensions.Options;

namespace BoneMets.Cds.Api.Feedback;

/// <summary>
/// Writes the issued-card log: reads what the hooks queued (up to <see cref="FeedbackOptions.BatchSize"/> at a time, or
/// whatever is there) and records it in one store call. On shutdown it stops taking cards, drains the queue and writes
/// it before the host exits. A batch the store refuses is logged (count, engine, exception type) and dropped with
/// <c>cds.issued_cards.dropped</c> reason <c>store_error</c>; the host keeps running.
/// </summary>
public sealed partial class IssuedCardFlusher(
    IssuedCardLog log,
    IFeedbackStore store,
    IOptions<FeedbackOptions> options,
    ILogger<IssuedCardFlusher> logger) : BackgroundService
{
    // Cancelled only when the host's shutdown timeout runs out: writes in progress are otherwise allowed to finish.
    private readonly CancellationTokenSource _abort = new();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abort);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = log.Reader;
        var batch = new List<IssuedCard>(options.Value.BatchSize);
        try
        {
            var linger = options.Value.FlushDelay;
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                // Let a batch gather (one transaction and one fsync per batch, not per hook call); a full batch goes at once.
                if (linger > TimeSpan.Zero && reader.Count < options.Value.BatchSize)
                {
                    await Task.Delay(linger, stoppingToken).ConfigureAwait(false);
                }

                await WriteBatchAsync(batch).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: drain below.
        }

        log.Complete();
        var drained = 0;
        while (reader.Count > 0 && !_abort.IsCancellationRequested)
        {
            drained += await WriteBatchAsync(batch).ConfigureAwait(false);
        }

        if (reader.Count > 0)
        {
            FeedbackMetrics.Dropped(reader.Count, FeedbackMetrics.StoreError);
        }

        LogDrained(logger, drained, reader.Count);
    }

    private async Task<int> WriteBatchAsync(List<IssuedCard> batch)
    {
        batch.Clear();
        var max = options.Value.BatchSize;
        while (batch.Count < max && log.Reader.TryRead(out var card))
        {
            batch.Add(card);
        }

        if (batch.Count == 0)
        {
            return 0;
        }

        try
        {
            await store.RecordIssuedAsync(batch, _abort.Token).ConfigureAwait(false);
            FeedbackMetrics.IssuedCardsRecorded.Add(batch.Count);
            return batch.Count;
        }
        catch (Exception ex)
        {
            // Never let the log take the host down. The message may quote data or a connection string: type only.
            LogBatchFailed(logger, batch.Count, store.Engine, ex.GetType().Name);
            FeedbackMetrics.Dropped(batch.Count, FeedbackMetrics.StoreError);
            return 0;
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Error, Message = "Issued-card log: {CardCount} cards not recorded, {Engine} store failed with {ExceptionType}")]
    private static partial void LogBatchFailed(ILogger logger, int cardCount, string engine, string exceptionType);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Issued-card log stopped: {DrainedCount} queued cards written on shutdown, {LostCount} not written")]
    private static partial void LogDrained(ILogger logger, int drainedCount, int lostCount);
}
