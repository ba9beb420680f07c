using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace BoneMets.Cds.Feedback;

/// <summary>
/// PostgreSQL store for several replicas. Migrations run in one transaction under <c>pg_advisory_xact_lock</c>, so
/// replicas starting together apply each step once; inserts are <c>ON CONFLICT DO NOTHING</c> and batches are written in
/// key order (no deadlocks between replicas writing overlapping batches). Instants are <c>timestamptz</c> (microseconds).
/// Call <see cref="InitializeAsync"/> first.
/// </summary>
/// <remarks>Analytics rules: see <see cref="AnalyticsAssembler"/>. Durability follows the server's settings
/// (<c>fsync</c>, <c>synchronous_commit</c>); every method has committed when it returns.</remarks>
public sealed class PostgresFeedbackStore : IFeedbackStore, IFeedbackStoreDiagnostics, IDisposable, IAsyncDisposable
{
    private const string CardsInWindow =
        "issued_at >= @from AND issued_at < @to AND (@service::text IS NULL OR service_id = @service)";

    /// <summary>Feedback f counts toward card c only from the card's own issuer (null matches null).</summary>
    private const string SameIssuer = "f.client_issuer IS NOT DISTINCT FROM c.client_issuer";

    private const string DailySql =
        $"""
        WITH cards AS (
            SELECT card_uuid, client_issuer, topic_code, indicator, (issued_at AT TIME ZONE 'UTC')::date AS day
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
        SELECT c.topic_code, c.indicator, c.day, COUNT(*), COALESCE(SUM(o.accepted), 0)::bigint, COALESCE(SUM(o.overridden), 0)::bigint
        FROM cards c LEFT JOIN outcomes o ON o.card_uuid = c.card_uuid
        GROUP BY c.topic_code, c.indicator, c.day
        """;

    private const string ReasonSystemBucket = "CASE WHEN f.reason_code IS NULL THEN NULL ELSE f.reason_system END";

    private const string CommentOnlyBucket = "(f.reason_code IS NULL AND f.has_user_comment)";

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
        WHERE f.received_at >= @from AND f.received_at < @to AND (@service::text IS NULL OR f.service_id = @service)
          AND NOT EXISTS (SELECT 1 FROM issued_cards c WHERE c.card_uuid = f.card_uuid AND {SameIssuer})
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly bool ownsDataSource;
    private readonly ILogger logger;

    /// <summary>Creates (and owns) a data source from a Npgsql connection string.</summary>
    public PostgresFeedbackStore(string connectionString, ILogger<PostgresFeedbackStore>? logger = null)
        : this(NpgsqlDataSource.Create(connectionString), ownsDataSource: true, logger)
    {
    }

    /// <summary>Uses a data source owned by the caller (not disposed with the store).</summary>
    public PostgresFeedbackStore(NpgsqlDataSource dataSource, ILogger<PostgresFeedbackStore>? logger = null)
        : this(dataSource, ownsDataSource: false, logger)
    {
    }

