using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BoneMets.Cds.Feedback;

/// <summary>
/// Time normalisation shared by both engines. Every instant is converted to UTC and truncated to whole microseconds
/// (PostgreSQL's <c>timestamptz</c> resolution) before it is stored, hashed or compared, so the engines agree exactly
/// on window boundaries and idempotency.
/// </summary>
internal static class StoreTime
{
    /// <summary>Text form used by SQLite: fixed width, so text order is time order.</summary>
    private const string SqliteFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'";

    public static DateTime ToUtc(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);
    }

    public static string ToSqliteText(DateTime utc) => utc.ToString(SqliteFormat, CultureInfo.InvariantCulture);

    public static string ToSqliteText(DateTimeOffset value) => ToSqliteText(ToUtc(value));

    public static DateOnly ParseDay(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>An issued card as stored: UTC time, batch order kept for "first wins".</summary>
internal sealed record StoredCard(IssuedCard Card, DateTime IssuedAtUtc)
{
    /// <summary>
    /// Validates, normalises and removes repeated card uuids (the first occurrence wins), then orders by uuid so that
    /// concurrent writers take row locks in the same order (no deadlocks between replicas).
    /// </summary>
    public static List<StoredCard> Prepare(IReadOnlyList<IssuedCard> cards)
    {
        ArgumentNullException.ThrowIfNull(cards);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<StoredCard>(cards.Count);
        foreach (var card in cards)
        {
            ArgumentNullException.ThrowIfNull(card);
            ArgumentException.ThrowIfNullOrEmpty(card.CardUuid);
            ArgumentException.ThrowIfNullOrEmpty(card.ServiceId);
            ArgumentNullException.ThrowIfNull(card.TopicCode);
            ArgumentNullException.ThrowIfNull(card.Indicator);
            ArgumentNullException.ThrowIfNull(card.RuleId);
            ArgumentNullException.ThrowIfNull(card.DefinitionsVersion);
            ArgumentNullException.ThrowIfNull(card.PatientKey);
            ArgumentNullException.ThrowIfNull(card.SuggestionUuids);
            if (seen.Add(card.CardUuid))
            {
                result.Add(new StoredCard(card, StoreTime.ToUtc(card.IssuedAt)));
            }
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Card.CardUuid, b.Card.CardUuid));
        return result;
    }
}

/// <summary>
/// A feedback item as stored, with its identity <see cref="Key"/>: lower-case hex SHA-256 of
/// <c>"bonemets.cds.feedback-item.v1" ‖ str(service id) ‖ str(card uuid) ‖ str(outcome) ‖ int64be(outcome timestamp as
/// UTC ticks truncated to microseconds) ‖ int64be(n) ‖ str(suggestion)×n ‖ str(reason system) ‖ str(reason code) ‖
/// byte(has user comment) [‖ str(client issuer)]</c>, where str(x) = 0x01 ‖ int32be(UTF-8 length) ‖ UTF-8 and
/// str(null) = 0x00, and the accepted suggestion ids are sorted ordinally without repeats. The trailing
/// str(client issuer) is appended only when the issuer is not null, so the keys of items stored without an issuer
/// (before schema v3, or from an unauthenticated Development call) are unchanged, while the same item from two issuers
/// has two identities (every field before it is self-delimiting, so the encoding stays unambiguous). The received time
/// is not part of the identity. Changing this encoding would make already-stored items look new: it is pinned by a test.
/// </summary>
internal sealed record StoredFeedback(
    string Key,
    string ServiceId,
    string? ClientIssuer,
    string CardUuid,
    string Outcome,
    string AcceptedSuggestionsJson,
    string? ReasonSystem,
    string? ReasonCode,
    bool HasUserComment,
    DateTime OutcomeAtUtc,
    DateTime ReceivedAtUtc)
{
    public const string Accepted = "accepted";
    public const string Overridden = "overridden";

    private static readonly byte[] Domain = Encoding.UTF8.GetBytes("bonemets.cds.feedback-item.v1");

    public static StoredFeedback From(string serviceId, string? clientIssuer, FeedbackItem item, DateTimeOffset receivedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentException.ThrowIfNullOrEmpty(item.CardUuid);
        ArgumentNullException.ThrowIfNull(item.AcceptedSuggestions);
        var outcome = item.Outcome switch
        {
            FeedbackOutcome.Accepted => Accepted,
            FeedbackOutcome.Overridden => Overridden,
            _ => throw new ArgumentException($"Unknown feedback outcome {item.Outcome}.", nameof(item)),
        };

        var suggestions = item.AcceptedSuggestions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var outcomeAt = StoreTime.ToUtc(item.OutcomeTimestamp);
        var key = ComputeKey(serviceId, item.CardUuid, outcome, outcomeAt, suggestions, item.OverrideReasonSystem, item.OverrideReasonCode, item.HasUserComment, clientIssuer);
        return new StoredFeedback(
            key,
            serviceId,
            clientIssuer,
            item.CardUuid,
            outcome,
            JsonSerializer.Serialize(suggestions, StoreJsonContext.Default.StringArray),
            item.OverrideReasonSystem,
            item.OverrideReasonCode,
            item.HasUserComment,
            outcomeAt,
            StoreTime.ToUtc(receivedAt));
    }

    /// <summary>
    /// Normalises a batch, drops items repeated within it and orders by key (a fixed lock order for concurrent writers).
    /// </summary>
    public static List<StoredFeedback> Prepare(string serviceId, string? clientIssuer, IReadOnlyList<FeedbackItem> items, DateTimeOffset receivedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        ArgumentNullException.ThrowIfNull(items);
        var byKey = new Dictionary<string, StoredFeedback>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var stored = From(serviceId, clientIssuer, item, receivedAt);
            byKey.TryAdd(stored.Key, stored);
        }

        var result = byKey.Values.ToList();
        result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    internal static string ComputeKey(
        string serviceId,
        string cardUuid,
        string outcome,
        DateTime outcomeAtUtc,
        IReadOnlyList<string> sortedSuggestions,
        string? reasonSystem,
        string? reasonCode,
        bool hasUserComment,
        string? clientIssuer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Domain);
        AppendString(hash, serviceId);
        AppendString(hash, cardUuid);
        AppendString(hash, outcome);
        AppendInt64(hash, outcomeAtUtc.Ticks);
        AppendInt64(hash, sortedSuggestions.Count);
        foreach (var suggestion in sortedSuggestions)
        {
            AppendString(hash, suggestion);
        }

        AppendString(hash, reasonSystem);
        AppendString(hash, reasonCode);
        hash.AppendData([hasUserComment ? (byte)1 : (byte)0]);
        if (clientIssuer is not null)
        {
            AppendString(hash, clientIssuer); // only when present: keys of issuer-less items stay as they were
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AppendString(IncrementalHash hash, string? value)
    {
        if (value is null)
        {
            hash.AppendData([0]);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> header = stackalloc byte[5];
        header[0] = 1;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], bytes.Length);
        hash.AppendData(header);
        hash.AppendData(bytes);
    }

    private static void AppendInt64(IncrementalHash hash, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        hash.AppendData(bytes);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class StoreJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
