using static BoneMets.Cds.Feedback.Tests.TestData;

namespace BoneMets.Cds.Feedback.Tests;

/// <summary>
/// A known history over 1–4 March 2025 and the analytics for it, counted by hand (card by card in the comments).
/// Every card is issued to, and every feedback item posted by, the same EHR (<see cref="TestData.Ehr"/>); cross-issuer
/// feedback has tests of its own.
/// Patient-view cards (P = patient view, O = order select):
/// <code>
/// hypercalcemia/critical   h1 1 Mar 08:00 accepted (same item twice in a batch, again in a later call, plus a second accept)
///                          h2 1 Mar 09:00 overridden (R, not-relevant)
///                          h3 2 Mar 10:00 no feedback
///                          h4 3 Mar 11:00 accepted and overridden (R2, not-relevant, with a comment: coded, so not comment-only)
/// hypercalcemia/warning    hw1 2 Mar 12:00 overridden, comment only
///                          hw2 4 Mar 23:59:59.999999 overridden, no reason and no comment
/// pathological-fracture/   f1 1 Mar 00:00:00 (= From) overridden (R, already-addressed)
///   warning                f2 1 Mar 13:00 overridden (R, not-relevant) twice, distinct items
///                          f3 2 Mar 14:00 overridden (R, already-addressed) and overridden comment-only
///                          f4 4 Mar 15:00 accepted
///                          f5 5 Mar 01:30 +02:00 (= 4 Mar 23:30 UTC) accepted, feedback received after the window
/// spinal-cord-compression/ s1 3 Mar 06:00 accepted; s2 3 Mar 07:00 none; s3 4 Mar 08:00 overridden (R, patient-declined, comment)
///   critical
/// spinal-cord-compression/ sw1, sw2, sw3 2 Mar 01:00/02:00/03:00: sw1 and sw2 accepted
///   warning
/// outside the window       x1 28 Feb 23:59:59.999999 accepted; x2 5 Mar 00:00 (= To) overridden;
///                          x3 1 Mar 01:00 +02:00 (= 28 Feb 23:00 UTC) overridden comment-only
/// order-select service     o1 hypercalcemia/critical 2 Mar 16:00 accepted; o2 suspected-bone-metastasis/info 3 Mar 17:00 none
/// unknown card uuids       u1 P received 2 Mar (twice), u2 P received 6 Mar, u3 O received 3 Mar, u4 P received 27 Feb,
///                          u5 P received 5 Mar 00:00 (= To), u6 P received 1 Mar 00:00 (= From)
/// </code>
/// </summary>
internal static class AnalyticsHistory
{
    private const string Hyper = "hypercalcemia";
    private const string Fracture = "pathological-fracture";
    private const string Spinal = "spinal-cord-compression";
    private const string Suspected = "suspected-bone-metastasis";

    /// <summary>5 + 7 + 6 + 4 + 1 + 5 (see <see cref="SeedAsync"/>).</summary>
    public const int DistinctFeedbackItems = 28;

    /// <summary>Patient view, [1 Mar, 5 Mar).</summary>
    public static readonly CardGroupStats[] PatientViewMarch1To4 =
    [
        // h1 h2 h3 h4: accepted h1 h4, overridden h2 h4; reasons R/not-relevant (h2), R2/not-relevant (h4), tie on count
        // and code: system order. Days: 1 Mar h1 h2; 2 Mar h3; 3 Mar h4.
        Group(Hyper, "critical", 4, 2, 2, 0.5, [Reason(ReasonSystem, "not-relevant", false, 1), Reason(OtherReasonSystem, "not-relevant", false, 1)], Day(1, 2, 1, 1), Day(2, 1, 0, 0), Day(3, 1, 1, 1)),
        // hw1 comment-only, hw2 nothing at all: (null, null, false) before (null, null, true).
        Group(Hyper, "warning", 2, 0, 2, 0, [Reason(null, null, false, 1), Reason(null, null, true, 1)], Day(2, 1, 0, 1), Day(4, 1, 0, 1)),
        // f1..f5: accepted f4 f5, overridden f1 f2 f3; already-addressed f1 f3 = 2, not-relevant f2 = 1 (two items, one card),
        // comment-only f3 = 1. Days: 1 Mar f1 f2; 2 Mar f3; 4 Mar f4 f5 (f5 by its UTC day).
        Group(Fracture, "warning", 5, 2, 3, 0.4, [Reason(ReasonSystem, "already-addressed", false, 2), Reason(ReasonSystem, "not-relevant", false, 1), Reason(null, null, true, 1)], Day(1, 2, 0, 2), Day(2, 1, 0, 1), Day(4, 2, 2, 0)),
        // s1 s2 s3: 1/3 = 0.3333.
        Group(Spinal, "critical", 3, 1, 1, 0.3333, [Reason(ReasonSystem, "patient-declined", false, 1)], Day(3, 2, 1, 0), Day(4, 1, 0, 1)),
        // sw1 sw2 sw3: 2/3 = 0.6667 (rounded half up, not truncated).
        Group(Spinal, "warning", 3, 2, 0, 0.6667, [], Day(2, 3, 2, 0)),
    ];

