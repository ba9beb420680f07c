using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using static BoneMets.Cds.Api.Tests.Feedback.FeedbackBodies;

namespace BoneMets.Cds.Api.Tests.Feedback;

/// <summary>
/// Issue 5 item 3: feedback is committed before the 200 is sent, so a process killed right after a 200 loses nothing.
/// The real service runs as its own process; it is killed (SIGKILL) immediately after acknowledged feedback while other
/// posts are still in flight, restarted on the same data directory, and every acknowledged item must be there.
/// </summary>
[Collection(FeedbackSerialGroup.Name)]
public sealed class FeedbackCrashTests : IDisposable
{
    private const string AdminKey = "crash-test-admin-key-0123456789";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "bonemets-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public async Task KilledRightAfterA200_EveryAcknowledgedItemIsThereAfterRestart()
    {
        var environment = new Dictionary<string, string>
        {
            ["Cds__Feedback__DataDirectory"] = _data,
            ["Cds__Admin__ApiKey"] = AdminKey,
        };
        var acknowledged = new ConcurrentBag<string>();
        var sent = 0;
        using (var first = HostProcess.Start(environment))
        {
            await first.WaitReadyAsync();

            // Eight clients post one-item batches as fast as they can; the 60th acknowledgement kills the process.
            using var killed = new CancellationTokenSource();
            var posters = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!killed.IsCancellationRequested)
                {
                    var card = NewCard();
                    Interlocked.Increment(ref sent);
                    try
                    {
                        using var response = await Hooks.PostRawAsync(first.Client, Body(Overridden(card, "not-indicated")).ToJsonString(), FeedbackHost.FeedbackPath);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged.Add(card);
                            if (acknowledged.Count >= 60 && !killed.IsCancellationRequested)
                            {
                                killed.Cancel();
                                first.Kill();
                            }
                        }
                        else
                        {
                            Assert.Fail($"feedback answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && killed.IsCancellationRequested)
                    {
                        return; // in flight when the process died: not acknowledged, may or may not be stored
                    }
                }
            })).ToArray();
            await Task.WhenAll(posters);
            Assert.True(first.HasExited);
        }

        Assert.True(acknowledged.Count >= 60);

        // Straight from the file, before anything else opens it: SQLite recovers the WAL on open.
        var stored = ReadCards(Path.Combine(_data, "feedback.db"));
        Assert.Subset(stored, acknowledged.ToHashSet());
        Assert.InRange(stored.Count, acknowledged.Count, sent);

        // And through the restarted service: every item counts as unmatched feedback (no card was issued).
        using var second = HostProcess.Start(environment);
        await second.WaitReadyAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/analytics/cards?from=2000-01-01&to=2100-01-01");
        request.Headers.Add("X-Api-Key", AdminKey);
        using var analytics = await second.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, analytics.StatusCode);
        using var doc = JsonDocument.Parse(await analytics.Content.ReadAsStringAsync());
        Assert.Equal(stored.Count, doc.RootElement.GetProperty("unmatchedFeedback").GetInt64());
    }

    private static HashSet<string> ReadCards(string path)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT card_uuid FROM feedback";
        var cards = new HashSet<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cards.Add(reader.GetString(0));
        }

        return cards;
    }
}
