using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Fetch;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// Security tests that measure time (JWKS timeouts, rate-limit windows) or share a server (Redis) run one after the
/// other, alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SecuritySerialGroup
{
    public const string Name = "Security (serial, timed or shared servers)";
}

/// <summary>
/// The host's clock for security tests: "now" starts at the sample anchor and moves only when a test advances it (token
/// lifetimes, JWKS cache TTL and refresh interval), while timers and timestamps are the system's, so Polly's JWKS timeout
/// and retry delay and the FHIR budget run in real time (a <c>FakeTimeProvider</c> would freeze them).
/// </summary>
public sealed class ShiftableClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>
/// The real host in memory for black-box security tests, built on <see cref="CdsApiFactory"/> with
/// <c>signRequests: false</c> (the test sends its own <c>Authorization</c> header, or none): the test EHR of the
/// factory stays trusted at <c>Cds:Clients:0</c> unless <c>trustTestEhr</c> is false; captured logs; a spy on every HTTP
/// request the host makes through <c>IHttpClientFactory</c> (JWKS and FHIR), which refuses non-loopback destinations;
/// and a <see cref="ShiftableClock"/> as the host's <see cref="TimeProvider"/>.
/// </summary>
public sealed class SecurityHost : IDisposable
{
    public const string PublicBaseUrl = TestEhr.PublicBaseUrl;
    public const string DiscoveryPath = "/cds-services";
    public const string FeedbackPath = Hooks.ServicePath + "/feedback";

    private readonly CdsApiFactory _root;
    private readonly WebApplicationFactory<Program> _factory;
    private HttpClient? _client;

    public SecurityHost(
        IReadOnlyDictionary<string, string?>? settings = null,
        string environment = "Testing",
        IPAddress? remoteAddress = null,
        bool trustTestEhr = true,
        bool realServer = false)
    {
        _root = new CdsApiFactory(settings ?? new Dictionary<string, string?>(), environment, signRequests: false, remoteAddress, trustTestEhr);
        _factory = _root.WithWebHostBuilder(b =>
        {
            b.ConfigureLogging(l => l.AddProvider(Logs));
            b.ConfigureTestServices(s =>
            {
                s.AddSingleton<TimeProvider>(Clock);
                s.ConfigureAll<HttpClientFactoryOptions>(o =>
                    o.HttpMessageHandlerBuilderActions.Add(h => h.AdditionalHandlers.Add(new OutboundSpy(Outbound))));
            });
        });
        if (realServer)
        {
            _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            _factory.StartServer();
            ServerAddress = _factory.ClientOptions.BaseAddress;
        }
    }

    /// <summary>With <c>realServer</c>: the Kestrel address (loopback, own port).</summary>
    public Uri? ServerAddress { get; }

    public ShiftableClock Clock { get; } = new(CdsApiFactory.Anchor);

    public CapturingLoggerProvider Logs { get; } = new();

    public ConcurrentQueue<OutboundRequest> Outbound { get; } = new();

