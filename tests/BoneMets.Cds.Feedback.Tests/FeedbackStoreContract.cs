using System.Collections.Concurrent;
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

        Assert.Equal(2, FeedbackSchema.LatestVersion);
        Assert.Equal(2, await store.GetSchemaVersionAsync(Ct));
        var counts = await Diagnostics(store).CountRowsAsync(Ct);
        Assert.Equal(2, counts["schema_version"]);
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
        Assert.Equal(2, await first.GetSchemaVersionAsync(Ct));
        Assert.Equal(2, (await Diagnostics(first).CountRowsAsync(Ct))["schema_version"]);

        var fresh = await CreateDatabaseAsync();
        var replicas = Enumerable.Range(0, 4).Select(_ => OpenStore(fresh)).ToList();
        await Task.WhenAll(replicas.Select(r => Task.Run(() => r.InitializeAsync(Ct))));

        foreach (var replica in replicas)
        {
            Assert.Equal(2, await replica.GetSchemaVersionAsync(Ct));
        }

        Assert.Equal(2, (await Diagnostics(replicas[0]).CountRowsAsync(Ct))["schema_version"]);
        Assert.Equal(4, (await Diagnostics(replicas[0]).ListIndexesAsync(Ct)).Count);

        // And the schema works from every replica.
        await replicas[3].RecordIssuedAsync([Card("c-1", "hypercalcemia", "critical", March(1, 8))], Ct);
        Assert.Equal(1, await replicas[1].RecordFeedbackAsync(PatientView, [Accept("c-1", March(1, 9))], March(1, 9), Ct));
    }

    [Fact]
    public async Task Forward_migration_from_v1_keeps_the_data()
    {
        var database = await CreateDatabaseAsync();
        var old = OpenStore(database);
        await Diagnostics(old).MigrateToAsync(1, Ct);
        Assert.Equal(1, await old.GetSchemaVersionAsync(Ct));
        Assert.Empty(await Diagnostics(old).ListIndexesAsync(Ct));

        await old.RecordIssuedAsync(
            [
                Card("m-1", "hypercalcemia", "critical", March(1, 8), suggestions: 2),
                Card("m-2", "spinal-cord-compression", "critical", March(2, 8), suggestions: 1),
            ],
            Ct);
        Assert.Equal(
            3,
            await old.RecordFeedbackAsync(
                PatientView,
                [
                    Accept("m-1", March(1, 9)),
                    Override("m-2", March(2, 9), ReasonSystem, "not-relevant", comment: false),
                    Accept("m-unknown", March(2, 10)),
                ],
                March(2, 12),
                Ct));
        var key = await old.GetOrCreateHashKeyAsync(Ct);
        var query = new AnalyticsQuery(March(1, 0), March(5, 0), PatientView);
        var before = await old.GetAnalyticsAsync(query, Ct);

        var upgraded = OpenStore(database);
        await upgraded.InitializeAsync(Ct);

        Assert.Equal(2, await upgraded.GetSchemaVersionAsync(Ct));
        Assert.Equal(4, (await Diagnostics(upgraded).ListIndexesAsync(Ct)).Count);
        var counts = await Diagnostics(upgraded).CountRowsAsync(Ct);
        Assert.Equal(2, counts["schema_version"]);
        Assert.Equal(2, counts["issued_cards"]);
        Assert.Equal(3, counts["issued_card_suggestions"]);
        Assert.Equal(3, counts["feedback"]);
        Assert.Equal(1, counts["meta"]);
        Assert.Equal(key, await upgraded.GetOrCreateHashKeyAsync(Ct));
        var after = await upgraded.GetAnalyticsAsync(query, Ct);
        Assert.Equal(Describe(before.Groups), Describe(after.Groups));
        Assert.Equal(
            Describe(
            [
                Group("hypercalcemia", "critical", 1, 1, 0, 1, [], Day(1, 1, 1, 0)),
                Group("spinal-cord-compression", "critical", 1, 0, 1, 0, [Reason(ReasonSystem, "not-relevant", false, 1)], Day(2, 1, 0, 1)),
            ]),
            Describe(after.Groups));
        Assert.Equal(1, after.UnmatchedFeedback);

        // Identity still enforced after the upgrade.
        Assert.Equal(0, await upgraded.RecordFeedbackAsync(PatientView, [Accept("m-1", March(1, 9))], March(3, 0), Ct));
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
    public async Task Feedback_is_idempotent_within_a_batch_and_across_calls()
    {
        var store = await InitializedStoreAsync();
        var a = Accept("card-a", March(1, 8), "card-a-s2", "card-a-s1");
        var b = Override("card-b", March(1, 9), ReasonSystem, "not-relevant", comment: false);
        var c = Accept("card-c", March(1, 10));

        Assert.Equal(0, await store.RecordFeedbackAsync(PatientView, [], March(2, 0), Ct));
        Assert.Equal(2, await store.RecordFeedbackAsync(PatientView, [a, a, b], March(2, 0), Ct));
        Assert.Equal(1, await store.RecordFeedbackAsync(PatientView, [a, b, c], March(2, 1), Ct));

        // The same item, written differently: the instant with an offset, suggestions reordered and repeated,
        // a sub-microsecond difference (below storage resolution), another received time.
        FeedbackItem[] equivalents =
        [
            a with { OutcomeTimestamp = March(1, 8).ToOffset(TimeSpan.FromHours(2)) },
            a with { AcceptedSuggestions = ["card-a-s1", "card-a-s2", "card-a-s1"] },
            a with { OutcomeTimestamp = March(1, 8).AddTicks(5) },
        ];
        Assert.Equal(0, await store.RecordFeedbackAsync(PatientView, equivalents, March(9, 0), Ct));

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
        Assert.Equal(8, await store.RecordFeedbackAsync(PatientView, different, March(2, 2), Ct));
        Assert.Equal(1, await store.RecordFeedbackAsync(OrderSelect, [b], March(2, 3), Ct));

        Assert.Equal(3 + 8 + 1, (await Diagnostics(store).CountRowsAsync(Ct))["feedback"]);
        Assert.Equal(0, await store.RecordFeedbackAsync(PatientView, [a, b, c, .. different], March(3, 0), Ct));
        Assert.Equal(12, (await Diagnostics(store).CountRowsAsync(Ct))["feedback"]);

        var unknownOutcome = a with { Outcome = (FeedbackOutcome)7 };
        await Assert.ThrowsAsync<ArgumentException>(() => store.RecordFeedbackAsync(PatientView, [unknownOutcome], March(3, 0), Ct));
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
                var n = await store.RecordFeedbackAsync(PatientView, [posts[i]], March(1, 12), ct);
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
        await store.RecordFeedbackAsync(PatientView, [Accept("p-1", january10.AddMinutes(5))], january10.AddDays(1), Ct);
        await store.RecordFeedbackAsync(PatientView, [Accept("unknown", january10)], january10.AddDays(-5), Ct);
        await store.RecordFeedbackAsync(PatientView, [Accept("p-2", february1.AddMinutes(5))], february1, Ct); // at the cutoff: kept
        await store.RecordFeedbackAsync(PatientView, [Accept("p-3", february20.AddMinutes(5))], february20.AddDays(1), Ct);

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
        Assert.Equal(2, await first.RecordFeedbackAsync(PatientView, [Accept("d-1", March(1, 10)), Override("d-2", March(1, 10), null, null, true)], March(1, 11), Ct));
        var key = await first.GetOrCreateHashKeyAsync(Ct);

        // No shutdown of the first instance: what it returned from is committed.
        var second = OpenStore(database);
        Assert.Equal(2, await second.GetSchemaVersionAsync(Ct));
        Assert.Equal(key, await second.GetOrCreateHashKeyAsync(Ct));
        var analytics = await second.GetAnalyticsAsync(new AnalyticsQuery(March(1, 0), March(2, 0), PatientView), Ct);
        Assert.Equal(
            "hypercalcemia/critical shown=2 accepted=1 overridden=1 rate=0.5 reasons=[null null commentOnly=True n=1] daily=[2025-03-01 2/1/1]",
            Describe(analytics.Groups));
        Assert.Equal(0, await second.RecordFeedbackAsync(PatientView, [Accept("d-1", March(1, 10))], March(1, 12), Ct));
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
}
