using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using BoneMets.Cds.Api.Tests.Infrastructure;
using BoneMets.Cds.Fhir;
using Microsoft.Data.Sqlite;
using static BoneMets.Cds.Api.Tests.Feedback.FeedbackBodies;

namespace BoneMets.Cds.Api.Tests.Feedback;

/// <summary>
/// Issue 5 item 2: every card the hook returns is recorded (off the request path, through a bounded queue), joined to
/// feedback in the analytics, without patient data; overload drops and counts instead of blocking; shutdown flushes.
/// </summary>
[Collection(FeedbackSerialGroup.Name)]
public sealed class IssuedCardLogTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _dropped = new();

    public IssuedCardLogTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CdsMetrics.MeterName && instrument.Name == "cds.issued_cards.dropped")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    _dropped.AddOrUpdate((string)tag.Value!, value, (_, old) => old + value);
                }
            }
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task HookCards_AreLogged_AndFeedbackJoinsThemInAnalytics()
    {
        await using var host = new FeedbackHost();
        var cards = await host.PostHookAsync(Hooks.LoadSample("mscc-multi-card"));
        Assert.Equal(3, cards.Count);
        await FeedbackHost.WaitUntilAsync(() => host.CountRows("issued_cards") == 3, "3 issued cards");

        var mscc = cards.Single(c => c.Topic == "spinal-cord-compression");
        var calcium = cards.Single(c => c.Topic == "hypercalcemia");
        var fracture = cards.Single(c => c.Topic == "pathological-fracture");
        Assert.NotEmpty(mscc.Suggestions);
        using var feedback = await host.PostFeedbackAsync(Body(
            Accepted(mscc.Uuid, mscc.Suggestions[0]),
            Overridden(calcium.Uuid, "not-indicated"),
            Overridden(fracture.Uuid, comment: "seen by ortho")));
        await FeedbackAssert.OkEmptyAsync(feedback);

        var analytics = await host.AnalyticsAsync();
        var groups = analytics.GetProperty("groups").EnumerateArray().ToDictionary(
            g => (g.GetProperty("topicCode").GetString(), g.GetProperty("indicator").GetString()));
        Assert.Equal(3, groups.Count);
        var scc = groups[("spinal-cord-compression", "critical")];
        Assert.Equal((1, 1, 0), Counts(scc));
        Assert.Equal(1.0, scc.GetProperty("acceptanceRate").GetDouble());
        var hyper = groups[("hypercalcemia", "warning")];
        Assert.Equal((1, 0, 1), Counts(hyper));
        var reason = Assert.Single(hyper.GetProperty("overrideReasons").EnumerateArray());
        Assert.Equal("not-indicated", reason.GetProperty("code").GetString());
        Assert.Equal(ReasonSystem, reason.GetProperty("system").GetString());
        Assert.Equal(1, reason.GetProperty("count").GetInt64());
        var frac = groups[("pathological-fracture", "warning")];
        Assert.Equal((1, 0, 1), Counts(frac));
        Assert.True(Assert.Single(frac.GetProperty("overrideReasons").EnumerateArray()).GetProperty("commentOnly").GetBoolean());
        var day = Assert.Single(scc.GetProperty("daily").EnumerateArray());
        Assert.Equal("2026-11-29", day.GetProperty("day").GetString());
        Assert.Equal(0, analytics.GetProperty("unmatchedFeedback").GetInt64());

        // The log row carries the rule, the definitions version, the suggestions and a keyed hash of the patient.
        using var db = host.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT rule_id, definitions_version, patient_key, client_issuer FROM issued_cards WHERE card_uuid = $u";
        command.Parameters.AddWithValue("$u", mscc.Uuid);
        using (var row = command.ExecuteReader())
        {
            Assert.True(row.Read());
            Assert.Equal("R1", row.GetString(0));
            Assert.StartsWith("defs-", row.GetString(1), StringComparison.Ordinal);
            Assert.Matches("^[0-9a-f]{64}$", row.GetString(2));
            Assert.Equal(TestEhr.Issuer, row.GetString(3)); // the verified JWT issuer of the (test) EHR that called
        }

        Assert.Equal(mscc.Suggestions.Count, host.CountRows("issued_card_suggestions", $"card_uuid = '{mscc.Uuid}'"));
    }

    [Fact]
    public async Task DatabaseFiles_NeverContainThePatientIdOrName()
    {
        await using var host = new FeedbackHost();
        var request = Hooks.LoadSample("mscc-multi-card");
        var patient = request["prefetch"]!["patient"]!;
        var secrets = new List<string> { request["context"]!["patientId"]!.GetValue<string>(), patient["birthDate"]!.GetValue<string>() };
        secrets.AddRange(patient["name"]!.AsArray().SelectMany(n => n!["given"]!.AsArray().Select(g => g!.GetValue<string>()).Append(n["family"]!.GetValue<string>())));
        secrets.Add(patient["identifier"]![0]!["value"]!.GetValue<string>());
        Assert.Contains("mscc-multi-card", secrets);

        var cards = await host.PostHookAsync(request);
        await FeedbackHost.WaitUntilAsync(() => host.CountRows("issued_cards") == cards.Count, "issued cards");
        using (var feedback = await host.PostFeedbackAsync(Body(Overridden(cards[0].Uuid, comment: "Sample Mscc Multi Card declined"))))
        {
            await FeedbackAssert.OkEmptyAsync(feedback);
        }

        var bytes = ReadAllFiles(host.DataDirectory);
        Assert.NotEmpty(bytes);
        Assert.Contains(cards[0].Uuid, bytes, StringComparison.Ordinal); // the files are readable as text at all
        foreach (var secret in secrets.Where(s => s.Length >= 6))
        {
            Assert.DoesNotContain(secret, bytes, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("Mscc Multi Card", bytes, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Overload_HookNeverWaits_DropsAreCounted_QueuedCardsAreStoredAfterwards()
    {
        await using var host = new FeedbackHost(new Dictionary<string, string?>
        {
            ["Cds:Feedback:QueueCapacity"] = "4",
            ["Cds:Feedback:BatchSize"] = "2",
        });
        _ = host.Client; // start: schema created
        var request = Hooks.LoadSample("mscc-multi-card");
        const int Calls = 12; // 36 cards: 2 in the stuck batch, 4 queued, the rest dropped

        using (var blocker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = host.DatabasePath, Pooling = false }.ToString()))
        {
            blocker.Open();
            using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                begin.ExecuteNonQuery();
            }

            var watch = Stopwatch.StartNew();
            for (var i = 0; i < Calls; i++)
            {
                RetargetPrefetch(request, $"overload-{i}"); // distinct patients: distinct card uuids
                var cards = await host.PostHookAsync(request);
                Assert.Equal(3, cards.Count);
            }

            var elapsed = watch.Elapsed;
            Assert.True(elapsed < TimeSpan.FromSeconds(10), $"{Calls} hook calls took {elapsed} while the store was locked");
            await FeedbackHost.WaitUntilAsync(() => Dropped(FeedbackMetricsReason.QueueFull) >= 30, "drops to be counted");
            Assert.Equal(0, host.CountRows("issued_cards"));

            using var rollback = blocker.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }

        var dropped = Dropped(FeedbackMetricsReason.QueueFull);
        await FeedbackHost.WaitUntilAsync(() => host.CountRows("issued_cards") == (3 * Calls) - dropped, $"{(3 * Calls) - dropped} stored cards");
        Assert.InRange(host.CountRows("issued_cards"), 4, 6);
        Assert.Equal(0, Dropped(FeedbackMetricsReason.StoreError));
    }

    [Fact]
    public async Task Shutdown_FlushesWhatIsQueued()
    {
        var host = new FeedbackHost(new Dictionary<string, string?> { ["Cds:Feedback:BatchSize"] = "1" });
        var dataDirectory = host.DataDirectory;
        try
        {
            _ = host.Client;
            var request = Hooks.LoadSample("mscc-multi-card");
            var expected = new HashSet<string>();

            // Lock the database so the cards stay queued, then release it as the host stops.
            using var blocker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = host.DatabasePath, Pooling = false }.ToString());
            blocker.Open();
            using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                begin.ExecuteNonQuery();
            }

            for (var i = 0; i < 5; i++)
            {
                RetargetPrefetch(request, $"flush-{i}");
                foreach (var card in await host.PostHookAsync(request))
                {
                    expected.Add(card.Uuid);
                }
            }

            Assert.Equal(15, expected.Count);
            Assert.Equal(0, host.CountRows("issued_cards"));
            var log = (Api.Feedback.IssuedCardLog)host.Services.GetService(typeof(Api.Feedback.IssuedCardLog))!;
            Assert.True(log.Pending >= 13, $"only {log.Pending} cards queued");

            var stopping = Task.Run(() => host.Root.Dispose());
            await Task.Delay(300);
            using (var rollback = blocker.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK";
                rollback.ExecuteNonQuery();
            }

            await stopping.WaitAsync(TimeSpan.FromSeconds(30));

            // The host is gone: a fresh connection sees every card.
            using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "feedback.db"), Pooling = false }.ToString());
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "SELECT card_uuid FROM issued_cards";
            var stored = new HashSet<string>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    stored.Add(reader.GetString(0));
                }
            }

            Assert.Equal(expected, stored);
            Assert.Matches("[0-9]+ queued cards written on shutdown, 0 not written", host.AllLogs);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task LogOff_HookStillAnswers_NothingIsRecorded()
    {
        await using var host = new FeedbackHost(new Dictionary<string, string?> { ["Cds:Feedback:IssuedCardLog"] = "false" });

        var cards = await host.PostHookAsync(Hooks.LoadSample("mscc-multi-card"));
        using var feedback = await host.PostFeedbackAsync(Body(Overridden(cards[0].Uuid)));

        await FeedbackAssert.OkEmptyAsync(feedback);
        await Task.Delay(200);
        Assert.Equal(0, host.CountRows("issued_cards"));
        Assert.Equal(1, host.CountRows("feedback"));
    }

    private long Dropped(string reason) => _dropped.TryGetValue(reason, out var v) ? v : 0;

    /// <summary>Moves every prefetched resource to another patient id, so the cards get other uuids.</summary>
    private static void RetargetPrefetch(System.Text.Json.Nodes.JsonObject request, string patientId)
    {
        var old = request["context"]!["patientId"]!.GetValue<string>();
        var text = request.ToJsonString().Replace("Patient/" + old, "Patient/" + patientId, StringComparison.Ordinal);
        var moved = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
        moved["context"]!["patientId"] = patientId;
        moved["prefetch"]!["patient"]!["id"] = patientId;
        foreach (var (key, value) in moved.ToList())
        {
            moved.Remove(key);
            request[key] = value;
        }
    }

    private static string ReadAllFiles(string directory)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(directory))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            text.Append(reader.ReadToEnd());
        }

        return text.ToString();
    }

    private static (long Shown, long Accepted, long Overridden) Counts(System.Text.Json.JsonElement group) =>
        (group.GetProperty("shown").GetInt64(), group.GetProperty("accepted").GetInt64(), group.GetProperty("overridden").GetInt64());
}

/// <summary>The reasons of <c>cds.issued_cards.dropped</c>.</summary>
internal static class FeedbackMetricsReason
{
    public const string QueueFull = "queue_full";
    public const string StoreError = "store_error";
}

/// <summary>
/// Tests that watch the process-wide drop counter or lock database files run one after the other, so one test's drops
/// are not counted by another's listener.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FeedbackSerialGroup
{
    public const string Name = "Feedback (serial, metrics and locks)";
}
