using Microsoft.Data.Sqlite;
using static BoneMets.Cds.Feedback.Tests.TestData;

namespace BoneMets.Cds.Feedback.Tests;

/// <summary>A temporary directory for one test class, deleted afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bonemets-feedback-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>The contract against SQLite: each test's database is a file in its own (not yet existing) directory.</summary>
public sealed class SqliteFeedbackStoreTests(TempDirectory root) : FeedbackStoreContract, IClassFixture<TempDirectory>
{
    protected override string ExpectedEngine => "sqlite";

    protected override Task<string> CreateDatabaseAsync() =>
        Task.FromResult(Path.Combine(root.Path, Guid.NewGuid().ToString("N"), "data"));

    protected override IFeedbackStore Open(string database) => new SqliteFeedbackStore(database);

    protected override async Task<object?> ExecuteScalarAsync(string database, string sql)
    {
        var path = Path.Combine(database, SqliteFeedbackStore.DatabaseFileName);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // test-only SQL
        command.CommandText = sql;
#pragma warning restore CA2100
        return await command.ExecuteScalarAsync(Ct);
    }

    [Fact]
    public async Task Database_is_a_wal_file_with_full_synchronous_commits_and_a_busy_timeout()
    {
        var directory = await CreateDatabaseAsync();
        Assert.False(Directory.Exists(directory));
        var store = (SqliteFeedbackStore)OpenStore(directory);
        await store.InitializeAsync(Ct);
        await store.RecordFeedbackAsync(PatientView, null, [Accept("c-1", March(1, 8))], March(1, 9), Ct);

        Assert.Equal(Path.Combine(directory, "feedback.db"), store.DatabasePath);
        Assert.True(File.Exists(store.DatabasePath));
        var (journalMode, synchronous, busyTimeout) = await store.ReadPragmasAsync(Ct);
        Assert.Equal("wal", journalMode);
        Assert.Equal(2, synchronous); // FULL
        Assert.Equal(30_000, busyTimeout);
    }
}
