using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BoneMets.Cds.Feedback;

/// <summary>
/// Embedded store: one SQLite file (<see cref="DatabaseFileName"/>) under a data directory, in WAL mode with
/// <c>synchronous=FULL</c>, so a method that has returned has been fsynced (a killed process loses nothing).
/// Writes are serialised in-process by a semaphore; <c>busy_timeout</c> makes writers from other processes or store
/// instances on the same file wait rather than fail. Reads run concurrently with writes (WAL).
/// Instants are stored as fixed-width ISO-8601 UTC text with microseconds. Call <see cref="InitializeAsync"/> first.
/// </summary>
/// <remarks>Analytics rules: see <see cref="AnalyticsAssembler"/>.</remarks>
public sealed class SqliteFeedbackStore : IFeedbackStore, IFeedbackStoreDiagnostics, IDisposable
{
    /// <summary>File name of the database inside the data directory.</summary>
    public const string DatabaseFileName = "feedback.db";

    private const int BusyTimeoutMilliseconds = 30_000;

    private const string ConnectionPragmas = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = FULL;";

    private const string CardsInWindow =
        "issued_at >= $from AND issued_at < $to AND ($service IS NULL OR service_id = $service)";

    /// <summary>Feedback f counts toward card c only from the card's own issuer (IS: null matches null).</summary>
    private const string SameIssuer = "f.client_issuer IS c.client_issuer";

    private const string DailySql =
        $"""
        WITH cards AS (
            SELECT card_uuid, client_issuer, topic_code, indicator, substr(issued_at, 1, 10) AS day
            FROM issued_cards
            WHERE {CardsInWindow}
        ),
        outcomes AS (
            SELECT c.card_uuid,
                   MAX(CASE WHEN f.outcome = 'accepted' THEN 1 ELSE 0 END) AS accepted,
                   MAX(CASE WHEN f.outcome = 'overridden' THEN 1 ELSE 0 END) AS overridden
            FROM cards c
            JOIN feedback f ON f.card_uuid = c.card_uuid AND {SameIssuer}
            GROUP BY c.card_uuid
        )
        SELECT c.topic_code, c.indicator, c.day, COUNT(*), COALESCE(SUM(o.accepted), 0), COALESCE(SUM(o.overridden), 0)
        FROM cards c LEFT JOIN outcomes o ON o.card_uuid = c.card_uuid
        GROUP BY c.topic_code, c.indicator, c.day
        """;

    private const string ReasonSystemBucket = "CASE WHEN f.reason_code IS NULL THEN NULL ELSE f.reason_system END";

    private const string CommentOnlyBucket = "CASE WHEN f.reason_code IS NULL AND f.has_user_comment = 1 THEN 1 ELSE 0 END";

    private const string ReasonsSql =
        $"""
        WITH cards AS (
            SELECT card_uuid, client_issuer, topic_code, indicator
            FROM issued_cards
            WHERE {CardsInWindow}
        )
        SELECT c.topic_code, c.indicator, {ReasonSystemBucket}, f.reason_code, {CommentOnlyBucket}, COUNT(DISTINCT c.card_uuid)
        FROM cards c
        JOIN feedback f ON f.card_uuid = c.card_uuid AND f.outcome = 'overridden' AND {SameIssuer}
        GROUP BY c.topic_code, c.indicator, {ReasonSystemBucket}, f.reason_code, {CommentOnlyBucket}
        """;

    private const string UnmatchedSql =
        $"""
        SELECT COUNT(*) FROM feedback f
        WHERE f.received_at >= $from AND f.received_at < $to AND ($service IS NULL OR f.service_id = $service)
          AND NOT EXISTS (SELECT 1 FROM issued_cards c WHERE c.card_uuid = f.card_uuid AND {SameIssuer})
        """;

    private readonly string connectionString;
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly ILogger logger;

