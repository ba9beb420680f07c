using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace BoneMets.Cds.Api.Feedback;

/// <summary>
/// Configuration section <c>Cds:Feedback</c>: where feedback and the issued-card log are stored and for how long.
/// Validated at start-up. The engine is SQLite under <see cref="DataDirectory"/> unless
/// <c>ConnectionStrings:Feedback</c> names a PostgreSQL database.
/// </summary>
public sealed class FeedbackOptions
{
    public const string Section = "Cds:Feedback";

    /// <summary>Name of the connection string (<c>ConnectionStrings:Feedback</c>) that switches the store to PostgreSQL.</summary>
    public const string ConnectionStringName = "Feedback";

    /// <summary>Folder for the SQLite database (<c>feedback.db</c>). Relative paths are under the content root. Default <c>data</c>.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Record every returned card in the issued-card log (off the request path). Default true.</summary>
    public bool IssuedCardLog { get; set; } = true;

    /// <summary>Issued cards waiting to be written; when full, new cards are dropped and counted. Default 10,000.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Largest batch of issued cards written in one transaction. Default 256.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// How long the issued-card writer lets a batch gather before writing it (a full batch is written at once). Default
    /// 200 ms: under load, a few transactions per second instead of one per hook call.
    /// </summary>
    public TimeSpan FlushDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Issued cards and feedback older than this many days are purged. Default 365.</summary>
    [Range(1, 36_500)]
    public int RetentionDays { get; set; } = 365;

    /// <summary>How often the retention purge runs (it also runs at start-up). Default 1 hour.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Key (base64, at least 32 bytes) for the keyed hash of patient ids in the issued-card log. Unset: a key is created
    /// once and kept in the database, so every replica on the same database hashes alike.
    /// </summary>
    public string? PatientHashKey { get; set; }

    /// <summary>The decoded <see cref="PatientHashKey"/>, or null when unset (call after validation).</summary>
    public byte[]? DecodedPatientHashKey() =>
        string.IsNullOrEmpty(PatientHashKey) ? null : Convert.FromBase64String(PatientHashKey);
}

/// <summary>Start-up validation of <c>Cds:Feedback</c> beyond data annotations; the message names the key, never its value.</summary>
public sealed class FeedbackOptionsValidator : IValidateOptions<FeedbackOptions>
{
    public ValidateOptionsResult Validate(string? name, FeedbackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var faults = new List<string>();
        if (options.FlushDelay < TimeSpan.Zero || options.FlushDelay > TimeSpan.FromSeconds(5))
        {
            faults.Add("Cds:Feedback:FlushDelay must be between 00:00:00 and 00:00:05.");
        }

        if (options.PurgeInterval < TimeSpan.FromMinutes(1) || options.PurgeInterval > TimeSpan.FromDays(7))
        {
            faults.Add("Cds:Feedback:PurgeInterval must be between 00:01:00 and 7.00:00:00.");
        }

        if (!string.IsNullOrEmpty(options.PatientHashKey))
        {
            var buffer = new byte[options.PatientHashKey.Length];
            if (!Convert.TryFromBase64String(options.PatientHashKey, buffer, out var length) || length < 32)
            {
                faults.Add("Cds:Feedback:PatientHashKey must be base64 of at least 32 bytes.");
            }
        }

        return faults.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(faults);
    }
}

/// <summary>Configuration section <c>Cds:Admin</c>: access to the analytics endpoint.</summary>
public sealed class AdminOptions
{
    public const string Section = "Cds:Admin";

    /// <summary>
    /// Key an informatics client sends in <c>X-Api-Key</c> to read <c>GET /admin/analytics/cards</c>. Unset (default):
    /// the endpoint is disabled (404). At least <see cref="MinimumKeyLength"/> characters.
    /// </summary>
    public string? ApiKey { get; set; }

    public const int MinimumKeyLength = 16;

    /// <summary>Unset and empty both disable analytics; a set key must be long enough to resist guessing.</summary>
    public bool IsValid() => string.IsNullOrEmpty(ApiKey) || (ApiKey.Length >= MinimumKeyLength && !string.IsNullOrWhiteSpace(ApiKey));
}