    private PostgresFeedbackStore(NpgsqlDataSource dataSource, bool ownsDataSource, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
        this.ownsDataSource = ownsDataSource;
        this.logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Engine => "postgresql";

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        MigrateAsync(FeedbackSchema.LatestVersion, cancellationToken);

    /// <inheritdoc />
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var inserted = new HashSet<string>(StringComparer.Ordinal);
                using (var insert = new NpgsqlCommand(
                    """
                    INSERT INTO issued_cards (card_uuid, service_id, topic_code, indicator, rule_id, definitions_version, issued_at, patient_key, client_issuer)
                    SELECT t.card_uuid, t.service_id, t.topic_code, t.indicator, t.rule_id, t.definitions_version, t.issued_at, t.patient_key, t.client_issuer
                    FROM unnest(@card_uuid, @service_id, @topic_code, @indicator, @rule_id, @definitions_version, @issued_at, @patient_key, @client_issuer)
                         WITH ORDINALITY AS t(card_uuid, service_id, topic_code, indicator, rule_id, definitions_version, issued_at, patient_key, client_issuer, ord)
                    ORDER BY t.ord
                    ON CONFLICT (card_uuid) DO NOTHING
                    RETURNING card_uuid
                    """,
                    connection,
                    transaction))
                {
                    AddTextArray(insert, "card_uuid", prepared.Select(c => c.Card.CardUuid));
                    AddTextArray(insert, "service_id", prepared.Select(c => c.Card.ServiceId));
                    AddTextArray(insert, "topic_code", prepared.Select(c => c.Card.TopicCode));
                    AddTextArray(insert, "indicator", prepared.Select(c => c.Card.Indicator));
                    AddTextArray(insert, "rule_id", prepared.Select(c => c.Card.RuleId));
                    AddTextArray(insert, "definitions_version", prepared.Select(c => c.Card.DefinitionsVersion));
                    insert.Parameters.Add(new NpgsqlParameter<DateTime[]>("issued_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
                    {
                        TypedValue = prepared.Select(c => c.IssuedAtUtc).ToArray(),
                    });
                    AddTextArray(insert, "patient_key", prepared.Select(c => c.Card.PatientKey));
                    AddTextArray(insert, "client_issuer", prepared.Select(c => c.Card.ClientIssuer));
                    var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            inserted.Add(reader.GetString(0));
                        }
                    }
                }

