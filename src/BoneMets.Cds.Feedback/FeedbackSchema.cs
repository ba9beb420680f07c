namespace BoneMets.Cds.Feedback;

/// <summary>One forward-only schema step, with its SQL for each engine.</summary>
/// <param name="Version">Version the database is at once this step has run (1, 2, …, no gaps).</param>
/// <param name="Description">Recorded in <c>schema_version</c>.</param>
/// <param name="Sqlite">Statements for SQLite, run in order inside the migration transaction.</param>
/// <param name="Postgres">Statements for PostgreSQL, run in order inside the migration transaction.</param>
internal sealed record SchemaMigration(int Version, string Description, IReadOnlyList<string> Sqlite, IReadOnlyList<string> Postgres);

/// <summary>
/// The feedback store's schema, as numbered, forward-only migrations. <c>schema_version</c> holds one row per applied
/// step; the database's version is its highest <c>version</c>. Never edit a released step: append a new one.
/// </summary>
/// <remarks>
/// Tables (v1):
/// <list type="bullet">
/// <item><c>issued_cards</c>: one row per card uuid (first recording wins); <c>issued_at</c> UTC.</item>
/// <item><c>issued_card_suggestions</c>: the card's suggestion uuids by ordinal (deleted with the card).</item>
/// <item><c>feedback</c>: one row per distinct feedback item, primary key <c>item_key</c> (SHA-256 identity);
/// <c>accepted_suggestions</c> is a JSON array (sorted); the user comment's text is never stored.</item>
/// <item><c>meta</c>: key/value (bytes), e.g. the patient hash key.</item>
/// </list>
/// v2 adds the indexes the analytics, unmatched-feedback and purge queries use.
/// v3 adds <c>feedback.client_issuer</c> (nullable): the verified JWT issuer of the EHR that posted the item, null for an
/// unauthenticated Development call; rows stored before v3 keep null. Analytics join feedback to a card only when the
/// issuers match (null matches null).
/// SQLite stores instants as fixed-width ISO-8601 UTC text (<c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>, so text order is time
/// order); PostgreSQL as <c>timestamptz</c>.
/// </remarks>
internal static class FeedbackSchema
{
    public const string SqliteVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)";

    public const string PostgresVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";

    /// <summary>Advisory lock id (pg_advisory_xact_lock) serialising migrations across replicas.</summary>
    public const long PostgresMigrationLockId = 0x426F_6E65_4D65_7401; // "BoneMet" + 1

    public static readonly IReadOnlyList<SchemaMigration> Migrations =
    [
        new SchemaMigration(
            1,
            "issued cards, suggestions, feedback, meta",
            Sqlite:
            [
                """
                CREATE TABLE issued_cards (
                    card_uuid           TEXT NOT NULL PRIMARY KEY,
                    service_id          TEXT NOT NULL,
                    topic_code          TEXT NOT NULL,
                    indicator           TEXT NOT NULL,
                    rule_id             TEXT NOT NULL,
                    definitions_version TEXT NOT NULL,
                    issued_at           TEXT NOT NULL,
                    patient_key         TEXT NOT NULL,
                    client_issuer       TEXT NULL
                )
                """,
                """
                CREATE TABLE issued_card_suggestions (
                    card_uuid       TEXT NOT NULL REFERENCES issued_cards (card_uuid) ON DELETE CASCADE,
                    ordinal         INTEGER NOT NULL,
                    suggestion_uuid TEXT NOT NULL,
                    PRIMARY KEY (card_uuid, ordinal)
                )
                """,
                """
                CREATE TABLE feedback (
                    item_key             TEXT NOT NULL PRIMARY KEY,
                    service_id           TEXT NOT NULL,
                    card_uuid            TEXT NOT NULL,
                    outcome              TEXT NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
                    accepted_suggestions TEXT NOT NULL,
                    reason_system        TEXT NULL,
                    reason_code          TEXT NULL,
                    has_user_comment     INTEGER NOT NULL CHECK (has_user_comment IN (0, 1)),
                    outcome_at           TEXT NOT NULL,
                    received_at          TEXT NOT NULL
                )
                """,
                "CREATE TABLE meta (key TEXT NOT NULL PRIMARY KEY, value BLOB NOT NULL)",
            ],
            Postgres:
            [
                """
                CREATE TABLE issued_cards (
                    card_uuid           text NOT NULL PRIMARY KEY,
                    service_id          text NOT NULL,
                    topic_code          text NOT NULL,
                    indicator           text NOT NULL,
                    rule_id             text NOT NULL,
                    definitions_version text NOT NULL,
                    issued_at           timestamptz NOT NULL,
                    patient_key         text NOT NULL,
                    client_issuer       text NULL
                )
                """,
                """
                CREATE TABLE issued_card_suggestions (
                    card_uuid       text NOT NULL REFERENCES issued_cards (card_uuid) ON DELETE CASCADE,
                    ordinal         integer NOT NULL,
                    suggestion_uuid text NOT NULL,
                    PRIMARY KEY (card_uuid, ordinal)
                )
                """,
                """
                CREATE TABLE feedback (
                    item_key             text NOT NULL PRIMARY KEY,
                    service_id           text NOT NULL,
                    card_uuid            text NOT NULL,
                    outcome              text NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
                    accepted_suggestions text NOT NULL,
                    reason_system        text NULL,
                    reason_code          text NULL,
                    has_user_comment     boolean NOT NULL,
                    outcome_at           timestamptz NOT NULL,
                    received_at          timestamptz NOT NULL
                )
                """,
                "CREATE TABLE meta (key text NOT NULL PRIMARY KEY, value bytea NOT NULL)",
            ]),
        new SchemaMigration(
            2,
            "indexes for analytics, unmatched feedback and purge",
            Sqlite:
            [
                "CREATE INDEX ix_issued_cards_issued_at ON issued_cards (issued_at)",
                "CREATE INDEX ix_issued_cards_service_issued_at ON issued_cards (service_id, issued_at)",
                "CREATE INDEX ix_feedback_card_uuid ON feedback (card_uuid, outcome)",
                "CREATE INDEX ix_feedback_received_at ON feedback (received_at)",
            ],
            Postgres:
            [
                "CREATE INDEX ix_issued_cards_issued_at ON issued_cards (issued_at)",
                "CREATE INDEX ix_issued_cards_service_issued_at ON issued_cards (service_id, issued_at)",
                "CREATE INDEX ix_feedback_card_uuid ON feedback (card_uuid, outcome)",
                "CREATE INDEX ix_feedback_received_at ON feedback (received_at)",
            ]),
        new SchemaMigration(
            3,
            "feedback.client_issuer: the verified issuer of the EHR that posted the item",
            Sqlite:
            [
                "ALTER TABLE feedback ADD COLUMN client_issuer TEXT NULL",
            ],
            Postgres:
            [
                "ALTER TABLE feedback ADD COLUMN client_issuer text NULL",
            ]),
    ];

    public static int LatestVersion => Migrations[^1].Version;

    public static void CheckTarget(int targetVersion)
    {
        if (targetVersion < 1 || targetVersion > LatestVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(targetVersion), targetVersion, $"Schema versions run from 1 to {LatestVersion}.");
        }
    }
}