    /// <summary>The client (no redirects followed); the first use starts the host and throws if it refuses to start.</summary>
    public HttpClient Client => _client ??= _factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        BaseAddress = ServerAddress ?? new Uri("http://localhost"),
    });

    public IServiceProvider Services => _factory.Services;

    public string AllLogs => string.Join("\n", Logs.Lines);

    /// <summary>Log lines of the hook endpoint: any means the call reached the service logic.</summary>
    public IReadOnlyList<string> HookLines => Logs.Lines.Where(l => l.StartsWith("BoneMets.Cds.Hooks ", StringComparison.Ordinal)).ToList();

    /// <summary>The public URL of <paramref name="path"/> (what a token's <c>aud</c> must name).</summary>
    public static string UrlOf(string path) => PublicBaseUrl + path;

    /// <summary>A token for <paramref name="path"/> issued now (host clock), changed by <paramref name="tweak"/>.</summary>
    public string Token(TestKey key, string issuer, string path = Hooks.ServicePath, Action<TokenSpec>? tweak = null) =>
        Spec(key, issuer, path, tweak).Mint();

    public TokenSpec Spec(TestKey key, string issuer, string path = Hooks.ServicePath, Action<TokenSpec>? tweak = null)
    {
        var spec = new TokenSpec { Key = key, Issuer = issuer, Audience = UrlOf(path), IssuedAt = Clock.GetUtcNow() };
        tweak?.Invoke(spec);
        return spec;
    }

    /// <summary>A valid test-EHR token for <paramref name="path"/>.</summary>
    public string TestEhrToken(string path = Hooks.ServicePath, Action<TokenSpec>? tweak = null) => Token(TestEhr.Key, TestEhr.Issuer, path, tweak);

    /// <summary>POST of a hook request (default: a patient with nothing to report, complete prefetch → 200 no cards).</summary>
    public Task<HttpResponseMessage> PostHookAsync(string? bearer, JsonNode? body = null, string path = Hooks.ServicePath, string? origin = null) =>
        SendAsync(HttpMethod.Post, path, bearer is null ? null : "Bearer " + bearer, body ?? new Infrastructure.RequestBuilder().Build(), origin);

    public Task<HttpResponseMessage> GetDiscoveryAsync(string? bearer, string? origin = null) =>
        SendAsync(HttpMethod.Get, DiscoveryPath, bearer is null ? null : "Bearer " + bearer, body: null, origin);

    public Task<HttpResponseMessage> PostFeedbackAsync(string? bearer, string path = FeedbackPath) =>
        SendAsync(HttpMethod.Post, path, bearer is null ? null : "Bearer " + bearer, FeedbackBody());

    /// <summary>Sends a request with exactly the given <c>Authorization</c> header value (null: none).</summary>
    public Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, string? authorization, JsonNode? body, string? origin = null, Action<HttpRequestMessage>? tweak = null) =>
        SendRawAsync(method, path, authorization, body?.ToJsonString(), origin, tweak);

    public async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method, string path, string? authorization, string? body, string? origin = null, Action<HttpRequestMessage>? tweak = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        }

        tweak?.Invoke(request);
        return await Client.SendAsync(request);
    }

    /// <summary>A feedback body of the sandbox's shape (the endpoint may not exist yet: only the auth outcome is asserted).</summary>
    public static JsonObject FeedbackBody() => new()
    {
        ["feedback"] = new JsonArray(new JsonObject
        {
            ["card"] = Guid.NewGuid().ToString(),
            ["outcome"] = "overridden",
            ["outcomeTimestamp"] = "2026-11-29T12:00:00Z",
        }),
    };

    /// <summary>Starts the host; returns the innermost start-up exception, or null if it started.</summary>
    public Exception? StartupFailure()
    {
        try
        {
            _ = Client;
            return null;
        }
#pragma warning disable CA1031 // any start-up failure is the outcome under test
        catch (Exception ex)
#pragma warning restore CA1031
        {
            while (ex is AggregateException or TargetInvocationException && ex.InnerException is not null)
            {
                ex = ex.InnerException!;
            }

            return ex;
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        _factory.Dispose();
        _root.Dispose();
    }

    private sealed class OutboundSpy(ConcurrentQueue<OutboundRequest> log) : DelegatingHandler
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

/// <summary>Settings as an operator writes them (array indexes, TimeSpan strings), starting from nothing.</summary>
public sealed class SecuritySettings
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);
    private int _client;

    /// <param name="firstClientIndex">1 when the factory's test EHR holds index 0 (the default), else 0.</param>
    public SecuritySettings(int firstClientIndex = 1) => _client = firstClientIndex;

    /// <summary>Adds a trusted client at the next index of <c>Cds:Clients</c> (from 1); <paramref name="extra"/> are its own keys (e.g. "Tenants:0").</summary>
    public SecuritySettings Client(string issuer, string? jwksFile = null, string? jwksUrl = null, params (string Key, string Value)[] extra)
    {
        var i = _client++;
        _values[$"Cds:Clients:{i}:Issuer"] = issuer;
        if (jwksFile is not null)
        {
            _values[$"Cds:Clients:{i}:JwksFile"] = jwksFile;
        }

        if (jwksUrl is not null)
        {
            _values[$"Cds:Clients:{i}:JwksUrl"] = jwksUrl;
        }

        foreach (var (key, value) in extra)
        {
            _values[$"Cds:Clients:{i}:{key}"] = value;
        }

        return this;
    }

    /// <summary>Sets any key.</summary>
    public SecuritySettings Set(string key, string? value)
    {
        _values[key] = value;
        return this;
    }

    public IReadOnlyDictionary<string, string?> Build() => _values;
}
