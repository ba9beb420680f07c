namespace BoneMets.Cds.Feedback;

/// <summary>
/// A card this service returned, as recorded in the issued-card log (no patient data: the patient appears only as a
/// keyed hash). Feedback is joined to it by <see cref="CardUuid"/> and <see cref="ClientIssuer"/>.
/// </summary>
/// <param name="CardUuid">The card's <c>uuid</c> as sent to the EHR.</param>
/// <param name="ServiceId">CDS service id, e.g. <c>bone-metastasis-patient-view</c>.</param>
/// <param name="TopicCode">The card's <c>source.topic.code</c> (rule family, e.g. <c>spinal-cord-compression</c>).</param>
/// <param name="Indicator"><c>info</c>, <c>warning</c> or <c>critical</c>.</param>
/// <param name="RuleId">Rule that produced the card, e.g. <c>R1</c>.</param>
/// <param name="DefinitionsVersion">Version (content hash) of cds-services/ the card was evaluated with.</param>
/// <param name="IssuedAt">When the card was returned (UTC).</param>
/// <param name="SuggestionUuids">The card's suggestion uuids, in order.</param>
/// <param name="PatientKey">Keyed hash (HMAC-SHA256, hex) of the patient id; never the id itself.</param>
/// <param name="ClientIssuer">The verified JWT issuer of the EHR that called, or null for an unauthenticated Development call.</param>
public sealed record IssuedCard(
    string CardUuid,
    string ServiceId,
    string TopicCode,
    string Indicator,
    string RuleId,
    string DefinitionsVersion,
    DateTimeOffset IssuedAt,
    IReadOnlyList<string> SuggestionUuids,
    string PatientKey,
    string? ClientIssuer);

/// <summary>Feedback outcome (CDS Hooks 2.0 §Feedback, cds-fb-1).</summary>
public enum FeedbackOutcome
{
    Accepted,
    Overridden,
}

/// <summary>
/// One validated feedback item. Free text (<c>overrideReason.userComment</c>) is not stored: only whether one was given
/// (it may quote patient data).
/// </summary>
/// <param name="CardUuid">The card uuid the EHR reports on (may be unknown to us: accepted all the same).</param>
/// <param name="Outcome">Accepted or overridden.</param>
/// <param name="AcceptedSuggestions">Accepted suggestion uuids (non-empty when accepted, else empty).</param>
/// <param name="OverrideReasonSystem">The chosen override reason's Coding.system, if any.</param>
/// <param name="OverrideReasonCode">The chosen override reason's Coding.code, if any.</param>
/// <param name="HasUserComment">The clinician typed a comment (text not stored).</param>
/// <param name="OutcomeTimestamp">When the clinician acted (UTC, from the EHR).</param>
public sealed record FeedbackItem(
    string CardUuid,
    FeedbackOutcome Outcome,
    IReadOnlyList<string> AcceptedSuggestions,
    string? OverrideReasonSystem,
    string? OverrideReasonCode,
    bool HasUserComment,
    DateTimeOffset OutcomeTimestamp);

/// <summary>Analytics query: cards issued in [<see cref="From"/>, <see cref="To"/>), optionally one service.</summary>
public sealed record AnalyticsQuery(DateTimeOffset From, DateTimeOffset To, string? ServiceId);

/// <summary>Analytics answer for informatics teams: per topic and indicator, how cards fared.</summary>
/// <param name="From">Start of the window (inclusive).</param>
/// <param name="To">End of the window (exclusive).</param>
/// <param name="ServiceId">The service filtered on, or null for all.</param>
/// <param name="Groups">One entry per (topic, indicator) with at least one card shown in the window, ordered by topic then indicator.</param>
/// <param name="UnmatchedFeedback">Feedback items received in the window whose (card uuid, issuer) matches no issued
/// card: unknown card uuids, and known ones posted by another EHR than the one the card was issued to (ignored in the groups).</param>
public sealed record CardAnalytics(
    DateTimeOffset From,
    DateTimeOffset To,
    string? ServiceId,
    IReadOnlyList<CardGroupStats> Groups,
    long UnmatchedFeedback);

