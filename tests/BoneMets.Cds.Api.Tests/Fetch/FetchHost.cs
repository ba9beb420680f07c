using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;

namespace BoneMets.Cds.Api.Tests.Fetch;

/// <summary>
/// Fetch tests run one after the other, alone: they measure answer times against short budgets, and a parallel test
/// competing for the two cores would make those bounds flaky.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FetchSerialGroup
{
    public const string Name = "Fetch (serial, timed)";
}

/// <summary>One outgoing HTTP request the host made through <c>IHttpClientFactory</c>.</summary>
public sealed record OutboundRequest(Uri Uri, string? Authorization);

/// <summary>
/// The real host in memory (one per test, so circuit breakers never leak between tests), built on
/// <see cref="CdsApiFactory"/> with the test's <c>Cds:Fhir</c> settings and environment, plus:
/// a clock pinned at the sample anchor whose timers run in real time (the budget and retry delays are real, the
/// clinical "now" is the anchor); captured logs; and a spy on every HTTP client made by <c>IHttpClientFactory</c>,
/// which records each attempt and, as a safety net, refuses any non-loopback destination.
/// </summary>
public sealed class FetchHost : IDisposable
{
    private readonly CdsApiFactory _root;
    private readonly WebApplicationFactory<Program> _factory;
    private HttpClient? _client;

    /// <param name="settings">Host configuration.</param>
    /// <param name="environment">Host environment.</param>
    /// <param name="realServer">Run on Kestrel on a loopback port instead of the in-memory TestServer (which does not
    /// pass a client's hang-up on to <c>RequestAborted</c>).</param>
    public FetchHost(IReadOnlyDictionary<string, string?> settings, string environment = "Development", bool realServer = false)
    {
        _root = new CdsApiFactory(settings, environment);
        _factory = _root.WithWebHostBuilder(b =>
        {
            b.ConfigureLogging(l => l.AddProvider(Logs));
            b.ConfigureTestServices(s =>
            {
                s.AddSingleton<TimeProvider>(new AnchoredClock(CdsApiFactory.Anchor));
                s.ConfigureAll<HttpClientFactoryOptions>(o =>
                    o.HttpMessageHandlerBuilderActions.Add(h => h.AdditionalHandlers.Add(new RecordingHandler(Outbound))));
            });
        });
        if (realServer)
        {
            _factory.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0)); // UseKestrel(0) would still bind :5000
            _factory.StartServer();
        }
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public ConcurrentQueue<OutboundRequest> Outbound { get; } = new();

    /// <summary>The client; the first use starts the host (and throws if it refuses to start).</summary>
    public HttpClient Client => _client ??= _factory.CreateClient();

    public string AllLogs => string.Join("\n", Logs.Lines);

    /// <summary>Posts the hook request and measures the answer time (the host is started before the clock runs).</summary>
    public async Task<TimedResponse> PostAsync(JsonNode request)
    {
        var client = Client;
        var watch = Stopwatch.StartNew();
        using var response = await Hooks.PostAsync(client, request);
        var body = await response.Content.ReadAsStringAsync();
        watch.Stop();
        return new TimedResponse(response.StatusCode, body, watch.Elapsed);
    }

    public void Dispose()
    {
        _client?.Dispose();
        _factory.Dispose();
        _root.Dispose();
    }

    /// <summary>Pinned wall clock (sample anchor) with the system's timers and timestamps.</summary>
    private sealed class AnchoredClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class RecordingHandler(ConcurrentQueue<OutboundRequest> log) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri ?? new Uri("about:blank");
            log.Enqueue(new OutboundRequest(uri, request.Headers.Authorization?.ToString()));
            if (!uri.IsAbsoluteUri || !uri.IsLoopback)
            {
                throw new HttpRequestException("Test safety net: the host tried to reach a non-loopback address.");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>A hook answer with its body read and the time it took.</summary>
public sealed record TimedResponse(System.Net.HttpStatusCode Status, string Body, TimeSpan Elapsed)
{
    public string Ms => Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}

/// <summary>Builds <c>Cds:Fhir</c> settings the way an operator writes them (array indexes, TimeSpan strings).</summary>
public sealed class FetchSettings
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);
    private int _allowed;
    private int _open;

    public static FetchSettings Allow(params string[] bases)
    {
        var s = new FetchSettings();
        foreach (var b in bases)
        {
            s.AllowAlso(b);
        }

        return s;
    }

    public FetchSettings AllowAlso(string fhirBase)
    {
        _values[$"Cds:Fhir:AllowedServers:{_allowed++}"] = fhirBase;
        return this;
    }

    public FetchSettings Open(string fhirBase)
    {
        _values[$"Cds:Fhir:OpenServers:{_open++}"] = fhirBase;
        return this;
    }

    public FetchSettings Budget(string timeSpan) => Set("TotalBudget", timeSpan);

    public FetchSettings Set(string name, string value)
    {
        _values["Cds:Fhir:" + name] = value;
        return this;
    }

    public FetchSettings Raw(string key, string value)
    {
        _values[key] = value;
        return this;
    }

    public IReadOnlyDictionary<string, string?> Build() => _values;
}
