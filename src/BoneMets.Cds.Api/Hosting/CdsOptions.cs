using System.ComponentModel.DataAnnotations;

namespace BoneMets.Cds.Api.Hosting;

/// <summary>Configuration section <c>Cds</c>. Validated at start-up: a bad value stops the host.</summary>
public sealed class CdsOptions
{
    public const string Section = "Cds";

    /// <summary>Folder with the service definition, value sets and thresholds. Default: <c>cds-services</c> beside the binary.</summary>
    public string? DefinitionsDirectory { get; set; }

    /// <summary>Service definition file inside <see cref="DefinitionsDirectory"/>.</summary>
    [Required]
    public string ServiceFile { get; set; } = "bone-metastasis-patient-view.json";

    /// <summary>Largest accepted request body; larger → 413. Default 8 MiB.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Deepest accepted JSON nesting; deeper → 400. FHIR Bundles in prefetch nest about 10 deep.</summary>
    [Range(16, 256)]
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>
    /// Development only: evaluate as if "now" were this instant, so the dated samples keep firing. The host refuses to
    /// start with it outside Development.
    /// </summary>
    public DateTimeOffset? EvaluationAsOf { get; set; }

    /// <summary>
    /// OTLP endpoint (e.g. http://otel-collector:4317) for the metrics cds.hook.duration, cds.fhir.fetch.duration and
    /// cds.cards. Unset (default): no exporter.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }
}
