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
        // With no client issuer nothing is appended: the same value as before schema v3 (items stored then keep their identity).
        var item = new FeedbackItem("card-1", FeedbackOutcome.Overridden, [], ReasonSystem, "not-relevant", true, March(1, 8));
        Assert.Equal("8ad008495801edcfa938a9b6b8b5bf11c51cef3dbb7b412f86c7248cc61e22ae", StoredFeedback.From(PatientView, null, item, March(2, 0)).Key);
    }

    [Fact]
    public void Identity_with_a_client_issuer_appends_it_and_is_pinned_too()
    {
        // Computed outside .NET (Python hashlib) from the documented encoding: the same pre-image as the pinned test above
        // followed by str("https://ehr.example.org") = 0x01 ‖ int32be(23) ‖ UTF-8; and, for the empty issuer, 0x01 ‖ int32be(0).
        //   m = b"bonemets.cds.feedback-item.v1" + s(service) + s("card-1") + s("overridden") + pack(">q", ticks)
        //       + pack(">q", 0) + s(system) + s("not-relevant") + b"\x01" [+ s(issuer)];  sha256(m).hexdigest()
        var item = new FeedbackItem("card-1", FeedbackOutcome.Overridden, [], ReasonSystem, "not-relevant", true, March(1, 8));
        Assert.Equal("4d61bb65d014d6f7a45c89909f22d396439265c77918362de1d7474fc8cafdfb", StoredFeedback.From(PatientView, Ehr, item, March(2, 0)).Key);
        Assert.Equal("1b05019acfa42f272bba97cb26a8a56eb5aca9c675ff11703f5cc12cbb708e45", StoredFeedback.From(PatientView, "", item, March(2, 0)).Key);
    }

    [Fact]
    public void Client_issuer_is_part_of_the_identity_and_is_kept_on_the_stored_item()
    {
        var item = Accept("card-1", March(1, 8));
        var none = StoredFeedback.From(PatientView, null, item, March(2, 0));
        var ehr = StoredFeedback.From(PatientView, Ehr, item, March(2, 0));
        var other = StoredFeedback.From(PatientView, OtherEhr, item, March(2, 0));

        Assert.Null(none.ClientIssuer);
        Assert.Equal(Ehr, ehr.ClientIssuer);
        Assert.Equal(3, new[] { none.Key, ehr.Key, other.Key }.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ehr.Key, StoredFeedback.From(PatientView, Ehr, item, March(9, 0)).Key);

        var batch = StoredFeedback.Prepare(PatientView, OtherEhr, [item, item], March(2, 0));
        Assert.Equal(other.Key, Assert.Single(batch).Key);
        Assert.Equal(OtherEhr, batch[0].ClientIssuer);
    }

    [Fact]
    public void Identity_ignores_received_time_offset_suggestion_order_and_sub_microsecond_ticks()
    {
        var item = Accept("card-1", March(1, 8), "s-2", "s-1");
        var key = StoredFeedback.From(PatientView, null, item, March(2, 0)).Key;

        Assert.Equal(key, StoredFeedback.From(PatientView, null, item, March(9, 0)).Key);
        Assert.Equal(key, StoredFeedback.From(PatientView, null, item with { AcceptedSuggestions = ["s-1", "s-2", "s-2"] }, March(2, 0)).Key);
        Assert.Equal(key, StoredFeedback.From(PatientView, null, item with { OutcomeTimestamp = March(1, 8).ToOffset(TimeSpan.FromHours(-5)) }, March(2, 0)).Key);
        Assert.Equal(key, StoredFeedback.From(PatientView, null, item with { OutcomeTimestamp = March(1, 8).AddTicks(9) }, March(2, 0)).Key);
        Assert.NotEqual(key, StoredFeedback.From(OrderSelect, null, item, March(2, 0)).Key);
        Assert.NotEqual(key, StoredFeedback.From(PatientView, null, item with { OutcomeTimestamp = March(1, 8).AddTicks(10) }, March(2, 0)).Key);
    }

    [Fact]
    public void Null_and_empty_reason_fields_are_different_identities()
    {
        var withNull = Override("card-1", March(1, 8), null, "code", comment: false);
        var withEmpty = Override("card-1", March(1, 8), "", "code", comment: false);
        Assert.NotEqual(StoredFeedback.From(PatientView, null, withNull, March(2, 0)).Key, StoredFeedback.From(PatientView, null, withEmpty, March(2, 0)).Key);
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
