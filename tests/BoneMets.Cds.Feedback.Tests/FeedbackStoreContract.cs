using System.Collections.Concurrent;
using System.Globalization;
using static BoneMets.Cds.Feedback.Tests.TestData;

namespace BoneMets.Cds.Feedback.Tests;

/// <summary>
/// The whole <see cref="IFeedbackStore"/> suite, run against each engine by a subclass. Every test gets a fresh, empty
/// database; several store instances on one database stand for several replicas (or a restarted process).
/// </summary>
public abstract class FeedbackStoreContract : IAsyncLifetime, IDisposable
{
    private readonly List<IFeedbackStore> opened = [];
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromMinutes(2));

    protected abstract string ExpectedEngine { get; }

    protected CancellationToken Ct => timeout.Token;

    /// <summary>A fresh, empty database (an opaque locator for <see cref="Open"/>).</summary>
    protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>A new store instance on <paramref name="database"/>.</summary>
    protected abstract IFeedbackStore Open(string database);

    /// <summary>
    /// Runs one SQL statement on <paramref name="database"/> on a connection of the test's own (not a store's) and
    /// returns the first column of the first row, if any: to write rows as an older build did, and to look at columns
    /// the store does not expose.
    /// </summary>
    protected abstract Task<object?> ExecuteScalarAsync(string database, string sql);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in opened)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    public void Dispose()
    {
        timeout.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Fresh_database_has_no_schema_until_initialised_then_reports_the_latest_version()
    {
        var store = OpenStore(await CreateDatabaseAsync());
        Assert.Equal(ExpectedEngine, store.Engine);
        Assert.Equal(0, await store.GetSchemaVersionAsync(Ct));

        await store.InitializeAsync(Ct);

        Assert.Equal(3, FeedbackSchema.LatestVersion);
        Assert.Equal(3, await store.GetSchemaVersionAsync(Ct));
        var counts = await Diagnostics(store).CountRowsAsync(Ct);
        Assert.Equal(3, counts["schema_version"]);
        Assert.Equal(0, counts["issued_cards"]);
        Assert.Equal(0, counts["issued_card_suggestions"]);
        Assert.Equal(0, counts["feedback"]);
        Assert.Equal(0, counts["meta"]);
        Assert.Equal(
            ["ix_feedback_card_uuid", "ix_feedback_received_at", "ix_issued_cards_issued_at", "ix_issued_cards_service_issued_at"],
            await Diagnostics(store).ListIndexesAsync(Ct));
    }

    [Fact]
    public async Task Initialise_twice_and_from_four_replicas_at_once_applies_each_step_once()
    {
        var database = await CreateDatabaseAsync();
        var first = OpenStore(database);
        await first.InitializeAsync(Ct);
        await first.InitializeAsync(Ct);
        Assert.Equal(3, await first.GetSchemaVersionAsync(Ct));
        Assert.Equal(3, (await Diagnostics(first).CountRowsAsync(Ct))["schema_version"]);

        var fresh = await CreateDatabaseAsync();
        var replicas = Enumerable.Range(0, 4).Select(_ => OpenStore(fresh)).ToList();
        await Task.WhenAll(replicas.Select(r => Task.Run(() => r.InitializeAsync(Ct))));

        foreach (var replica in replicas)
        {
            Assert.Equal(3, await replica.GetSchemaVersionAsync(Ct));
        }

        Assert.Equal(3, (await Diagnostics(replicas[0]).CountRowsAsync(Ct))["schema_version"]);
        Assert.Equal(4, (await Diagnostics(replicas[0]).ListIndexesAsync(Ct)).Count);

        // And the schema works from every replica.
        await replicas[3].RecordIssuedAsync([Card("c-1", "hypercalcemia", "critical", March(1, 8))], Ct);
        Assert.Equal(1, await replicas[1].RecordFeedbackAsync(PatientView, Ehr, [Accept("c-1", March(1, 9))], March(1, 9), Ct));
    }

    [Fact]
    public async Task Forward_migration_from_v1_keeps_the_data()
    {
        var database = await CreateDatabaseAsync();
        var old = OpenStore(database);
        await Diagnostics(old).MigrateToAsync(1, Ct);
        Assert.Equal(1, await old.GetSchemaVersionAsync(Ct));
        Assert.Empty(await Diagnostics(old).ListIndexesAsync(Ct));

        // Written as a v1 build wrote them: issued_cards is unchanged since v1 (here Development cards, no issuer);
        // feedback rows without client_issuer (the column came in v3), so by SQL of the test's own.
        await old.RecordIssuedAsync(
            [
                Card("m-1", "hypercalcemia", "critical", March(1, 8), suggestions: 2, issuer: null),
                Card("m-2", "spinal-cord-compression", "critical", March(2, 8), suggestions: 1, issuer: null),
            ],
            Ct);
        FeedbackItem[] legacy =
        [
            Accept("m-1", March(1, 9)),
            Override("m-2", March(2, 9), ReasonSystem, "not-relevant", comment: false),
            Accept("m-unknown", March(2, 10)),
        ];
        await InsertPreV3FeedbackAsync(database, PatientView, legacy, March(2, 12));
        var key = await old.GetOrCreateHashKeyAsync(Ct);

        var upgraded = OpenStore(database);
        await upgraded.InitializeAsync(Ct);

        Assert.Equal(FeedbackSchema.LatestVersion, await upgraded.GetSchemaVersionAsync(Ct));
        Assert.Equal(4, (await Diagnostics(upgraded).ListIndexesAsync(Ct)).Count);
        var counts = await Diagnostics(upgraded).CountRowsAsync(Ct);
        Assert.Equal(FeedbackSchema.LatestVersion, counts["schema_version"]);
        Assert.Equal(2, counts["issued_cards"]);
        Assert.Equal(3, counts["issued_card_suggestions"]);
        Assert.Equal(3, counts["feedback"]);
        Assert.Equal(1, counts["meta"]);
        Assert.Equal(key, await upgraded.GetOrCreateHashKeyAsync(Ct));
        var after = await upgraded.GetAnalyticsAsync(new AnalyticsQuery(March(1, 0), March(5, 0), PatientView), Ct);
        Assert.Equal(
            Describe(
            [
                Group("hypercalcemia", "critical", 1, 1, 0, 1, [], Day(1, 1, 1, 0)),
                Group("spinal-cord-compression", "critical", 1, 0, 1, 0, [Reason(ReasonSystem, "not-relevant", false, 1)], Day(2, 1, 0, 1)),
            ]),
            Describe(after.Groups));
        Assert.Equal(1, after.UnmatchedFeedback);

        // Identity still enforced after the upgrade.
        Assert.Equal(0, await upgraded.RecordFeedbackAsync(PatientView, null, [Accept("m-1", March(1, 9))], March(3, 0), Ct));
    }

    [Fact]
    public async Task Forward_migration_from_v2_adds_the_feedback_issuer_and_keeps_the_data()
    {
        var database = await CreateDatabaseAsync();
        var old = OpenStore(database);
        await Diagnostics(old).MigrateToAsync(2, Ct);
        Assert.Equal(2, await old.GetSchemaVersionAsync(Ct));
        Assert.Equal(4, (await Diagnostics(old).ListIndexesAsync(Ct)).Count);

        // A v2 database as a v2 build left it: a Development card (no issuer), a card issued to the EHR, and feedback
        // rows that have no issuer column yet.
        await old.RecordIssuedAsync(
            [
                Card("v-dev", "hypercalcemia", "critical", March(1, 8), issuer: null),
                Card("v-ehr", "spinal-cord-compression", "critical", March(1, 9)),
            ],
            Ct);
        var ehrOverride = Override("v-ehr", March(1, 11), ReasonSystem, "not-relevant", comment: false);
        FeedbackItem[] legacy = [Accept("v-dev", March(1, 10)), ehrOverride, Accept("v-unknown", March(1, 12))];
        await InsertPreV3FeedbackAsync(database, PatientView, legacy, March(2, 0));
        var key = await old.GetOrCreateHashKeyAsync(Ct);

        var upgraded = OpenStore(database);
        await upgraded.InitializeAsync(Ct);

        Assert.Equal(3, await upgraded.GetSchemaVersionAsync(Ct));
        Assert.Equal(4, (await Diagnostics(upgraded).ListIndexesAsync(Ct)).Count);
        var counts = await Diagnostics(upgraded).CountRowsAsync(Ct);
        Assert.Equal(3, counts["schema_version"]);
        Assert.Equal(2, counts["issued_cards"]);
        Assert.Equal(2, counts["issued_card_suggestions"]);
        Assert.Equal(3, counts["feedback"]);
        Assert.Equal(1, counts["meta"]);
        Assert.Equal(key, await upgraded.GetOrCreateHashKeyAsync(Ct));

        // Every row written at v2 survived, with a NULL issuer.
        Assert.Equal(3L, Convert.ToInt64(await ExecuteScalarAsync(database, "SELECT COUNT(*) FROM feedback WHERE client_issuer IS NULL"), CultureInfo.InvariantCulture));

        // Null matches null: the old feedback counts for the Development card. It does not count for the card issued to
        // the EHR (its issuer is unknown), which makes it unmatched, like the unknown card's.
        var query = new AnalyticsQuery(March(1, 0), March(5, 0), PatientView);
        var after = await upgraded.GetAnalyticsAsync(query, Ct);
        Assert.Equal(
            Describe(
            [
                Group("hypercalcemia", "critical", 1, 1, 0, 1, [], Day(1, 1, 1, 0)),
                Group("spinal-cord-compression", "critical", 1, 0, 0, 0, [], Day(1, 1, 0, 0)),
            ]),
            Describe(after.Groups));
        Assert.Equal(2, after.UnmatchedFeedback);

        // Old rows keep their identity (no issuer: the key is unchanged) ...
        Assert.Equal(0, await upgraded.RecordFeedbackAsync(PatientView, null, legacy, March(3, 0), Ct));

        // ... and the EHR's own post of the same override is a new item, which counts.
        Assert.Equal(1, await upgraded.RecordFeedbackAsync(PatientView, Ehr, [ehrOverride], March(3, 0), Ct));
        var now = await upgraded.GetAnalyticsAsync(query, Ct);
        Assert.Equal(
            "spinal-cord-compression/critical shown=1 accepted=0 overridden=1 rate=0 " +
            $"reasons=[{ReasonSystem} not-relevant commentOnly=False n=1] daily=[2025-03-01 1/0/1]",
            Describe(now.Groups.Where(g => g.TopicCode == "spinal-cord-compression").ToList()));
        Assert.Equal(2, now.UnmatchedFeedback);
        Assert.Equal(1L, Convert.ToInt64(await ExecuteScalarAsync(database, $"SELECT COUNT(*) FROM feedback WHERE client_issuer = '{Ehr}'"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Issued_cards_are_recorded_once_per_uuid_and_the_first_recording_stands()
    {
        var store = await InitializedStoreAsync();
        await store.RecordIssuedAsync([], Ct);
        await store.RecordIssuedAsync([Card("card-a", "hypercalcemia", "critical", March(1, 8), suggestions: 2)], Ct);
        await store.RecordIssuedAsync(
            [
                Card("card-a", "pathological-fracture", "warning", March(2, 8), suggestions: 3), // repeat across calls
                Card("card-b", "spinal-cord-compression", "critical", March(1, 9), suggestions: 1),
                Card("card-b", "pathological-fracture", "info", March(1, 10), suggestions: 4), // repeat within the batch
                Card("card-c", "spinal-cord-compression", "critical", March(1, 11), suggestions: 0),
            ],
            Ct);

        var counts = await Diagnostics(store).CountRowsAsync(Ct);
        Assert.Equal(3, counts["issued_cards"]);
        Assert.Equal(2 + 1 + 0, counts["issued_card_suggestions"]);

        var analytics = await store.GetAnalyticsAsync(new AnalyticsQuery(March(1, 0), March(5, 0), null), Ct);
        Assert.Equal(
            Describe(
            [
                Group("hypercalcemia", "critical", 1, 0, 0, 0, [], Day(1, 1, 0, 0)),
                Group("spinal-cord-compression", "critical", 2, 0, 0, 0, [], Day(1, 2, 0, 0)),
            ]),
            Describe(analytics.Groups));
    }

    [Fact]
    public async Task A_large_batch_is_recorded_whole_with_first_recordings_standing()
    {
        // 150 cards in one call (a busy 200 ms flush): every one recorded, the first recording of a uuid standing.
        // card-5 recurs 95 cards later and card-70 two cards later, each with another suggestion count.
        var store = await InitializedStoreAsync();
        var batch = Enumerable.Range(0, 148)
            .Select(i => Card($"card-{i}", "hypercalcemia", "critical", March(1, 8), suggestions: i % 3))
            .ToList();
        batch.Insert(100, Card("card-5", "hypercalcemia", "critical", March(1, 9), suggestions: 7));
        batch.Insert(72, Card("card-70", "hypercalcemia", "critical", March(1, 9), suggestions: 7));

        await store.RecordIssuedAsync(batch, Ct);

        var counts = await Diagnostics(store).CountRowsAsync(Ct);
        Assert.Equal(148, counts["issued_cards"]);
        Assert.Equal(Enumerable.Range(0, 148).Sum(i => i % 3), counts["issued_card_suggestions"]);
    }

    [Fact]
    public async Task Feedback_is_idempotent_within_a_batch_and_across_calls()
    {
        var store = await InitializedStoreAsync();
        var a = Accept("card-a", March(1, 8), "card-a-s2", "card-a-s1");
        var b = Override("card-b", March(1, 9), ReasonSystem, "not-relevant", comment: false);
        var c = Accept("card-c", March(1, 10));

        Assert.Equal(0, await store.RecordFeedbackAsync(PatientView, null, [], March(2, 0), Ct));
        Assert.Equal(2, await store.RecordFeedbackAsync(PatientView, null, [a, a, b], March(2, 0), Ct));
        Assert.Equal(1, await store.RecordFeedbackAsync(PatientView, null, [a, b, c], March(2, 1), Ct));

        // The same item, written differently: the instant with an offset, suggestions reordered and repeated,
        // a sub-microsecond difference (below storage resolution), another received time.
        FeedbackItem[] equivalents =
        [
            a with { OutcomeTimestamp = March(1, 8).ToOffset(TimeSpan.FromHours(2)) },
            a with { AcceptedSuggestions = ["card-a-s1", "card-a-s2", "card-a-s1"] },
            a with { OutcomeTimestamp = March(1, 8).AddTicks(5) },
        ];
        Assert.Equal(0, await store.RecordFeedbackAsync(PatientView, null, equivalents, March(9, 0), Ct));

        // Each field of the identity matters.
        FeedbackItem[] different =
        [
            b with { HasUserComment = true },
            b with { OverrideReasonCode = "already-addressed" },
            b with { OverrideReasonSystem = OtherReasonSystem },
            b with { OverrideReasonSystem = null },
            b with { OutcomeTimestamp = March(1, 9).AddTicks(TimeSpan.TicksPerMicrosecond) },
            b with { CardUuid = "card-b2" },
            a with { AcceptedSuggestions = ["card-a-s1"] },
            new FeedbackItem("card-b", FeedbackOutcome.Accepted, [], ReasonSystem, "not-relevant", false, March(1, 9)),
        ];
        Assert.Equal(8, await store.RecordFeedbackAsync(PatientView, null, different, March(2, 2), Ct));
        Assert.Equal(1, await store.RecordFeedbackAsync(OrderSelect, null, [b], March(2, 3), Ct));

        Assert.Equal(3 + 8 + 1, (await Diagnostics(store).CountRowsAsync(Ct))["feedback"]);
        Assert.Equal(0, await store.RecordFeedbackAsync(PatientView, null, [a, b, c, .. different], March(3, 0), Ct));
        Assert.Equal(12, (await Diagnostics(store).CountRowsAsync(Ct))["feedback"]);

        var unknownOutcome = a with { Outcome = (FeedbackOutcome)7 };
        await Assert.ThrowsAsync<ArgumentException>(() => store.RecordFeedbackAsync(PatientView, null, [unknownOutcome], March(3, 0), Ct));
    }

    [Fact]
    public async Task The_same_item_from_two_issuers_is_stored_twice_and_from_one_issuer_once()
    {
        var database = await CreateDatabaseAsync();
        var store = OpenStore(database);
        await store.InitializeAsync(Ct);
        var item = Override("card-x", March(1, 8), ReasonSystem, "not-relevant", comment: true);

        Assert.Equal(1, await store.RecordFeedbackAsync(PatientView, Ehr, [item], March(2, 0), Ct));
        Assert.Equal(0, await store.RecordFeedbackAsync(PatientView, Ehr, [item], March(2, 1), Ct));
        Assert.Equal(1, await store.RecordFeedbackAsync(PatientView, OtherEhr, [item, item], March(2, 2), Ct));
        Assert.Equal(0, await OpenStore(database).RecordFeedbackAsync(PatientView, OtherEhr, [item], March(2, 3), Ct));
        Assert.Equal(1, await store.RecordFeedbackAsync(PatientView, null, [item], March(2, 4), Ct)); // Development call
        Assert.Equal(0, await store.RecordFeedbackAsync(PatientView, null, [item], March(2, 5), Ct));

        Assert.Equal(3, (await Diagnostics(store).CountRowsAsync(Ct))["feedback"]);
        Assert.Equal(1L, await CountFeedbackAsync(database, $"client_issuer = '{Ehr}'"));
        Assert.Equal(1L, await CountFeedbackAsync(database, $"client_issuer = '{OtherEhr}'"));
        Assert.Equal(1L, await CountFeedbackAsync(database, "client_issuer IS NULL"));
    }

    [Fact]
    public async Task Analytics_count_feedback_only_from_the_issuer_the_card_was_issued_to()
    {
        var store = await InitializedStoreAsync();
        await store.RecordIssuedAsync(
            [
                Card("a-1", "hypercalcemia", "critical", March(1, 8)), // issued to Ehr
                Card("a-2", "hypercalcemia", "critical", March(1, 9)), // issued to Ehr
                Card("b-1", "hypercalcemia", "critical", March(1, 10), issuer: OtherEhr),
                Card("d-1", "hypercalcemia", "critical", March(1, 11), issuer: null), // Development call
            ],
            Ct);

        // The other EHR reports on Ehr's cards: stored, but neither counted nor its reason listed.
        Assert.Equal(2, await store.RecordFeedbackAsync(PatientView, OtherEhr, [Accept("a-1", March(1, 12)), Override("a-2", March(1, 12), ReasonSystem, "not-relevant", comment: false)], March(2, 0), Ct));

        // Ehr: its own card counts; the other EHR's card and the Development card do not.
        Assert.Equal(3, await store.RecordFeedbackAsync(PatientView, Ehr, [Override("a-1", March(1, 13), null, null, comment: true), Accept("b-1", March(1, 13)), Accept("d-1", March(1, 13))], March(2, 0), Ct));

        // An unauthenticated (Development) post: counts for the Development card only.
        Assert.Equal(2, await store.RecordFeedbackAsync(PatientView, null, [Accept("a-2", March(1, 14)), Override("d-1", March(1, 14), ReasonSystem, "already-addressed", comment: false)], March(2, 0), Ct));

        // The other EHR on its own card: counts.
        Assert.Equal(1, await store.RecordFeedbackAsync(PatientView, OtherEhr, [Accept("b-1", March(1, 15))], March(2, 0), Ct));

        var analytics = await store.GetAnalyticsAsync(new AnalyticsQuery(March(1, 0), March(3, 0), PatientView), Ct);

        // Accepted: b-1 (by OtherEhr). Overridden: a-1 (Ehr, comment only) and d-1 (null, already-addressed).
        Assert.Equal(
            Describe(
            [
                Group("hypercalcemia", "critical", 4, 1, 2, 0.25, [Reason(ReasonSystem, "already-addressed", false, 1), Reason(null, null, true, 1)], Day(1, 4, 1, 2)),
            ]),
            Describe(analytics.Groups));

        // Unmatched: OtherEhr on a-1 and a-2, Ehr on b-1 and d-1, the Development post on a-2.
        Assert.Equal(5, analytics.UnmatchedFeedback);
        var allServices = await store.GetAnalyticsAsync(new AnalyticsQuery(March(1, 0), March(3, 0), null), Ct);
        Assert.Equal(5, allServices.UnmatchedFeedback);
        Assert.Equal(Describe(analytics.Groups), Describe(allServices.Groups));
    }

    [Fact]
    public async Task Thousand_parallel_feedback_posts_from_two_replicas_store_each_distinct_item_exactly_once()
    {
        var database = await CreateDatabaseAsync();
        var first = OpenStore(database);
        await first.InitializeAsync(Ct);
        var second = OpenStore(database);

        var unique = Enumerable.Range(0, 600)
            .Select(i => (i % 3) switch
            {
                0 => Accept($"par-{i}", March(1, 0).AddSeconds(i)),
                1 => Override($"par-{i}", March(1, 0).AddSeconds(i), ReasonSystem, $"code-{i % 5}", comment: i % 2 == 0),
                _ => Override($"par-{i}", March(1, 0).AddSeconds(i), null, null, comment: true),
            })
            .ToList();
        var posts = unique.Concat(Enumerable.Range(0, 400).Select(i => unique[i * 7 % 600] with { })).ToList();
        var random = new Random(20250301);
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(posts));
        Assert.Equal(1000, posts.Count);

        var added = 0;
        var perCall = new ConcurrentBag<int>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, posts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct },
            async (i, ct) =>
            {
                var store = i % 2 == 0 ? first : second;
                var n = await store.RecordFeedbackAsync(PatientView, null, [posts[i]], March(1, 12), ct);
                perCall.Add(n);
                Interlocked.Add(ref added, n);
            });

        Assert.Equal(1000, perCall.Count);
        Assert.Equal(600, added);
        Assert.Equal(600, perCall.Count(n => n == 1));
        Assert.Equal(600, (await Diagnostics(first).CountRowsAsync(Ct))["feedback"]);

        var restarted = OpenStore(database);
        var analytics = await restarted.GetAnalyticsAsync(new AnalyticsQuery(March(1, 0), March(2, 0), PatientView), Ct);
        Assert.Equal(600, analytics.UnmatchedFeedback); // no card was issued: every stored item is unmatched
        Assert.Empty(analytics.Groups);
    }

    [Fact]
    public async Task Analytics_over_a_known_history_match_hand_counted_numbers()
    {
        var store = await InitializedStoreAsync();
        Assert.Equal(AnalyticsHistory.DistinctFeedbackItems, await AnalyticsHistory.SeedAsync(store, Ct));
        Assert.Equal(AnalyticsHistory.DistinctFeedbackItems, (await Diagnostics(store).CountRowsAsync(Ct))["feedback"]);

        // Patient view, 1–4 March (From given with an offset: the same instant as 1 March 00:00 UTC).
        var from = new DateTimeOffset(2025, 3, 1, 2, 0, 0, TimeSpan.FromHours(2));
        var patientView = await store.GetAnalyticsAsync(new AnalyticsQuery(from, March(5, 0), PatientView), Ct);
        Assert.Equal(March(1, 0), patientView.From);
        Assert.Equal(March(5, 0), patientView.To);
        Assert.Equal(PatientView, patientView.ServiceId);
        Assert.Equal(Describe(AnalyticsHistory.PatientViewMarch1To4), Describe(patientView.Groups));
        Assert.Equal(2, patientView.UnmatchedFeedback); // u1 (2 March) and u6 (received exactly at From)

        // All services.
        var all = await store.GetAnalyticsAsync(new AnalyticsQuery(March(1, 0), March(5, 0), null), Ct);
        Assert.Null(all.ServiceId);
        Assert.Equal(Describe(AnalyticsHistory.AllServicesMarch1To4), Describe(all.Groups));
        Assert.Equal(3, all.UnmatchedFeedback); // u1, u3 (order-select), u6

        // The other service only.
        var orderSelect = await store.GetAnalyticsAsync(new AnalyticsQuery(March(1, 0), March(5, 0), OrderSelect), Ct);
        Assert.Equal(Describe(AnalyticsHistory.OrderSelectMarch1To4), Describe(orderSelect.Groups));
        Assert.Equal(1, orderSelect.UnmatchedFeedback); // u3

        // One day.
        var march2 = await store.GetAnalyticsAsync(new AnalyticsQuery(March(2, 0), March(3, 0), PatientView), Ct);
        Assert.Equal(Describe(AnalyticsHistory.PatientViewMarch2), Describe(march2.Groups));
        Assert.Equal(1, march2.UnmatchedFeedback); // u1

        // Nothing issued in the window.
        var empty = await store.GetAnalyticsAsync(new AnalyticsQuery(March(20, 0), March(21, 0), PatientView), Ct);
        Assert.Empty(empty.Groups);
        Assert.Equal(0, empty.UnmatchedFeedback);

        // Same rate values the groups carry, exactly.
        Assert.Equal([0.5, 0, 0.4, 0.3333, 0.6667], patientView.Groups.Select(g => g.AcceptanceRate));
    }

    [Fact]
    public async Task Purge_removes_only_rows_older_than_the_cutoff_and_reports_counts()
    {
        var store = await InitializedStoreAsync();
        var january10 = new DateTimeOffset(2025, 1, 10, 8, 0, 0, TimeSpan.Zero);
        var february1 = new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero);
        var february20 = new DateTimeOffset(2025, 2, 20, 8, 0, 0, TimeSpan.Zero);
        await store.RecordIssuedAsync(
            [
                Card("p-1", "hypercalcemia", "critical", january10, suggestions: 2),
                Card("p-2", "hypercalcemia", "critical", february1, suggestions: 2), // exactly at the cutoff: kept
                Card("p-3", "hypercalcemia", "critical", february20, suggestions: 2),
            ],
            Ct);
        await store.RecordFeedbackAsync(PatientView, Ehr, [Accept("p-1", january10.AddMinutes(5))], january10.AddDays(1), Ct);
        await store.RecordFeedbackAsync(PatientView, Ehr, [Accept("unknown", january10)], january10.AddDays(-5), Ct);
        await store.RecordFeedbackAsync(PatientView, Ehr, [Accept("p-2", february1.AddMinutes(5))], february1, Ct); // at the cutoff: kept
        await store.RecordFeedbackAsync(PatientView, Ehr, [Accept("p-3", february20.AddMinutes(5))], february20.AddDays(1), Ct);

        var cutoff = new DateTimeOffset(2025, 2, 1, 1, 0, 0, TimeSpan.FromHours(1)); // = 1 February 00:00 UTC
        Assert.Equal(new PurgeResult(1, 2), await store.PurgeAsync(cutoff, Ct));

        var counts = await Diagnostics(store).CountRowsAsync(Ct);
        Assert.Equal(2, counts["issued_cards"]);
        Assert.Equal(4, counts["issued_card_suggestions"]);
        Assert.Equal(2, counts["feedback"]);
        var analytics = await store.GetAnalyticsAsync(new AnalyticsQuery(january10.AddDays(-30), february20.AddDays(30), null), Ct);
        Assert.Equal(
            "hypercalcemia/critical shown=2 accepted=2 overridden=0 rate=1 reasons=[] daily=[2025-02-01 1/1/0; 2025-02-20 1/1/0]",
            Describe(analytics.Groups));

        Assert.Equal(new PurgeResult(0, 0), await store.PurgeAsync(cutoff, Ct));
    }

    [Fact]
    public async Task Hash_key_is_created_once_and_shared_by_every_instance()
    {
        var database = await CreateDatabaseAsync();
        var first = OpenStore(database);
        await first.InitializeAsync(Ct);
        var key = await first.GetOrCreateHashKeyAsync(Ct);
        Assert.Equal(32, key.Length);
        Assert.Contains(key, b => b != 0);
        Assert.Equal(key, await first.GetOrCreateHashKeyAsync(Ct));
        Assert.Equal(key, await OpenStore(database).GetOrCreateHashKeyAsync(Ct));

        var fresh = await CreateDatabaseAsync();
        var replicas = Enumerable.Range(0, 8).Select(_ => OpenStore(fresh)).ToList();
        await replicas[0].InitializeAsync(Ct);
        var keys = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.GetOrCreateHashKeyAsync(Ct))));
        Assert.All(keys, k => Assert.Equal(keys[0], k));
        Assert.Equal(1, (await Diagnostics(replicas[0]).CountRowsAsync(Ct))["meta"]);
        Assert.NotEqual(key, keys[0]); // random per database
    }

    [Fact]
    public async Task A_new_instance_sees_everything_the_first_committed()
    {
        var database = await CreateDatabaseAsync();
        var first = OpenStore(database);
        await first.InitializeAsync(Ct);
        await first.RecordIssuedAsync([Card("d-1", "hypercalcemia", "critical", March(1, 8)), Card("d-2", "hypercalcemia", "critical", March(1, 9))], Ct);
        Assert.Equal(2, await first.RecordFeedbackAsync(PatientView, Ehr, [Accept("d-1", March(1, 10)), Override("d-2", March(1, 10), null, null, true)], March(1, 11), Ct));
        var key = await first.GetOrCreateHashKeyAsync(Ct);

        // No shutdown of the first instance: what it returned from is committed.
        var second = OpenStore(database);
        Assert.Equal(3, await second.GetSchemaVersionAsync(Ct));
        Assert.Equal(key, await second.GetOrCreateHashKeyAsync(Ct));
        var analytics = await second.GetAnalyticsAsync(new AnalyticsQuery(March(1, 0), March(2, 0), PatientView), Ct);
        Assert.Equal(
            "hypercalcemia/critical shown=2 accepted=1 overridden=1 rate=0.5 reasons=[null null commentOnly=True n=1] daily=[2025-03-01 2/1/1]",
            Describe(analytics.Groups));
        Assert.Equal(0, await second.RecordFeedbackAsync(PatientView, Ehr, [Accept("d-1", March(1, 10))], March(1, 12), Ct));
    }

    protected IFeedbackStore OpenStore(string database)
    {
        var store = Open(database);
        lock (opened)
        {
            opened.Add(store);
        }

        return store;
    }

    protected async Task<IFeedbackStore> InitializedStoreAsync()
    {
        var store = OpenStore(await CreateDatabaseAsync());
        await store.InitializeAsync(Ct);
        return store;
    }

    private static IFeedbackStoreDiagnostics Diagnostics(IFeedbackStore store) => (IFeedbackStoreDiagnostics)store;

    private async Task<long> CountFeedbackAsync(string database, string where) =>
        Convert.ToInt64(await ExecuteScalarAsync(database, "SELECT COUNT(*) FROM feedback WHERE " + where), CultureInfo.InvariantCulture);

    /// <summary>
    /// Inserts feedback rows as a build before schema v3 did: the v1/v2 columns only (no <c>client_issuer</c>), the same
    /// identity (which, without an issuer, v3 keeps) and the same value formats. The SQL is literal and valid for both
    /// engines: ISO-8601 UTC text is what SQLite stores and what PostgreSQL reads into timestamptz; TRUE/FALSE are 1/0
    /// in SQLite.
    /// </summary>
    private async Task InsertPreV3FeedbackAsync(string database, string serviceId, IReadOnlyList<FeedbackItem> items, DateTimeOffset receivedAt)
    {
        foreach (var f in StoredFeedback.Prepare(serviceId, null, items, receivedAt))
        {
            await ExecuteScalarAsync(
                database,
                "INSERT INTO feedback (item_key, service_id, card_uuid, outcome, accepted_suggestions, reason_system, reason_code, has_user_comment, outcome_at, received_at) VALUES (" +
                string.Join(
                    ", ",
                    Literal(f.Key),
                    Literal(f.ServiceId),
                    Literal(f.CardUuid),
                    Literal(f.Outcome),
                    Literal(f.AcceptedSuggestionsJson),
                    Literal(f.ReasonSystem),
                    Literal(f.ReasonCode),
                    f.HasUserComment ? "TRUE" : "FALSE",
                    Literal(StoreTime.ToSqliteText(f.OutcomeAtUtc)),
                    Literal(StoreTime.ToSqliteText(f.ReceivedAtUtc))) +
                ")");
        }

        static string Literal(string? value) => value is null ? "NULL" : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
