using BoneMets.Cds.Api.Tests.Infrastructure;
using BoneMets.Cds.Feedback;
using Microsoft.Extensions.DependencyInjection;
using static BoneMets.Cds.Api.Tests.Feedback.FeedbackBodies;

namespace BoneMets.Cds.Api.Tests.Feedback;

/// <summary>Issue 5 item 3: the engine follows the configuration; a store that cannot start stops the host with one clear line.</summary>
public sealed class FeedbackStartupTests
{
    [Fact]
    public async Task Default_IsSqliteInTheDataDirectory_WithTheSchemaCreatedBeforeTheFirstRequest()
    {
        await using var host = new FeedbackHost();

        var store = host.Store;

        Assert.Equal("sqlite", store.Engine);
        Assert.True(File.Exists(host.DatabasePath));
        Assert.True(await store.GetSchemaVersionAsync(CancellationToken.None) >= 1);
        Assert.Matches("Feedback store ready: sqlite, schema version [0-9]+, issued-card log True", host.AllLogs);
        using var db = host.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)command.ExecuteScalar()!);
    }

    [Fact]
    public async Task UnreachablePostgreSql_StopsTheHost_WithOneLineThatNeverShowsThePassword()
    {
        const string Password = "Sup3r-Secret-Pa55word";
        await using var host = new FeedbackHost(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Feedback"] = $"Host=127.0.0.1;Port=1;Username=feedback;Password={Password};Timeout=2",
        });

        var ex = Assert.ThrowsAny<Exception>(() => host.Client);

        var line = Assert.Single(host.Logs.Lines, l => l.Contains("Cannot start: the feedback store", StringComparison.Ordinal));
        Assert.Contains("Critical", line, StringComparison.Ordinal);
        Assert.Contains("(postgresql)", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, host.AllLogs, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataDirectoryThatIsAFile_StopsTheHost_WithOneLine()
    {
        var file = Path.GetTempFileName();
        try
        {
            await using var host = new FeedbackHost(new Dictionary<string, string?> { ["Cds:Feedback:DataDirectory"] = file });

            Assert.ThrowsAny<Exception>(() => host.Client);

            var line = Assert.Single(host.Logs.Lines, l => l.Contains("Cannot start: the feedback store", StringComparison.Ordinal));
            Assert.Contains("(sqlite)", line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("Cds:Feedback:RetentionDays", "0", "RetentionDays")]
    [InlineData("Cds:Feedback:QueueCapacity", "0", "QueueCapacity")]
    [InlineData("Cds:Feedback:BatchSize", "0", "BatchSize")]
    [InlineData("Cds:Feedback:PurgeInterval", "00:00:01", "PurgeInterval")]
    [InlineData("Cds:Feedback:FlushDelay", "00:00:06", "FlushDelay")]
    [InlineData("Cds:Feedback:FlushDelay", "-00:00:01", "FlushDelay")]
    [InlineData("Cds:Feedback:PatientHashKey", "c2hvcnQ=", "PatientHashKey")]
    [InlineData("Cds:Feedback:PatientHashKey", "not base64!", "PatientHashKey")]
    [InlineData("Cds:Feedback:DataDirectory", "", "DataDirectory")]
    public async Task InvalidSetting_StopsTheHostNamingIt(string key, string value, string expected)
    {
        await using var host = new FeedbackHost(new Dictionary<string, string?> { [key] = value });

        var ex = Assert.ThrowsAny<Exception>(() => host.Client);

        Assert.Contains(expected, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredPatientHashKey_IsUsed_InsteadOfTheStoredOne()
    {
        var key = new byte[32];
        key[0] = 42;
        await using var host = new FeedbackHost(new Dictionary<string, string?> { ["Cds:Feedback:PatientHashKey"] = Convert.ToBase64String(key) });

        var cards = await host.PostHookAsync(Hooks.LoadSample("mscc-multi-card"));
        await FeedbackHost.WaitUntilAsync(() => host.CountRows("issued_cards") == cards.Count, "issued cards");

        var expected = PatientKeys.Hash(key, "mscc-multi-card");
        Assert.Equal(cards.Count, host.CountRows("issued_cards", $"patient_key = '{expected}'"));
        Assert.Equal(0, host.CountRows("meta"));
    }

    [Fact]
    public async Task StoredPatientHashKey_SurvivesARestart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "bonemets-restart-" + Guid.NewGuid().ToString("N"));
        try
        {
            string stored;
            await using (var first = new FeedbackHost(dataDirectory: directory))
            {
                await first.PostHookAsync(Hooks.LoadSample("mscc-multi-card"));
                await FeedbackHost.WaitUntilAsync(() => first.CountRows("issued_cards") == 3, "issued cards");
                stored = PatientKeyOfAnyCard(first);
            }

            await using var second = new FeedbackHost(dataDirectory: directory);
            var key = await second.Store.GetOrCreateHashKeyAsync(CancellationToken.None);

            Assert.Equal(stored, PatientKeys.Hash(key, "mscc-multi-card"));
            Assert.Equal(3, second.CountRows("issued_cards"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string PatientKeyOfAnyCard(FeedbackHost host)
    {
        using var db = host.OpenDatabase();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT patient_key FROM issued_cards LIMIT 1";
        return (string)command.ExecuteScalar()!;
    }
}
