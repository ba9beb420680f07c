using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using BoneMets.Cds.Api.Tests.Infrastructure;
using BoneMets.Cds.Fhir;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace BoneMets.Cds.Api.Tests.Performance;

/// <summary>Issue 6 item 4: hook latency, FHIR fetch latency and cards per topic are measured; export is opt-in.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public MetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CdsMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Hook_RecordsLatencyAndCardsPerTopic()
    {
        using var factory = new CdsApiFactory();
        using var client = factory.CreateClient();

        using var ok = await Hooks.PostAsync(client, Hooks.LoadSample("mscc-multi-card"));
        using var notFound = await Hooks.PostAsync(client, Hooks.LoadSample("mscc-multi-card"), "/cds-services/no-such-service");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Contains(_measurements, m => m.Instrument == "cds.hook.duration" && m.Value > 0
            && Equals(m.Tags["service"], "bone-metastasis-patient-view") && Equals(m.Tags["status"], 200));
        Assert.Contains(_measurements, m => m.Instrument == "cds.hook.duration"
            && Equals(m.Tags["service"], "unknown") && Equals(m.Tags["status"], 404));
        foreach (var (topic, indicator) in new[] { ("spinal-cord-compression", "critical"), ("hypercalcemia", "warning"), ("pathological-fracture", "warning") })
        {
            Assert.Contains(_measurements, m => m.Instrument == "cds.cards" && m.Value == 1
                && Equals(m.Tags["topic"], topic) && Equals(m.Tags["indicator"], indicator));
        }
    }

    [Fact]
    public void Exporter_OffByDefault_OnWhenOtlpEndpointConfigured()
    {
        using var plain = new CdsApiFactory();
        using var withOtlp = new CdsApiFactory(new Dictionary<string, string?> { ["Cds:OtlpEndpoint"] = "http://127.0.0.1:4317" });

        Assert.Null(plain.Services.GetService<MeterProvider>());
        Assert.NotNull(withOtlp.Services.GetService<MeterProvider>());
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var t in tags)
        {
            dict[t.Key] = t.Value;
        }

        _measurements.Enqueue((instrument.Name, value, dict));
    }
}