    /// <summary>Opens (creating if needed) <c>&lt;dataDirectory&gt;/feedback.db</c>. The directory is created.</summary>
    public SqliteFeedbackStore(string dataDirectory, ILogger<SqliteFeedbackStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var directory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(directory);
        DatabasePath = Path.Combine(directory, DatabaseFileName);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Engine => "sqlite";

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        MigrateAsync(FeedbackSchema.LatestVersion, cancellationToken);

    /// <inheritdoc />
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadSchemaVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task RecordIssuedAsync(IReadOnlyList<IssuedCard> cards, CancellationToken cancellationToken)
    {
        var prepared = StoredCard.Prepare(cards);
        if (prepared.Count == 0)
        {
            return;
        }

        await WriteAsync(
            async (connection, transaction) =>
            {
                using var insertCard = connection.CreateCommand();
                insertCard.Transaction = transaction;
                insertCard.CommandText =
                    """
                    INSERT INTO issued_cards (card_uuid, service_id, topic_code, indicator, rule_id, definitions_version, issued_at, patient_key, client_issuer)
                    VALUES ($card_uuid, $service_id, $topic_code, $indicator, $rule_id, $definitions_version, $issued_at, $patient_key, $client_issuer)
                    ON CONFLICT (card_uuid) DO NOTHING
                    """;
                var cardUuid = insertCard.Parameters.Add("$card_uuid", SqliteType.Text);
                var serviceId = insertCard.Parameters.Add("$service_id", SqliteType.Text);
                var topicCode = insertCard.Parameters.Add("$topic_code", SqliteType.Text);
                var indicator = insertCard.Parameters.Add("$indicator", SqliteType.Text);
                var ruleId = insertCard.Parameters.Add("$rule_id", SqliteType.Text);
                var definitionsVersion = insertCard.Parameters.Add("$definitions_version", SqliteType.Text);
                var issuedAt = insertCard.Parameters.Add("$issued_at", SqliteType.Text);
                var patientKey = insertCard.Parameters.Add("$patient_key", SqliteType.Text);
                var clientIssuer = insertCard.Parameters.Add("$client_issuer", SqliteType.Text);

                using var insertSuggestion = connection.CreateCommand();
                insertSuggestion.Transaction = transaction;
                insertSuggestion.CommandText =
                    "INSERT INTO issued_card_suggestions (card_uuid, ordinal, suggestion_uuid) VALUES ($card_uuid, $ordinal, $suggestion_uuid)";
                var suggestionCard = insertSuggestion.Parameters.Add("$card_uuid", SqliteType.Text);
                var ordinal = insertSuggestion.Parameters.Add("$ordinal", SqliteType.Integer);
                var suggestionUuid = insertSuggestion.Parameters.Add("$suggestion_uuid", SqliteType.Text);

                foreach (var (card, issuedAtUtc) in prepared)
                {
                    cardUuid.Value = card.CardUuid;
                    serviceId.Value = card.ServiceId;
                    topicCode.Value = card.TopicCode;
                    indicator.Value = card.Indicator;
                    ruleId.Value = card.RuleId;
                    definitionsVersion.Value = card.DefinitionsVersion;
                    issuedAt.Value = StoreTime.ToSqliteText(issuedAtUtc);
                    patientKey.Value = card.PatientKey;
                    clientIssuer.Value = (object?)card.ClientIssuer ?? DBNull.Value;
                    if (await insertCard.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        continue; // already recorded: the first recording stands
                    }

                    for (var i = 0; i < card.SuggestionUuids.Count; i++)
                    {
                        suggestionCard.Value = card.CardUuid;
                        ordinal.Value = i;
                        suggestionUuid.Value = card.SuggestionUuids[i];
                        await insertSuggestion.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> RecordFeedbackAsync(string serviceId, string? clientIssuer, IReadOnlyList<FeedbackItem> items, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var prepared = StoredFeedback.Prepare(serviceId, clientIssuer, items, receivedAt);
        if (prepared.Count == 0)
        {
            return 0;
        }

        return await WriteAsync(
            async (connection, transaction) =>
            {
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText =
                    """
                    INSERT INTO feedback (item_key, service_id, client_issuer, card_uuid, outcome, accepted_suggestions, reason_system, reason_code, has_user_comment, outcome_at, received_at)
                    VALUES ($item_key, $service_id, $client_issuer, $card_uuid, $outcome, $accepted_suggestions, $reason_system, $reason_code, $has_user_comment, $outcome_at, $received_at)
                    ON CONFLICT (item_key) DO NOTHING
                    """;
                var key = insert.Parameters.Add("$item_key", SqliteType.Text);
                var service = insert.Parameters.Add("$service_id", SqliteType.Text);
                var issuer = insert.Parameters.Add("$client_issuer", SqliteType.Text);
                var cardUuid = insert.Parameters.Add("$card_uuid", SqliteType.Text);
                var outcome = insert.Parameters.Add("$outcome", SqliteType.Text);
                var accepted = insert.Parameters.Add("$accepted_suggestions", SqliteType.Text);
                var reasonSystem = insert.Parameters.Add("$reason_system", SqliteType.Text);
                var reasonCode = insert.Parameters.Add("$reason_code", SqliteType.Text);
                var hasComment = insert.Parameters.Add("$has_user_comment", SqliteType.Integer);
                var outcomeAt = insert.Parameters.Add("$outcome_at", SqliteType.Text);
                var received = insert.Parameters.Add("$received_at", SqliteType.Text);

                var added = 0;
                foreach (var item in prepared)
                {
                    key.Value = item.Key;
                    service.Value = item.ServiceId;
                    issuer.Value = (object?)item.ClientIssuer ?? DBNull.Value;
                    cardUuid.Value = item.CardUuid;
                    outcome.Value = item.Outcome;
                    accepted.Value = item.AcceptedSuggestionsJson;
                    reasonSystem.Value = (object?)item.ReasonSystem ?? DBNull.Value;
                    reasonCode.Value = (object?)item.ReasonCode ?? DBNull.Value;
                    hasComment.Value = item.HasUserComment ? 1 : 0;
                    outcomeAt.Value = StoreTime.ToSqliteText(item.OutcomeAtUtc);
                    received.Value = StoreTime.ToSqliteText(item.ReceivedAtUtc);
                    added += await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return added;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Computed in SQL in one read transaction (a consistent snapshot). Rules: <see cref="AnalyticsAssembler"/>.</remarks>
    public async Task<CardAnalytics> GetAnalyticsAsync(AnalyticsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var from = StoreTime.ToSqliteText(query.From);
        var to = StoreTime.ToSqliteText(query.To);
        var daily = new List<DailyRow>();
        var reasons = new List<ReasonRow>();
        long unmatched;

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var transaction = connection.BeginTransaction(deferred: true);

            using (var command = WindowCommand(connection, transaction, DailySql, from, to, query.ServiceId))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        daily.Add(new DailyRow(
                            reader.GetString(0),
                            reader.GetString(1),
                            StoreTime.ParseDay(reader.GetString(2)),
                            reader.GetInt64(3),
                            reader.GetInt64(4),
                            reader.GetInt64(5)));
                    }
                }
            }

            using (var command = WindowCommand(connection, transaction, ReasonsSql, from, to, query.ServiceId))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        reasons.Add(new ReasonRow(
                            reader.GetString(0),
                            reader.GetString(1),
                            reader.IsDBNull(2) ? null : reader.GetString(2),
                            reader.IsDBNull(3) ? null : reader.GetString(3),
                            reader.GetInt64(4) == 1,
                            reader.GetInt64(5)));
                    }
                }
            }

            using (var command = WindowCommand(connection, transaction, UnmatchedSql, from, to, query.ServiceId))
            {
                unmatched = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return AnalyticsAssembler.Build(query, daily, reasons, unmatched);
    }

    /// <inheritdoc />
    public async Task<PurgeResult> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var cutoff = StoreTime.ToSqliteText(olderThan);
        var result = await WriteAsync(
            async (connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.Parameters.AddWithValue("$cutoff", cutoff);

                command.CommandText =
                    "DELETE FROM issued_card_suggestions WHERE card_uuid IN (SELECT card_uuid FROM issued_cards WHERE issued_at < $cutoff)";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                command.CommandText = "DELETE FROM issued_cards WHERE issued_at < $cutoff";
                long cards = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                command.CommandText = "DELETE FROM feedback WHERE received_at < $cutoff";
                long feedback = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return new PurgeResult(cards, feedback);
            },
            cancellationToken).ConfigureAwait(false);
        StoreLog.Purged(logger, Engine, result.IssuedCardsRemoved, result.FeedbackRemoved);
        return result;
    }

    /// <inheritdoc />
    public async Task<byte[]> GetOrCreateHashKeyAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var existing = await ReadHashKeyAsync(connection, null, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return existing;
            }
        }

        var candidate = RandomNumberGenerator.GetBytes(TableNames.PatientHashKeyBytes);
        return await WriteAsync(
            async (connection, transaction) =>
            {
                using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = transaction;
                    insert.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO NOTHING";
                    insert.Parameters.AddWithValue("$key", TableNames.PatientHashKey);
                    insert.Parameters.Add("$value", SqliteType.Blob).Value = candidate;
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return await ReadHashKeyAsync(connection, transaction, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("The patient hash key was not stored.");
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    Task IFeedbackStoreDiagnostics.MigrateToAsync(int targetVersion, CancellationToken cancellationToken) =>
        MigrateAsync(targetVersion, cancellationToken);

    /// <inheritdoc />
    async Task<IReadOnlyDictionary<string, long>> IFeedbackStoreDiagnostics.CountRowsAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                """
                SELECT (SELECT COUNT(*) FROM schema_version), (SELECT COUNT(*) FROM issued_cards),
                       (SELECT COUNT(*) FROM issued_card_suggestions), (SELECT COUNT(*) FROM feedback), (SELECT COUNT(*) FROM meta)
                """;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return new Dictionary<string, long>(StringComparer.Ordinal)
                {
                    [TableNames.SchemaVersion] = reader.GetInt64(0),
                    [TableNames.IssuedCards] = reader.GetInt64(1),
                    [TableNames.IssuedCardSuggestions] = reader.GetInt64(2),
                    [TableNames.Feedback] = reader.GetInt64(3),
                    [TableNames.Meta] = reader.GetInt64(4),
                };
            }
        }
    }

    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Migration SQL is compile-time constant text from FeedbackSchema.")]
    private async Task MigrateAsync(int targetVersion, CancellationToken cancellationToken)
    {
        FeedbackSchema.CheckTarget(targetVersion);
        var applied = new List<SchemaMigration>();
        var databaseVersion = 0;

        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using (var wal = connection.CreateCommand())
                {
                    wal.CommandText = "PRAGMA journal_mode = WAL";
                    var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new InvalidOperationException($"SQLite refused WAL mode for {DatabasePath} (journal_mode is {mode}).");
                    }
                }

                using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one migrator at a time
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = FeedbackSchema.SqliteVersionTable;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                databaseVersion = await ReadSchemaVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

                foreach (var migration in FeedbackSchema.Migrations.Where(m => m.Version > databaseVersion && m.Version <= targetVersion))
                {
                    foreach (var statement in migration.Sqlite)
                    {
                        command.CommandText = statement;
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    command.CommandText =
                        "INSERT INTO schema_version (version, description, applied_at) VALUES ($version, $description, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("$version", migration.Version);
                    command.Parameters.AddWithValue("$description", migration.Description);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    command.Parameters.Clear();
                    applied.Add(migration);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            writeLock.Release();
        }

        foreach (var migration in applied)
        {
            StoreLog.MigrationApplied(logger, Engine, migration.Version, migration.Description);
        }

        if (databaseVersion > FeedbackSchema.LatestVersion)
        {
            StoreLog.DatabaseNewer(logger, Engine, databaseVersion, FeedbackSchema.LatestVersion);
        }
    }

    /// <inheritdoc />
    async Task<IReadOnlyList<string>> IFeedbackStoreDiagnostics.ListIndexesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix!_%' ESCAPE '!' ORDER BY name";
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    names.Add(reader.GetString(0));
                }
            }
        }