    /// <summary>All services, [1 Mar, 5 Mar): o1 joins hypercalcemia/critical on 2 Mar, o2 adds a group.</summary>
    public static readonly CardGroupStats[] AllServicesMarch1To4 =
    [
        // h1 h2 h3 h4 o1: accepted h1 h4 o1 = 3 of 5 = 0.6.
        Group(Hyper, "critical", 5, 3, 2, 0.6, [Reason(ReasonSystem, "not-relevant", false, 1), Reason(OtherReasonSystem, "not-relevant", false, 1)], Day(1, 2, 1, 1), Day(2, 2, 1, 0), Day(3, 1, 1, 1)),
        PatientViewMarch1To4[1],
        PatientViewMarch1To4[2],
        PatientViewMarch1To4[3],
        PatientViewMarch1To4[4],
        Group(Suspected, "info", 1, 0, 0, 0, [], Day(3, 1, 0, 0)),
    ];

    /// <summary>Order select, [1 Mar, 5 Mar): o1 and o2.</summary>
    public static readonly CardGroupStats[] OrderSelectMarch1To4 =
    [
        Group(Hyper, "critical", 1, 1, 0, 1, [], Day(2, 1, 1, 0)),
        Group(Suspected, "info", 1, 0, 0, 0, [], Day(3, 1, 0, 0)),
    ];

    /// <summary>Patient view, [2 Mar, 3 Mar): h3, hw1, f3, sw1–sw3.</summary>
    public static readonly CardGroupStats[] PatientViewMarch2 =
    [
        Group(Hyper, "critical", 1, 0, 0, 0, [], Day(2, 1, 0, 0)),
        Group(Hyper, "warning", 1, 0, 1, 0, [Reason(null, null, true, 1)], Day(2, 1, 0, 1)),
        Group(Fracture, "warning", 1, 0, 1, 0, [Reason(ReasonSystem, "already-addressed", false, 1), Reason(null, null, true, 1)], Day(2, 1, 0, 1)),
        Group(Spinal, "warning", 3, 2, 0, 0.6667, [], Day(2, 3, 2, 0)),
    ];