                var suggestions = prepared
                    .Where(c => inserted.Contains(c.Card.CardUuid))
                    .SelectMany(c => c.Card.SuggestionUuids.Select((uuid, i) => (c.Card.CardUuid, Ordinal: i, Uuid: uuid)))
                    .ToList();
                if (suggestions.Count > 0)
                {
                    using var insertSuggestions = new NpgsqlCommand(
                        """
                        INSERT INTO issued_card_suggestions (card_uuid, ordinal, suggestion_uuid)
                        SELECT * FROM unnest(@card_uuid, @ordinal, @suggestion_uuid)
                        """,
                        connection,
                        transaction);
                    AddTextArray(insertSuggestions, "card_uuid", suggestions.Select(s => s.CardUuid));
                    insertSuggestions.Parameters.Add(new NpgsqlParameter<int[]>("ordinal", NpgsqlDbType.Array | NpgsqlDbType.Integer)
                    {
                        TypedValue = suggestions.Select(s => s.Ordinal).ToArray(),
                    });
                    AddTextArray(insertSuggestions, "suggestion_uuid", suggestions.Select(s => s.Uuid));
                    await insertSuggestions.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<int> RecordFeedbackAsync(string serviceId, string? clientIssuer, IReadOnlyList<FeedbackItem> items, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var prepared = StoredFeedback.Prepare(serviceId, clientIssuer, items, receivedAt);
        if (prepared.Count == 0)
        {
            return 0;
        }

        // One statement: atomic and committed on return (autocommit).
        using var insert = dataSource.CreateCommand(
            """
            INSERT INTO feedback (item_key, service_id, client_issuer, card_uuid, outcome, accepted_suggestions, reason_system, reason_code, has_user_comment, outcome_at, received_at)
            SELECT t.item_key, t.service_id, t.client_issuer, t.card_uuid, t.outcome, t.accepted_suggestions, t.reason_system, t.reason_code, t.has_user_comment, t.outcome_at, t.received_at
            FROM unnest(@item_key, @service_id, @client_issuer, @card_uuid, @outcome, @accepted_suggestions, @reason_system, @reason_code, @has_user_comment, @outcome_at, @received_at)
                 WITH ORDINALITY AS t(item_key, service_id, client_issuer, card_uuid, outcome, accepted_suggestions, reason_system, reason_code, has_user_comment, outcome_at, received_at, ord)
            ORDER BY t.ord
            ON CONFLICT (item_key) DO NOTHING
            """);
        AddTextArray(insert, "item_key", prepared.Select(f => f.Key));
        AddTextArray(insert, "service_id", prepared.Select(f => f.ServiceId));
        AddTextArray(insert, "client_issuer", prepared.Select(f => f.ClientIssuer));
        AddTextArray(insert, "card_uuid", prepared.Select(f => f.CardUuid));
        AddTextArray(insert, "outcome", prepared.Select(f => f.Outcome));
        AddTextArray(insert, "accepted_suggestions", prepared.Select(f => f.AcceptedSuggestionsJson));
        AddTextArray(insert, "reason_system", prepared.Select(f => f.ReasonSystem));
        AddTextArray(insert, "reason_code", prepared.Select(f => f.ReasonCode));
        insert.Parameters.Add(new NpgsqlParameter<bool[]>("has_user_comment", NpgsqlDbType.Array | NpgsqlDbType.Boolean)
        {
            TypedValue = prepared.Select(f => f.HasUserComment).ToArray(),
        });
        insert.Parameters.Add(new NpgsqlParameter<DateTime[]>("outcome_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            TypedValue = prepared.Select(f => f.OutcomeAtUtc).ToArray(),
        });
        insert.Parameters.Add(new NpgsqlParameter<DateTime[]>("received_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            TypedValue = prepared.Select(f => f.ReceivedAtUtc).ToArray(),
        });
        return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Computed in SQL in one read-only repeatable-read transaction (a consistent snapshot). Rules: <see cref="AnalyticsAssembler"/>.</remarks>
    public async Task<CardAnalytics> GetAnalyticsAsync(AnalyticsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var from = StoreTime.ToUtc(query.From);
        var to = StoreTime.ToUtc(query.To);
        var daily = new List<DailyRow>();
        var reasons = new List<ReasonRow>();
        long unmatched;

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
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
                                reader.GetFieldValue<DateOnly>(2),
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
                                reader.GetBoolean(4),
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
        }

        return AnalyticsAssembler.Build(query, daily, reasons, unmatched);
    }

    /// <inheritdoc />
    public async Task<PurgeResult> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var cutoff = StoreTime.ToUtc(olderThan);
        PurgeResult result;
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var command = new NpgsqlCommand(
                    "DELETE FROM issued_card_suggestions WHERE card_uuid IN (SELECT card_uuid FROM issued_cards WHERE issued_at < @cutoff)",
                    connection,
                    transaction);
                command.Parameters.Add(new NpgsqlParameter<DateTime>("cutoff", NpgsqlDbType.TimestampTz) { TypedValue = cutoff });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                command.CommandText = "DELETE FROM issued_cards WHERE issued_at < @cutoff";
                long cards = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                command.CommandText = "DELETE FROM feedback WHERE received_at < @cutoff";
                long feedback = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                result = new PurgeResult(cards, feedback);
            }
        }

        StoreLog.Purged(logger, Engine, result.IssuedCardsRemoved, result.FeedbackRemoved);
        return result;
    }

    /// <inheritdoc />
    public async Task<byte[]> GetOrCreateHashKeyAsync(CancellationToken cancellationToken)
    {
        var existing = await ReadHashKeyAsync(cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing;
        }

        // Insert-if-absent: a concurrent inserter of the same key waits for the first and then does nothing,
        // so the read that follows sees the one key every replica uses.
        using (var insert = dataSource.CreateCommand("INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING"))
        {
            insert.Parameters.Add(new NpgsqlParameter<string>("key", NpgsqlDbType.Text) { TypedValue = TableNames.PatientHashKey });
            insert.Parameters.Add(new NpgsqlParameter<byte[]>("value", NpgsqlDbType.Bytea)
            {
                TypedValue = RandomNumberGenerator.GetBytes(TableNames.PatientHashKeyBytes),
            });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await ReadHashKeyAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The patient hash key was not stored.");
    }

    /// <inheritdoc />
    Task IFeedbackStoreDiagnostics.MigrateToAsync(int targetVersion, CancellationToken cancellationToken) =>
        MigrateAsync(targetVersion, cancellationToken);

    /// <inheritdoc />
    async Task<IReadOnlyDictionary<string, long>> IFeedbackStoreDiagnostics.CountRowsAsync(CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand(
            """
            SELECT (SELECT COUNT(*) FROM schema_version), (SELECT COUNT(*) FROM issued_cards),
                   (SELECT COUNT(*) FROM issued_card_suggestions), (SELECT COUNT(*) FROM feedback), (SELECT COUNT(*) FROM meta)
            """);
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

    /// <inheritdoc />
    async Task<IReadOnlyList<string>> IFeedbackStoreDiagnostics.ListIndexesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        using var command = dataSource.CreateCommand(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE 'ix!_%' ESCAPE '!' ORDER BY indexname");
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        return names;
    }

    /// <summary>Disposes the data source if the store created it.</summary>
    public void Dispose()
    {
        if (ownsDataSource)
        {
            dataSource.Dispose();
        }
    }

    /// <summary>Disposes the data source if the store created it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (ownsDataSource)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void AddTextArray(NpgsqlCommand command, string name, IEnumerable<string?> values) =>
        command.Parameters.Add(new NpgsqlParameter<string?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values.ToArray() });

    private static NpgsqlCommand WindowCommand(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, DateTime from, DateTime to, string? serviceId)
    {
#pragma warning disable CA2100 // sql is one of this class's constants
        var command = new NpgsqlCommand(sql, connection, transaction);
#pragma warning restore CA2100
        command.Parameters.Add(new NpgsqlParameter<DateTime>("from", NpgsqlDbType.TimestampTz) { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("to", NpgsqlDbType.TimestampTz) { TypedValue = to });
        command.Parameters.Add(new NpgsqlParameter("service", NpgsqlDbType.Text) { Value = (object?)serviceId ?? DBNull.Value });
        return command;
    }

    private static async Task<int> ReadSchemaVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL", connection, transaction);
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return 0;
        }

        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<byte[]?> ReadHashKeyAsync(CancellationToken cancellationToken)
    {
        using var command = dataSource.CreateCommand("SELECT value FROM meta WHERE key = @key");
        command.Parameters.Add(new NpgsqlParameter<string>("key", NpgsqlDbType.Text) { TypedValue = TableNames.PatientHashKey });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Migration SQL is compile-time constant text from FeedbackSchema.")]
    private async Task MigrateAsync(int targetVersion, CancellationToken cancellationToken)
    {
        FeedbackSchema.CheckTarget(targetVersion);
        var applied = new List<SchemaMigration>();
        int databaseVersion;

        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@lock)", connection, transaction);
                command.Parameters.Add(new NpgsqlParameter<long>("lock", NpgsqlDbType.Bigint) { TypedValue = FeedbackSchema.PostgresMigrationLockId });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                command.Parameters.Clear();

                command.CommandText = FeedbackSchema.PostgresVersionTable;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                databaseVersion = await ReadSchemaVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

                foreach (var migration in FeedbackSchema.Migrations.Where(m => m.Version > databaseVersion && m.Version <= targetVersion))
                {
                    foreach (var statement in migration.Postgres)
                    {
                        command.CommandText = statement;
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    command.CommandText = "INSERT INTO schema_version (version, description) VALUES (@version, @description)";
                    command.Parameters.Add(new NpgsqlParameter<int>("version", NpgsqlDbType.Integer) { TypedValue = migration.Version });
                    command.Parameters.Add(new NpgsqlParameter<string>("description", NpgsqlDbType.Text) { TypedValue = migration.Description });
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    command.Parameters.Clear();
                    applied.Add(migration);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
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
}
