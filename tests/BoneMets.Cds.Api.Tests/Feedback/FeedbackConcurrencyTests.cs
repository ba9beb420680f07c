using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using static BoneMets.Cds.Api.Tests.Feedback.FeedbackBodies;

namespace BoneMets.Cds.Api.Tests.Feedback;

/// <summary>Issue 5 tests: 1,000 feedback posts from parallel clients, none lost, none duplicated.</summary>
public sealed class FeedbackConcurrencyTests
{
    private const int Posts = 1_000;
    private const int Distinct = 700;
    private const int Clients = 16;

    [Fact]
    public async Task ThousandParallelPosts_AllAnswered200_EveryDistinctItemStoredExactlyOnce()
    {
        await using var host = new FeedbackHost();
        var clients = Enumerable.Range(0, Clients).Select(_ => host.CreateClient()).ToArray();
        var statuses = new ConcurrentBag<HttpStatusCode>();

        // Post i carries item i % 700 and, every fifth post, also item (7 i) % 700: 300 whole-post repeats and 200
        // repeated items inside other batches, over 700 distinct items (one card each, alternating outcomes).
        await Parallel.ForEachAsync(Enumerable.Range(0, Posts), new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (i, _) =>
        {
            var items = new List<JsonNode> { Item(i % Distinct) };
            if (i % 5 == 0)
            {
                items.Add(Item(7 * i % Distinct));
            }

            using var response = await host.PostFeedbackAsync(Body([.. items]), clients[i % Clients]);
            statuses.Add(response.StatusCode);
        });

        Assert.Equal(Posts, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(Distinct, host.CountRows("feedback"));
        using var db = host.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT COUNT(DISTINCT card_uuid), MIN(card_uuid), MAX(card_uuid) FROM feedback";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(Distinct, reader.GetInt64(0));
        Assert.Equal(CardOf(0), reader.GetString(1));
        Assert.Equal(CardOf(Distinct - 1), reader.GetString(2));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    private static string CardOf(int k) => $"00000000-0000-4000-8000-{k:D12}";

    private static JsonObject Item(int k) =>
        k % 2 == 0
            ? Accepted(CardOf(k), "11111111-0000-4000-8000-" + k.ToString("D12", System.Globalization.CultureInfo.InvariantCulture))
            : Overridden(CardOf(k), k % 3 == 0 ? "not-indicated" : null);
}