        return names;
    }

    /// <summary>The pragmas a store connection runs with (tests: WAL, synchronous FULL = 2, busy timeout).</summary>
    internal async Task<(string JournalMode, long Synchronous, long BusyTimeout)> ReadPragmasAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            var journal = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            command.CommandText = "PRAGMA synchronous";
            var synchronous = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            command.CommandText = "PRAGMA busy_timeout";
            var busy = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return (journal, synchronous, busy);
        }
    }

    /// <summary>Releases pooled connections to the file.</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        writeLock.Dispose();
    }

    private static SqliteCommand WindowCommand(SqliteConnection connection, SqliteTransaction transaction, string sql, string from, string to, string? serviceId)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // sql is one of this class's constants
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
        command.Parameters.Add("$service", SqliteType.Text).Value = (object?)serviceId ?? DBNull.Value;
        return command;
    }

    private static async Task<int> ReadSchemaVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
        if ((long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
        {
            return 0;
        }

        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<byte[]?> ReadHashKeyAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM meta WHERE key = $key";
        command.Parameters.AddWithValue("$key", TableNames.PatientHashKey);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = ConnectionPragmas;
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a BEGIN IMMEDIATE transaction, one writer per store at a time, and commits.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                var result = await work(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
        finally
        {
            writeLock.Release();
        }
    }
}
