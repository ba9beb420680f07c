namespace BoneMets.Cds.Feedback.Tests;

/// <summary>The contract against a real PostgreSQL server (<see cref="PostgresServer"/>): a fresh database per test.</summary>
[Collection(PostgresGroup.Name)]
public sealed class PostgresFeedbackStoreTests(PostgresServer server) : FeedbackStoreContract
{
    protected override string ExpectedEngine => "postgresql";

    protected override Task<string> CreateDatabaseAsync() => server.CreateDatabaseAsync();

    protected override IFeedbackStore Open(string database) => new PostgresFeedbackStore(database);

    [Fact]
    public void Server_started_within_the_limit() =>
        Assert.InRange(server.StartupTime, TimeSpan.Zero, TimeSpan.FromSeconds(60));
}
