using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BoneMets.Cds.Api.Tests.Infrastructure;

/// <summary>
/// The real host in memory, evaluated at the sample anchor (2026-11-29T12:00Z) with a fake clock, environment "Testing".
/// Extra configuration can be passed for a test's own host. Unless a test names one, each factory stores feedback and
/// the issued-card log in its own temporary data directory, deleted on disposal.
/// </summary>
public sealed class CdsApiFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Anchor = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private const string DataDirectoryKey = "Cds:Feedback:DataDirectory";

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _environment;
    private readonly string? _ownDataDirectory;

    public CdsApiFactory()
        : this(new Dictionary<string, string?>())
    {
    }

    internal CdsApiFactory(IReadOnlyDictionary<string, string?> settings, string environment = "Testing")
    {
        if (!settings.ContainsKey(DataDirectoryKey))
        {
            _ownDataDirectory = Path.Combine(Path.GetTempPath(), "bonemets-data-" + Guid.NewGuid().ToString("N"));
            settings = new Dictionary<string, string?>(settings) { [DataDirectoryKey] = _ownDataDirectory };
        }

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

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownDataDirectory is not null && Directory.Exists(_ownDataDirectory))
        {
            Directory.Delete(_ownDataDirectory, recursive: true);
        }
    }
}
