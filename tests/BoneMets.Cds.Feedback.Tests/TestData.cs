using System.Globalization;

namespace BoneMets.Cds.Feedback.Tests;

/// <summary>Builders for cards and feedback, and a readable rendering of analytics for comparisons.</summary>
internal static class TestData
{
    public const string PatientView = "bone-metastasis-patient-view";
    public const string OrderSelect = "bone-metastasis-order-select";
    public const string ReasonSystem = "http://bonemets.example.org/override-reason";
    public const string OtherReasonSystem = "http://terminology.example.org/other-reasons";

    /// <summary>The verified issuer of the EHR <see cref="Card"/> issues to by default.</summary>
    public const string Ehr = "https://ehr.example.org";

    /// <summary>Another trusted EHR.</summary>
    public const string OtherEhr = "https://other-ehr.example.org";

    /// <summary>A UTC instant in March 2025.</summary>
    public static DateTimeOffset March(int day, int hour, int minute = 0, int second = 0) =>
        new(2025, 3, day, hour, minute, second, TimeSpan.Zero);

    public static IssuedCard Card(string uuid, string topic, string indicator, DateTimeOffset issuedAt, string service = PatientView, int suggestions = 1, string? issuer = Ehr) =>
        new(
            uuid,
            service,
            topic,
            indicator,
            RuleId: "R1",
            DefinitionsVersion: "defs-1",
            issuedAt,
            Enumerable.Range(1, suggestions).Select(i => $"{uuid}-s{i}").ToList(),
            PatientKey: "ab12cd",
            ClientIssuer: issuer);

    public static FeedbackItem Accept(string uuid, DateTimeOffset at, params string[] suggestions) =>
        new(uuid, FeedbackOutcome.Accepted, suggestions.Length == 0 ? [$"{uuid}-s1"] : suggestions, null, null, false, at);

    public static FeedbackItem Override(string uuid, DateTimeOffset at, string? system, string? code, bool comment) =>
        new(uuid, FeedbackOutcome.Overridden, [], system, code, comment, at);

    /// <summary>One line per group, with every number: what the analytics assertions compare.</summary>
    public static string Describe(IReadOnlyList<CardGroupStats> groups) =>
        string.Join(
            "\n",
            groups.Select(g =>
                $"{g.TopicCode}/{g.Indicator} shown={g.Shown} accepted={g.Accepted} overridden={g.Overridden} " +
                $"rate={g.AcceptanceRate.ToString("R", CultureInfo.InvariantCulture)} " +
                $"reasons=[{string.Join("; ", g.OverrideReasons.Select(r => $"{r.System ?? "null"} {r.Code ?? "null"} commentOnly={r.CommentOnly} n={r.Count}"))}] " +
                $"daily=[{string.Join("; ", g.Daily.Select(d => $"{d.Day:yyyy-MM-dd} {d.Shown}/{d.Accepted}/{d.Overridden}"))}]"));

    public static CardGroupStats Group(
        string topic,
        string indicator,
        long shown,
        long accepted,
        long overridden,
        double rate,
        OverrideReasonCount[] reasons,
        params DailyCardStats[] daily) =>
        new(topic, indicator, shown, accepted, overridden, rate, reasons, daily);

    public static DailyCardStats Day(int marchDay, long shown, long accepted, long overridden) =>
        new(new DateOnly(2025, 3, marchDay), shown, accepted, overridden);

    public static OverrideReasonCount Reason(string? system, string? code, bool commentOnly, long count) =>
        new(system, code, commentOnly, count);
}