/// <summary>
/// Counts for one (topic, indicator). A card counts once as accepted if any feedback for it was <c>accepted</c>, and
/// once as overridden if any was <c>overridden</c> (distinct cards, however often the EHR repeated itself).
/// <see cref="AcceptanceRate"/> = accepted / shown (0 when none shown), rounded to 4 decimals.
/// </summary>
public sealed record CardGroupStats(
    string TopicCode,
    string Indicator,
    long Shown,
    long Accepted,
    long Overridden,
    double AcceptanceRate,
    IReadOnlyList<OverrideReasonCount> OverrideReasons,
    IReadOnlyList<DailyCardStats> Daily);

/// <summary>
/// Override reasons for a group: distinct overridden cards per reason code. Overrides without a coded reason are
/// counted with <see cref="System"/>/<see cref="Code"/> null (<see cref="CommentOnly"/> true when only a comment was given).
/// </summary>
public sealed record OverrideReasonCount(string? System, string? Code, bool CommentOnly, long Count);

/// <summary>One UTC day (by the card's issue time): shown, accepted, overridden.</summary>
public sealed record DailyCardStats(DateOnly Day, long Shown, long Accepted, long Overridden);

/// <summary>What a retention purge removed.</summary>
public sealed record PurgeResult(long IssuedCardsRemoved, long FeedbackRemoved);

/// <summary>
/// Durable store for the issued-card log and feedback. Two engines implement it: SQLite (embedded default, WAL) and
/// PostgreSQL (several replicas). Every method commits before it returns.
/// </summary>
public interface IFeedbackStore
{
    /// <summary>Engine name for logs and health: <c>sqlite</c> or <c>postgresql</c>.</summary>
    string Engine { get; }

    /// <summary>Creates or migrates the schema (forward-only, versioned). Safe to call from several replicas at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The schema version now in the database (after <see cref="InitializeAsync"/>).</summary>
    Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken);

    /// <summary>Records issued cards (a batch from the queue). A card uuid already recorded is left as it is.</summary>
    Task RecordIssuedAsync(IReadOnlyList<IssuedCard> cards, CancellationToken cancellationToken);

    /// <summary>
    /// Records feedback items, committed before returning. Idempotent: an item identical to one already stored
    /// (same service, issuer, card, outcome, timestamp, suggestions and reason) is not stored twice; the same item from
    /// two issuers is stored twice. Returns how many were new.
    /// </summary>
    /// <param name="serviceId">The CDS service the feedback was posted to.</param>
    /// <param name="clientIssuer">The verified JWT issuer of the EHR that posted, or null for an unauthenticated
    /// Development call. Stored with each item; analytics count an item toward a card only when this matches the card's
    /// <see cref="IssuedCard.ClientIssuer"/> (null matches null), so one EHR cannot move another EHR's numbers.</param>
    /// <param name="items">The validated items.</param>
    /// <param name="receivedAt">When the service received them (not part of the identity).</param>
    /// <param name="cancellationToken">Cancels the write (nothing is stored then).</param>
    Task<int> RecordFeedbackAsync(string serviceId, string? clientIssuer, IReadOnlyList<FeedbackItem> items, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>Per topic and indicator: shown, accepted, overridden, rate, reasons and a per-day series.</summary>
    Task<CardAnalytics> GetAnalyticsAsync(AnalyticsQuery query, CancellationToken cancellationToken);

    /// <summary>Removes issued cards issued before <paramref name="olderThan"/> and feedback received before it.</summary>
    Task<PurgeResult> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);

    /// <summary>
    /// A secret for keying patient-id hashes, created once and kept in the database so every replica hashes alike
    /// (used when <c>Cds:Feedback:PatientHashKey</c> is not configured).
    /// </summary>
    Task<byte[]> GetOrCreateHashKeyAsync(CancellationToken cancellationToken);
}
