using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BoneMets.Cds.Api.Tests.Infrastructure;

/// <summary>
/// The real host in memory, evaluated at the sample anchor (2026-11-29T12:00Z) with a fake clock, environment "Testing".
/// Extra configuration can be passed for a test's own host.
/// </summary>
public sealed class CdsApiFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Anchor = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _environment;

    public CdsApiFactory()
        : this(new Dictionary<string, string?>())
    {
    }

    internal CdsApiFactory(IReadOnlyDictionary<string, string?> settings, string environment = "Testing")
    {
        _settings = settings;
        _environment = environment;
    }

    public FakeTimeProvider Clock { get; } = new(Anchor);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}