    /// <summary>Records the history; returns how many feedback items the store reported as new.</summary>
    public static async Task<int> SeedAsync(IFeedbackStore store, CancellationToken ct)
    {
        var lastMicrosecondOfMarch4 = March(4, 23, 59, 59).AddTicks(9_999_990);
        var added = 0;

        // Some feedback arrives before its card is in the log (the log is written from a queue): order must not matter.
        // 5 new: h1 twice in the batch counts once.
        added += await store.RecordFeedbackAsync(
            PatientView,
            Ehr,
            [
                Accept("h1", March(1, 8, 5)),
                Accept("h1", March(1, 8, 5)),
                Override("h2", March(1, 9, 5), ReasonSystem, "not-relevant", comment: false),
                Override("f1", March(1, 0, 5), ReasonSystem, "already-addressed", comment: false),
                Override("f2", March(1, 13, 5), ReasonSystem, "not-relevant", comment: false),
                Override("f2", March(1, 13, 6), ReasonSystem, "not-relevant", comment: false),
            ],
            March(1, 23),
            ct);

        await store.RecordIssuedAsync(
            [
                Card("h1", Hyper, "critical", March(1, 8)),
                Card("h2", Hyper, "critical", March(1, 9)),
                Card("h3", Hyper, "critical", March(2, 10)),
                Card("h4", Hyper, "critical", March(3, 11)),
                Card("hw1", Hyper, "warning", March(2, 12)),
                Card("hw2", Hyper, "warning", lastMicrosecondOfMarch4),
                Card("f1", Fracture, "warning", March(1, 0)),
                Card("f2", Fracture, "warning", March(1, 13)),
                Card("f3", Fracture, "warning", March(2, 14)),
                Card("f4", Fracture, "warning", March(4, 15)),
                Card("f5", Fracture, "warning", new DateTimeOffset(2025, 3, 5, 1, 30, 0, TimeSpan.FromHours(2))),
            ],
            ct);
        await store.RecordIssuedAsync(
            [
                Card("s1", Spinal, "critical", March(3, 6)),
                Card("s2", Spinal, "critical", March(3, 7)),
                Card("s3", Spinal, "critical", March(4, 8)),
                Card("sw1", Spinal, "warning", March(2, 1)),
                Card("sw2", Spinal, "warning", March(2, 2)),
                Card("sw3", Spinal, "warning", March(2, 3)),
                Card("x1", Hyper, "critical", new DateTimeOffset(2025, 2, 28, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990)),
                Card("x2", Hyper, "critical", March(5, 0)),
                Card("x3", Fracture, "warning", new DateTimeOffset(2025, 3, 1, 1, 0, 0, TimeSpan.FromHours(2))),
                Card("o1", Hyper, "critical", March(2, 16), service: OrderSelect),
                Card("o2", Suspected, "info", March(3, 17), service: OrderSelect),
            ],
            ct);

        // 7 new: the repeated h1 accept is not; u1 twice counts once.
        added += await store.RecordFeedbackAsync(
            PatientView,
            Ehr,
            [
                Accept("h1", March(1, 8, 5)),
                Accept("h1", March(1, 8, 10)),
                Override("hw1", March(2, 12, 5), null, null, comment: true),
                Override("f3", March(2, 14, 5), ReasonSystem, "already-addressed", comment: false),
                Override("f3", March(2, 14, 6), null, null, comment: true),
                Accept("sw1", March(2, 1, 5)),
                Accept("sw2", March(2, 2, 5)),
                Override("u1", March(2, 9), null, null, comment: false),
                Override("u1", March(2, 9), null, null, comment: false),
            ],
            March(2, 18),
            ct);

        // 6 new.
        added += await store.RecordFeedbackAsync(
            PatientView,
            Ehr,
            [
                Accept("h4", March(3, 11, 5)),
                Override("h4", March(3, 11, 6), OtherReasonSystem, "not-relevant", comment: true),
                Accept("s1", March(3, 6, 5)),
                Accept("x1", March(1, 0, 10)),
                Override("x2", March(5, 0, 5), ReasonSystem, "not-relevant", comment: false),
                Override("x3", March(1, 0, 5), null, null, comment: true),
            ],
            March(3, 20),
            ct);

        // 4 new, received after the window: still counted for cards issued in it.
        added += await store.RecordFeedbackAsync(
            PatientView,
            Ehr,
            [
                Override("hw2", March(5, 0, 30), null, null, comment: false),
                Accept("f4", March(4, 15, 5)),
                Accept("f5", March(4, 23, 35)),
                Override("s3", March(4, 8, 5), ReasonSystem, "patient-declined", comment: true),
            ],
            March(5, 2),
            ct);

        // 1 new.
        added += await store.RecordFeedbackAsync(OrderSelect, Ehr, [Accept("o1", March(2, 16, 5))], March(2, 17), ct);

        // 5 new, all for cards never issued.
        added += await store.RecordFeedbackAsync(PatientView, Ehr, [Accept("u2", March(5, 23))], March(6, 0), ct);
        added += await store.RecordFeedbackAsync(OrderSelect, Ehr, [Accept("u3", March(2, 23))], March(3, 0), ct);
        added += await store.RecordFeedbackAsync(PatientView, Ehr, [Accept("u4", March(1, 0))], new DateTimeOffset(2025, 2, 27, 12, 0, 0, TimeSpan.Zero), ct);
        added += await store.RecordFeedbackAsync(PatientView, Ehr, [Accept("u5", March(4, 23))], March(5, 0), ct);
        added += await store.RecordFeedbackAsync(PatientView, Ehr, [Accept("u6", March(1, 0))], March(1, 0), ct);

        return added;
    }
}
