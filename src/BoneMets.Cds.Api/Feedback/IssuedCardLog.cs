using System.Threading.Channels;
using BoneMets.Cds.Api.Contracts;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Feedback;
using Microsoft.Extensions.Options;

namespace BoneMets.Cds.Api.Feedback;

/// <summary>
/// The hook's side of the issued-card log: a bounded in-memory queue the hook writes to without waiting, read in batches
/// by <see cref="IssuedCardFlusher"/>. When the queue is full (the store is slower than the hooks) the new card is
/// dropped and counted (<c>cds.issued_cards.dropped</c>, reason <c>queue_full</c>): the hook never blocks on the log.
/// The patient id is hashed here, so the queue and the store never hold it.
/// </summary>
public sealed class IssuedCardLog
{
    private readonly Channel<IssuedCard> _channel;
    private readonly bool _enabled;
    private volatile byte[]? _patientKey;

    public IssuedCardLog(IOptions<FeedbackOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _enabled = options.Value.IssuedCardLog;
        _channel = Channel.CreateBounded<IssuedCard>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            // Wait makes TryWrite answer false when full (DropWrite would drop silently); nobody ever waits on WriteAsync.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>False when <c>Cds:Feedback:IssuedCardLog</c> is off: <see cref="Offer"/> does nothing.</summary>
    public bool Enabled => _enabled;

    /// <summary>Cards waiting to be written.</summary>
    public int Pending => _channel.Reader.Count;

    internal ChannelReader<IssuedCard> Reader => _channel.Reader;

    /// <summary>
    /// Queues the cards of one hook answer (never waits). <paramref name="recommendations"/>[i] produced
    /// <paramref name="cards"/>[i]. Returns how many were queued.
    /// </summary>
    public int Offer(
        string serviceId,
        IReadOnlyList<Recommendation> recommendations,
        IReadOnlyList<Card> cards,
        string patientId,
        string? clientIssuer,
        string definitionsVersion,
        DateTimeOffset issuedAt)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        ArgumentNullException.ThrowIfNull(cards);
        if (!_enabled || cards.Count == 0)
        {
            return 0;
        }

        var key = _patientKey;
        if (key is null)
        {
            // Only before the store is initialised (the host does not listen yet) or after a failed start.
            FeedbackMetrics.Dropped(cards.Count, FeedbackMetrics.NotReady);
            return 0;
        }

        var patientKey = PatientKeys.Hash(key, patientId);
        var queued = 0;
        for (var i = 0; i < cards.Count; i++)
        {
            var card = cards[i];
            var suggestions = card.Suggestions is { } list ? list.Select(s => s.Uuid).ToArray() : [];
            var issued = new IssuedCard(
                card.Uuid,
                serviceId,
                card.Source.Topic?.Code ?? "unknown",
                card.Indicator,
                recommendations[i].RuleId,
                definitionsVersion,
                issuedAt,
                suggestions,
                patientKey,
                clientIssuer);
            if (_channel.Writer.TryWrite(issued))
            {
                queued++;
            }
        }

        if (queued < cards.Count)
        {
            FeedbackMetrics.Dropped(cards.Count - queued, FeedbackMetrics.QueueFull);
        }

        return queued;
    }

    /// <summary>Set once the store is ready (configured key, or the one kept in the database).</summary>
    internal void SetPatientKey(byte[] key) => _patientKey = key;

    /// <summary>No more cards are accepted (shutdown); what is queued can still be read.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}
