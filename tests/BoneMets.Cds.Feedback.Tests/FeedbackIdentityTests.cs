using static BoneMets.Cds.Feedback.Tests.TestData;

namespace BoneMets.Cds.Feedback.Tests;

/// <summary>The feedback identity and time normalisation shared by both engines.</summary>
public sealed class FeedbackIdentityTests
{
    [Fact]
    public void Identity_encoding_is_pinned_because_stored_items_depend_on_it()
    {
        // If this changes, items already stored would no longer be recognised as repeats: add a new encoding version
        // and a migration instead of editing this value. Computed outside .NET from the documented encoding:
        // SHA-256("bonemets.cds.feedback-item.v1" ‖ str(service) ‖ str(card) ‖ str("overridden") ‖ int64be(UTC ticks)
        //   ‖ int64be(#suggestions) ‖ str(system) ‖ str(code) ‖ byte(comment)), str(x) = 0x01 ‖ int32be(len) ‖ UTF-8, null = 0x00.
        var item = new FeedbackItem("card-1", FeedbackOutcome.Overridden, [], ReasonSystem, "not-relevant", true, March(1, 8));
        Assert.Equal("8ad008495801edcfa938a9b6b8b5bf11c51cef3dbb7b412f86c7248cc61e22ae", StoredFeedback.From(PatientView, item, March(2, 0)).Key);
    }

    [Fact]
    public void Identity_ignores_received_time_offset_suggestion_order_and_sub_microsecond_ticks()
    {
        var item = Accept("card-1", March(1, 8), "s-2", "s-1");
        var key = StoredFeedback.From(PatientView, item, March(2, 0)).Key;

        Assert.Equal(key, StoredFeedback.From(PatientView, item, March(9, 0)).Key);
        Assert.Equal(key, StoredFeedback.From(PatientView, item with { AcceptedSuggestions = ["s-1", "s-2", "s-2"] }, March(2, 0)).Key);
        Assert.Equal(key, StoredFeedback.From(PatientView, item with { OutcomeTimestamp = March(1, 8).ToOffset(TimeSpan.FromHours(-5)) }, March(2, 0)).Key);
        Assert.Equal(key, StoredFeedback.From(PatientView, item with { OutcomeTimestamp = March(1, 8).AddTicks(9) }, March(2, 0)).Key);
        Assert.NotEqual(key, StoredFeedback.From(OrderSelect, item, March(2, 0)).Key);
        Assert.NotEqual(key, StoredFeedback.From(PatientView, item with { OutcomeTimestamp = March(1, 8).AddTicks(10) }, March(2, 0)).Key);
    }

    [Fact]
    public void Null_and_empty_reason_fields_are_different_identities()
    {
        var withNull = Override("card-1", March(1, 8), null, "code", comment: false);
        var withEmpty = Override("card-1", March(1, 8), "", "code", comment: false);
        Assert.NotEqual(StoredFeedback.From(PatientView, withNull, March(2, 0)).Key, StoredFeedback.From(PatientView, withEmpty, March(2, 0)).Key);
    }

    [Fact]
    public void Times_are_stored_as_utc_microseconds()
    {
        var local = new DateTimeOffset(2025, 3, 5, 1, 30, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var utc = StoreTime.ToUtc(local);
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
        Assert.Equal(new DateTime(2025, 3, 4, 23, 30, 0, DateTimeKind.Utc).AddTicks(1234560), utc);
        Assert.Equal("2025-03-04T23:30:00.123456Z", StoreTime.ToSqliteText(local));
        Assert.Equal("0001-01-01T00:00:00.000000Z", StoreTime.ToSqliteText(DateTimeOffset.MinValue));
        Assert.Equal("9999-12-31T23:59:59.999999Z", StoreTime.ToSqliteText(DateTimeOffset.MaxValue));
    }

    [Theory]
    [InlineData(0, 0, 0.0)]
    [InlineData(1, 3, 0.3333)]
    [InlineData(2, 3, 0.6667)]
    [InlineData(1, 8, 0.125)]
    [InlineData(1, 20000, 0.0001)] // 0.00005 rounds half away from zero
    [InlineData(7, 7, 1.0)]
    public void Acceptance_rate_is_rounded_to_four_decimals(long accepted, long shown, double expected) =>
        Assert.Equal(expected, AnalyticsAssembler.Rate(accepted, shown));
}
