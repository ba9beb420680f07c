using Npgsql;

namespace BoneMets.Cds.Feedback.Tests;

/// <summary>The contract against a real PostgreSQL server (<see cref="PostgresServer"/>): a fresh database per test.</summary>
[Collection(PostgresGroup.Name)]
public sealed class PostgresFeedbackStoreTests(PostgresServer server) : FeedbackStoreContract
{
    protected override string ExpectedEngine => "postgresql";

    protected override Task<string> CreateDatabaseAsync() => server.CreateDatabaseAsync();

    protected override IFeedbackStore Open(string database) => new PostgresFeedbackStore(database);

    protected override async Task<object?> ExecuteScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
#pragma warning disable CA2100 // test-only SQL
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        return await command.ExecuteScalarAsync(Ct);
    }

    [Fact]
    public void Server_started_within_the_limit() =>
        Assert.InRange(server.StartupTime, TimeSpan.Zero, TimeSpan.FromSeconds(60));
}
