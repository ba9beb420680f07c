namespace BoneMets.Cds.Feedback;

/// <summary>One (topic, indicator, UTC day of issue) row of the analytics SQL: cards shown, and distinct cards accepted / overridden.</summary>
internal readonly record struct DailyRow(string TopicCode, string Indicator, DateOnly Day, long Shown, long Accepted, long Overridden);

/// <summary>One (topic, indicator, reason bucket) row of the analytics SQL: distinct overridden cards.</summary>
internal readonly record struct ReasonRow(string TopicCode, string Indicator, string? System, string? Code, bool CommentOnly, long Count);

/// <summary>
/// Turns the engine's aggregated rows into <see cref="CardAnalytics"/>. The counting is done in SQL by both engines with
/// the same rules (see <see cref="IFeedbackStore.GetAnalyticsAsync"/> on the implementations); this class only sums the
/// per-day rows into group totals (exact: every card belongs to exactly one day), computes the rate and sorts
/// ordinally, so the order does not depend on a database collation.
/// </summary>
/// <remarks>
/// Rules, identical for both engines:
/// <list type="bullet">
/// <item>Cards: <c>issued_at</c> in [From, To) (UTC, microsecond resolution), and <c>service_id</c> = ServiceId when given.</item>
/// <item>Feedback is joined to those cards by (card uuid, client issuer): an item counts toward a card only when the
/// issuer that posted it is the issuer the card was issued to (SQL <c>IS NOT DISTINCT FROM</c> in PostgreSQL, <c>IS</c>
/// in SQLite, so null matches null: unauthenticated Development calls, and feedback stored before schema v3). So one
/// trusted EHR cannot move the numbers of another EHR's cards. Otherwise whenever it was received and whichever service
/// endpoint received it (card uuids are unique in the issued-card log).</item>
/// <item>Accepted / Overridden: distinct cards with at least one accepted / overridden item. A card can be both.</item>
/// <item>AcceptanceRate: Accepted / Shown rounded half away from zero to 4 decimals; 0 when Shown is 0.</item>
/// <item>OverrideReasons: distinct overridden cards per bucket. An override with a reason code is counted under
/// (system, code) with CommentOnly false (whether or not a comment came with it). An override without a code is counted
/// under (null, null, CommentOnly: true) when it had a user comment, else (null, null, CommentOnly: false); a reason
/// system without a code counts as no code. A card overridden several times with different reasons counts once in each
/// bucket. Ordered by count descending, then code, then system (ordinal, nulls last), then CommentOnly false first.</item>
/// <item>Daily: per UTC day of issue, days without cards omitted, ordered by day.</item>
/// <item>Groups: ordered by topic then indicator (ordinal).</item>
/// <item>UnmatchedFeedback: stored feedback items (after de-duplication) whose <c>received_at</c> is in [From, To), whose
/// service is ServiceId when given, and whose (card uuid, issuer) matches no issued card: the card uuid is not in the
/// issued-card log at all, or it is but was issued to another issuer (same null-matches-null comparison). Note that
/// feedback for a card removed by a purge becomes unmatched.</item>
/// </list>
/// </remarks>
internal static class AnalyticsAssembler
{
    public static CardAnalytics Build(AnalyticsQuery query, IEnumerable<DailyRow> daily, IEnumerable<ReasonRow> reasons, long unmatched)
    {
        var reasonsByGroup = reasons
            .GroupBy(r => (r.TopicCode, r.Indicator))
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<OverrideReasonCount>)g
                    .Select(r => new OverrideReasonCount(r.System, r.Code, r.CommentOnly, r.Count))
                    .OrderByDescending(r => r.Count)
                    .ThenBy(r => r.Code is null)
                    .ThenBy(r => r.Code, StringComparer.Ordinal)
                    .ThenBy(r => r.System is null)
                    .ThenBy(r => r.System, StringComparer.Ordinal)
                    .ThenBy(r => r.CommentOnly)
                    .ToList());

        var groups = daily
            .GroupBy(d => (d.TopicCode, d.Indicator))
            .OrderBy(g => g.Key.TopicCode, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Indicator, StringComparer.Ordinal)
            .Select(g =>
            {
                var days = g.OrderBy(d => d.Day).Select(d => new DailyCardStats(d.Day, d.Shown, d.Accepted, d.Overridden)).ToList();
                var shown = days.Sum(d => d.Shown);
                var accepted = days.Sum(d => d.Accepted);
                var overridden = days.Sum(d => d.Overridden);
                return new CardGroupStats(
                    g.Key.TopicCode,
                    g.Key.Indicator,
                    shown,
                    accepted,
                    overridden,
                    Rate(accepted, shown),
                    reasonsByGroup.TryGetValue(g.Key, out var list) ? list : [],
                    days);
            })
            .ToList();

        return new CardAnalytics(query.From.ToUniversalTime(), query.To.ToUniversalTime(), query.ServiceId, groups, unmatched);
    }

    internal static double Rate(long accepted, long shown) =>
        shown == 0 ? 0 : (double)Math.Round((decimal)accepted / shown, 4, MidpointRounding.AwayFromZero);
}
