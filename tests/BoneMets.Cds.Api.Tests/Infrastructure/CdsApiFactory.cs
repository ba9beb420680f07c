using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BoneMets.Cds.Api.Tests.Infrastructure;

/// <summary>
/// The real host in memory, evaluated at the sample anchor (2026-11-29T12:00Z) with a fake clock, environment "Testing".
/// Extra configuration can be passed for a test's own host. Unless a test names one, each factory stores feedback and
/// the issued-card log in its own temporary data directory, deleted on disposal.
/// <para>
/// Security is on, as in production: the host trusts the test EHR (<see cref="TestEhr"/>: ES384, key set from a file)
/// with public base URL <see cref="TestEhr.PublicBaseUrl"/>. Unless <c>signRequests</c> is false, a request to
/// <c>/cds-services/**</c> that carries no <c>Authorization</c> header gets a fresh token from the test EHR before the
/// host sees it (aud = the public URL of the path, iat = <see cref="Clock"/>, new jti), so every test also runs the real
/// JWT verification. Security tests switch that off and send their own headers.
/// </para>
/// </summary>
public sealed class CdsApiFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Anchor = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private const string DataDirectoryKey = "Cds:Feedback:DataDirectory";

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _environment;
    private readonly bool _signRequests;
    private readonly IPAddress? _remoteAddress;
    private readonly bool _trustTestEhr;
    private readonly string? _ownDataDirectory;

    public CdsApiFactory()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <param name="settings">Host configuration (added after the test EHR's, so a test can override it).</param>
    /// <param name="environment">Host environment.</param>
    /// <param name="signRequests">Give unsigned <c>/cds-services</c> requests a valid test-EHR token.</param>
    /// <param name="remoteAddress">The client address the host sees (the in-memory server has none by default).</param>
    /// <param name="trustTestEhr">Add <see cref="TestEhrSettings"/> (the test EHR at <c>Cds:Clients:0</c> and
    /// <c>Cds:PublicBaseUrl</c>); false leaves both to <paramref name="settings"/> (start-up refusal tests).</param>
    internal CdsApiFactory(
        IReadOnlyDictionary<string, string?> settings,
        string environment = "Testing",
        bool signRequests = true,
        IPAddress? remoteAddress = null,
        bool trustTestEhr = true)
    {
        if (!settings.ContainsKey(DataDirectoryKey))
        {
            _ownDataDirectory = Path.Combine(Path.GetTempPath(), "bonemets-data-" + Guid.NewGuid().ToString("N"));
            settings = new Dictionary<string, string?>(settings) { [DataDirectoryKey] = _ownDataDirectory };
        }

        _settings = settings;
        _environment = environment;
        _signRequests = signRequests;
        _remoteAddress = remoteAddress;
        _trustTestEhr = trustTestEhr;
    }

    public FakeTimeProvider Clock { get; } = new(Anchor);

    /// <summary>Settings that trust the test EHR (index 0 of <c>Cds:Clients</c>).</summary>
    public static IReadOnlyDictionary<string, string?> TestEhrSettings { get; } = new Dictionary<string, string?>
    {
        ["Cds:PublicBaseUrl"] = TestEhr.PublicBaseUrl,
        ["Cds:Clients:0:Issuer"] = TestEhr.Issuer,
        ["Cds:Clients:0:JwksFile"] = TestEhr.JwksFile,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _trustTestEhr ? TestEhrSettings : new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        var sign = _signRequests;
        var address = _remoteAddress;
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IStartupFilter>(new TestClientFilter(sign, address, Clock));
        });
    }

    /// <summary>Runs before the host's own middleware: sets the client address and signs unsigned calls.</summary>
    private sealed class TestClientFilter(bool sign, IPAddress? address, TimeProvider clock) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (address is not null)
                {
                    context.Connection.RemoteIpAddress = address;
                }

                if (sign
                    && context.Request.Path.StartsWithSegments("/cds-services")
                    && !HttpMethods.IsOptions(context.Request.Method)
                    && !context.Request.Headers.ContainsKey("Authorization"))
                {
                    context.Request.Headers.Authorization = "Bearer " + TestEhr.TokenFor(context.Request.Path.Value!, clock.GetUtcNow());
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownDataDirectory is not null && Directory.Exists(_ownDataDirectory))
        {
            Directory.Delete(_ownDataDirectory, recursive: true);
        }
    }
}
