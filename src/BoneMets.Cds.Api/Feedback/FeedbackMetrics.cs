using System.Diagnostics.Metrics;
using BoneMets.Cds.Fhir;

namespace BoneMets.Cds.Api.Feedback;

/// <summary>
/// Metrics of the issued-card log and feedback (meter <see cref="CdsMetrics.MeterName"/>, beside the hook metrics).
/// Tags carry reasons and outcomes only.
/// </summary>
public static class FeedbackMetrics
{
    private static readonly Meter Meter = new(CdsMetrics.MeterName);

    /// <summary>Issued cards not recorded, tagged <c>reason</c>: <c>queue_full</c> (overload or shutdown), <c>store_error</c> (a batch the store refused) or <c>not_ready</c> (store not initialised).</summary>
    public static readonly Counter<long> IssuedCardsDropped =
        Meter.CreateCounter<long>("cds.issued_cards.dropped", "{card}", "Issued cards not recorded in the issued-card log");

    /// <summary>Issued cards written to the store.</summary>
    public static readonly Counter<long> IssuedCardsRecorded =
        Meter.CreateCounter<long>("cds.issued_cards.recorded", "{card}", "Issued cards written to the issued-card log");

    /// <summary>Feedback items received in valid batches, tagged <c>outcome</c> (accepted, overridden).</summary>
    public static readonly Counter<long> FeedbackItems =
        Meter.CreateCounter<long>("cds.feedback.items", "{item}", "Feedback items received, by outcome");

    public const string QueueFull = "queue_full";
    public const string StoreError = "store_error";
    public const string NotReady = "not_ready";

    public static void Dropped(long count, string reason) =>
        IssuedCardsDropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
}
