using Microsoft.Extensions.Logging;

namespace BoneMets.Cds.Feedback;

/// <summary>What the tests (and only they) need beyond <see cref="IFeedbackStore"/>.</summary>
internal interface IFeedbackStoreDiagnostics
{
    /// <summary>Applies missing migrations up to <paramref name="targetVersion"/> (InitializeAsync = latest).</summary>
    Task MigrateToAsync(int targetVersion, CancellationToken cancellationToken);

    /// <summary>Row counts of every table, by table name.</summary>
    Task<IReadOnlyDictionary<string, long>> CountRowsAsync(CancellationToken cancellationToken);

    /// <summary>Names of the schema's own indexes (<c>ix_…</c>), sorted.</summary>
    Task<IReadOnlyList<string>> ListIndexesAsync(CancellationToken cancellationToken);
}

internal static partial class StoreLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Feedback store ({Engine}): applied schema migration {Version} ({Description})")]
    public static partial void MigrationApplied(ILogger logger, string engine, int version, string description);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Feedback store ({Engine}): database schema version {DatabaseVersion} is newer than this build's {BuildVersion}; continuing (migrations are additive)")]
    public static partial void DatabaseNewer(ILogger logger, string engine, int databaseVersion, int buildVersion);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Feedback store ({Engine}): purged {IssuedCards} issued cards and {Feedback} feedback items")]
    public static partial void Purged(ILogger logger, string engine, long issuedCards, long feedback);
}

internal static class TableNames
{
    public const string SchemaVersion = "schema_version";
    public const string IssuedCards = "issued_cards";
    public const string IssuedCardSuggestions = "issued_card_suggestions";
    public const string Feedback = "feedback";
    public const string Meta = "meta";

    /// <summary>The meta key of the patient hash key.</summary>
    public const string PatientHashKey = "patient_hash_key";

    public const int PatientHashKeyBytes = 32;
}
