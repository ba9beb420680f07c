using System.Diagnostics.Metrics;

namespace BoneMets.Cds.Fhir;

/// <summary>
/// The service's metrics (System.Diagnostics.Metrics, meter <see cref="MeterName"/>): hook latency, FHIR fetch latency
/// and cards per topic. Tags carry ids and outcomes only, never patient data. Exported only when an exporter is
/// configured (Cds:Telemetry:OtlpEndpoint); otherwise an instrument with no listener costs a few nanoseconds.
/// </summary>
public static class CdsMetrics
{
    public const string MeterName = "BoneMets.Cds";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Hook call latency in ms, tagged with the service id and HTTP status.</summary>
    public static readonly Histogram<double> HookDuration =
        Meter.CreateHistogram<double>("cds.hook.duration", "ms", "Time to answer a CDS Hooks service call");

    /// <summary>Latency of fetching one prefetch key from the EHR's FHIR server, tagged with key and outcome.</summary>
    public static readonly Histogram<double> FhirFetchDuration =
        Meter.CreateHistogram<double>("cds.fhir.fetch.duration", "ms", "Time to fetch one prefetch key from the EHR's FHIR server");

    /// <summary>Cards returned, tagged with topic code and indicator.</summary>
    public static readonly Counter<long> Cards =
        Meter.CreateCounter<long>("cds.cards", "{card}", "Cards returned, by topic and indicator");
}
