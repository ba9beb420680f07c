using System.Collections.Concurrent;
using System.Text.Json;
using BoneMets.Cds.Fhir.Fetch;
using BoneMets.Cds.Fhir.Prefetch;
using BoneMets.Cds.Fhir.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace BoneMets.Cds.Fhir.Tests.Fetch;

/// <summary>
/// WireMock as the EHR's FHIR server (base <c>{url}/fhir</c>) plus a real service provider built with
/// <c>AddEhrFhirFetch</c>; every log line of every category is captured.
/// </summary>
internal sealed class FetchHarness : IDisposable
{
    public const string Token = "tok-7f3a9c-secret";
    public const string FhirContentType = "application/fhir+json";

    private readonly ServiceProvider _services;

    private FetchHarness(WireMockServer server, ServiceProvider services, LogSink logs)
    {
        Server = server;
        _services = services;
        Logs = logs;
        Fetcher = services.GetRequiredService<IEhrDataFetcher>();
    }

    public WireMockServer Server { get; }

    public string Base => Server.Url + "/fhir";

    public Uri BaseUri => new(Base);

    public IEhrDataFetcher Fetcher { get; }

    public LogSink Logs { get; }

    public IHttpClientFactory HttpClientFactory => _services.GetRequiredService<IHttpClientFactory>();

    /// <summary>Short budgets so the suite stays fast; breakers effectively off unless a test turns them on.</summary>
    public static FetchHarness Start(Action<FhirFetchOptions>? configure = null, bool isDevelopment = true, bool isProduction = false)
    {
        _ = WarmedUp.Value;
        var server = WireMockServer.Start();
        var logs = new LogSink();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddSingleton(Fixtures.Catalog);
        services.Configure<FhirFetchOptions>(o =>
        {
            o.AllowedServers = [server.Url + "/fhir"];
            o.TotalBudget = TimeSpan.FromSeconds(1.5);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(800);
            o.MaxRetries = 2;
            o.BreakerMinimumThroughput = 1000;
            configure?.Invoke(o);
        });
        services.AddEhrFhirFetch(isDevelopment, isProduction);
        return new FetchHarness(server, services.BuildServiceProvider(), logs);
    }

    /// <summary>
    /// One fetch per test process before any measured one: the first request through WireMock, Kestrel, Polly and the
    /// Firely client is JIT-bound (hundreds of ms on a busy 2-core box) and would eat a short attempt timeout.
    /// </summary>
    private static readonly Lazy<bool> WarmedUp = new(() =>
    {
        System.Threading.Tasks.Task.Run(async () =>
        {
            using var server = WireMockServer.Start();
            server.Given(Get("/fhir/Patient/p1")).RespondWith(
                Response.Create().WithStatusCode(200).WithHeader("Content-Type", FhirContentType).WithBody(Fixtures.Patient()));
            var services = new ServiceCollection();
            services.AddLogging();
            services.Configure<FhirFetchOptions>(o =>
            {
                o.AllowedServers = [server.Url + "/fhir"];
                o.TotalBudget = TimeSpan.FromSeconds(30);
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
            });
            services.AddEhrFhirFetch(isDevelopment: true, isProduction: false);
            using var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<IEhrDataFetcher>()
                .FillAsync(Snapshot(missing: ["patient"]), new Uri(server.Url + "/fhir"), Token, CancellationToken.None);
            server.Stop();
        }).GetAwaiter().GetResult();
        return true;
    });

    public IReadOnlyList<ILogEntry> Received => Server.LogEntries.ToList();

    /// <summary>Requests WireMock received for a path.</summary>
    public IReadOnlyList<ILogEntry> ReceivedOn(string path) =>
        Server.LogEntries.Where(e => e.RequestMessage?.Path == path).ToList();

    public void Serve(string path, string body, int status = 200, string contentType = FhirContentType, IDictionary<string, string>? parameters = null) =>
        Server.Given(Get(path, parameters))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body));

    public static IRequestBuilder Get(string path, IDictionary<string, string>? parameters = null)
    {
        var request = Request.Create().WithPath(path).UsingGet();
        foreach (var (name, value) in parameters ?? new Dictionary<string, string>())
        {
            request = request.WithParam(name, value);
        }

        return request;
    }

    /// <summary>
    /// A judged prefetch: every key holds JSON <c>null</c> ("no data", never fetched) except the <paramref name="missing"/>
    /// keys (absent: not satisfied) and the <paramref name="values"/> given.
    /// </summary>
    public static PrefetchSnapshot Snapshot(
        string[] missing,
        IReadOnlyDictionary<string, string>? values = null,
        string patientId = Fixtures.PatientId)
    {
        var prefetch = new Dictionary<string, JsonElement>();
        foreach (var key in PatientDataTemplates.Keys.Select(PatientDataTemplates.NameOf))
        {
            if (missing.Contains(key))
            {
                continue;
            }

            prefetch[key] = values is not null && values.TryGetValue(key, out var json) ? Fixtures.Json(json) : Fixtures.Json("null");
        }

        return new PatientDataReader(Fixtures.Templates, Fixtures.Catalog).ReadPrefetch(prefetch, patientId);
    }

    public static string Page(string? next, params string[] resources)
    {
        var links = next is null ? "" : $$""","link":[{"relation":"self","url":"x"},{"relation":"next","url":"{{next}}"}]""";
        var entries = string.Join(",", resources.Select(r => $$$"""{"resource":{{{r}}},"search":{"mode":"match"}}"""));
        return $$"""{"resourceType":"Bundle","type":"searchset"{{links}},"entry":[{{entries}}]}""";
    }

    public static string BreastCancer(string id, string patient = Fixtures.PatientId) =>
        Fixtures.Condition(id, Fixtures.Coding(Fixtures.Snomed, "254837009"), subject: "Patient/" + patient);

    public void Dispose()
    {
        _services.Dispose();
        Server.Stop();
        Server.Dispose();
    }

    /// <summary>Collects every formatted log message (all categories, all levels).</summary>
    internal sealed class LogSink : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => _lines.ToArray();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}"))
                    : "";
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{structured}] {exception}");
            }
        }
    }
}
