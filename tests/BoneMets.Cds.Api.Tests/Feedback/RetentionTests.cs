using BoneMets.Cds.Api.Feedback;
using BoneMets.Cds.Feedback;
using Microsoft.Extensions.DependencyInjection;

namespace BoneMets.Cds.Api.Tests.Feedback;

/// <summary>Issue 5 item 4: records older than Cds:Feedback:RetentionDays are purged by the service; newer ones stay.</summary>
public sealed class RetentionTests
{
    private static readonly DateTimeOffset Now = Infrastructure.CdsApiFactory.Anchor;

    [Fact]
    public async Task PurgeService_OnItsInterval_RemovesOldRecords_KeepsNewOnes()
    {
        await using var host = new FeedbackHost(new Dictionary<string, string?>
        {
            ["Cds:Feedback:RetentionDays"] = "30",
            ["Cds:Feedback:PurgeInterval"] = "01:00:00",
        });
        _ = host.Client;
        await FeedbackHost.WaitUntilAsync(() => host.AllLogs.Contains("Retention purge:", StringComparison.Ordinal), "the start-up purge");
        await SeedAsync(host.Store);
        Assert.Equal(3, host.CountRows("issued_cards"));
        Assert.Equal(3, host.CountRows("feedback"));

        // One interval later (fake clock): the service purges with cutoff = now + 1 h - 30 days.
        var deadline = Environment.TickCount64 + 10_000;
        while (host.CountRows("issued_cards") == 3)
        {
            Assert.True(Environment.TickCount64 < deadline, "the purge did not run");
            host.Root.Clock.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(50);
        }

        await FeedbackHost.WaitUntilAsync(() => host.CountRows("feedback") == 2, "old feedback purged");
        Assert.Equal(["new", "recent-edge"], CardUuids(host));
        Assert.Equal(0, host.CountRows("issued_card_suggestions", "card_uuid = 'old'"));
        Assert.Equal(1, host.CountRows("feedback", "card_uuid = 'new'"));
        Assert.Contains("Retention purge: 1 issued cards and 1 feedback items older than 30 days removed", host.AllLogs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeOnce_UsesTheClock()
    {
        await using var host = new FeedbackHost(new Dictionary<string, string?> { ["Cds:Feedback:RetentionDays"] = "30" });
        var purge = host.Services.GetRequiredService<RetentionPurgeService>();
        await FeedbackHost.WaitUntilAsync(() => host.AllLogs.Contains("Retention purge:", StringComparison.Ordinal), "the start-up purge");
        await SeedAsync(host.Store);

        var now = await purge.PurgeOnceAsync(CancellationToken.None);
        Assert.Equal(new PurgeResult(1, 1), now); // old (31 days)
        Assert.Equal(["new", "recent-edge"], CardUuids(host));

        // 20 days on, the service's own interval purge (its timer runs on the same clock) removes recent-edge (now 49
        // days old) and keeps new (21 days old); a purge after it finds nothing left to remove.
        host.Root.Clock.Advance(TimeSpan.FromDays(20));
        await FeedbackHost.WaitUntilAsync(() => CardUuids(host).SequenceEqual(["new"]), "the interval purge 20 days on");
        var later = await purge.PurgeOnceAsync(CancellationToken.None);
        Assert.Equal(new PurgeResult(0, 0), later);
        Assert.Equal(["new"], CardUuids(host));
    }

    /// <summary>
    /// Issued cards: old (issued 31 days ago), recent-edge (29 days 18 h ago), new (1 day ago); feedback received at the
    /// same times.
    /// </summary>
    private static async Task SeedAsync(IFeedbackStore store)
    {
        var times = new Dictionary<string, DateTimeOffset>
        {
            ["old"] = Now.AddDays(-31),
            ["recent-edge"] = Now.AddDays(-30).AddHours(6),
            ["new"] = Now.AddDays(-1),
        };
        foreach (var (uuid, at) in times)
        {
            await store.RecordIssuedAsync([new IssuedCard(uuid, "s", "hypercalcemia", "warning", "R3", "defs-test", at, ["sg-" + uuid], new string('b', 64), null)], CancellationToken.None);
            await store.RecordFeedbackAsync("s", null, [new FeedbackItem(uuid, FeedbackOutcome.Overridden, [], null, null, false, at)], at, CancellationToken.None);
        }
    }

    private static List<string> CardUuids(FeedbackHost host)
    {
        using var db = host.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT card_uuid FROM issued_cards ORDER BY card_uuid";
        var list = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }
}
