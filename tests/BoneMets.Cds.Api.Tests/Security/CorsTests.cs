using System.Net;
using BoneMets.Cds.Api.Tests.Fetch;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// cds-hooks.md §6.9 C1–C4 (and §5.7): configured origins only (in Development also any loopback origin); preflight
/// answered without a JWT; CORS headers on 401 and 412 too; never <c>*</c> or credentials.
/// </summary>
public sealed class CorsTests
{
    private const string Allowed = "http://localhost:8080";
    private const string AllowedHttps = "https://ehr-sim.example.org";
    private const string Evil = "http://evil.example";

    private static SecurityHost Host(string environment = "Testing") => new(new SecuritySettings()
        .Set("Cds:Cors:AllowedOrigins:0", Allowed)
        .Set("Cds:Cors:AllowedOrigins:1", AllowedHttps + "/")
        .Build(), environment);

    private static Task<HttpResponseMessage> PreflightAsync(SecurityHost host, string path, string origin, string method = "POST") =>
        host.SendRawAsync(HttpMethod.Options, path, authorization: null, body: null, origin, r =>
        {
            r.Headers.TryAddWithoutValidation("Access-Control-Request-Method", method);
            r.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "authorization,content-type");
        });

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static void AssertNoCredentialsNoWildcard(HttpResponseMessage response)
    {
        Assert.NotEqual("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
        Assert.DoesNotContain("*", Header(response, "Access-Control-Allow-Headers") ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("*", Header(response, "Access-Control-Allow-Methods") ?? string.Empty, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Hooks.ServicePath, Allowed)]
    [InlineData(Hooks.ServicePath, AllowedHttps)]
    [InlineData(SecurityHost.DiscoveryPath, Allowed)]
    [InlineData(SecurityHost.FeedbackPath, Allowed)]
    public async Task C1_PreflightFromAllowedOrigin_NoJwt_2xxWithAllowHeaders(string path, string origin)
    {
        using var host = Host();

        using var response = await PreflightAsync(host, path, origin);

        Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(origin, Header(response, "Access-Control-Allow-Origin"));
        var methods = Header(response, "Access-Control-Allow-Methods")!.Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("POST", methods);
        var headers = Header(response, "Access-Control-Allow-Headers")!.Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains(headers, h => h.Equals("Authorization", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(headers, h => h.Equals("Content-Type", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(response.Headers.WwwAuthenticate);
        AssertNoCredentialsNoWildcard(response);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("401", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Evil)]
    [InlineData("http://localhost:8081")]
    [InlineData("https://localhost:8080")]
    [InlineData("http://localhost:8080.evil.example")]
    [InlineData("null")]
    public async Task C2_PreflightFromOtherOrigin_NoAllowOrigin(string origin)
    {
        using var host = Host();

        using var preflight = await PreflightAsync(host, Hooks.ServicePath, origin);
        using var call = await host.PostHookAsync(host.TestEhrToken(), origin: origin);

        Assert.Null(Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Null(Header(call, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, call.StatusCode); // CORS is the browser's business: the call itself is judged by its JWT
    }

    [Fact]
    public async Task C3_401ToAllowedOrigin_CarriesAllowOrigin()
    {
        using var host = Host();

        using var response = await host.PostHookAsync(bearer: null, origin: Allowed);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Allowed, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        AssertNoCredentialsNoWildcard(response);
    }

    [Fact]
    public async Task C3_412ToAllowedOrigin_CarriesAllowOrigin()
    {
        using var host = Host();
        var request = new RequestBuilder().Build().KeepPrefetch(); // no prefetch, no fhirServer: required data unobtainable

        using var response = await host.PostHookAsync(host.TestEhrToken(), request, origin: Allowed);

        await SecurityAssert.OutcomeAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(Allowed, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("Retry-After", Header(response, "Access-Control-Expose-Headers") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task C3_200And400ToAllowedOrigin_CarryAllowOrigin()
    {
        using var host = Host();

        using var ok = await host.PostHookAsync(host.TestEhrToken(), origin: Allowed);
        using var bad = await host.SendRawAsync(HttpMethod.Post, Hooks.ServicePath, "Bearer " + host.TestEhrToken(), "{\"hook\":", Allowed);

        await SecurityAssert.OkAsync(ok);
        Assert.Equal(Allowed, Header(ok, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(Allowed, Header(bad, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task C4_Production_NeverWildcardNorCredentials()
    {
        using var host = Host("Production");

        using var preflight = await PreflightAsync(host, Hooks.ServicePath, AllowedHttps);
        using var ok = await host.PostHookAsync(host.TestEhrToken(), origin: AllowedHttps);
        using var unauthorized = await host.PostHookAsync(bearer: null, origin: AllowedHttps);
        using var evil = await PreflightAsync(host, Hooks.ServicePath, Evil);
        using var loopback = await PreflightAsync(host, Hooks.ServicePath, "http://localhost:3000");

        foreach (var response in new[] { preflight, ok, unauthorized, evil, loopback })
        {
            AssertNoCredentialsNoWildcard(response);
        }

        Assert.Equal(AllowedHttps, Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Equal(AllowedHttps, Header(ok, "Access-Control-Allow-Origin"));
        Assert.Equal(AllowedHttps, Header(unauthorized, "Access-Control-Allow-Origin"));
        Assert.Null(Header(evil, "Access-Control-Allow-Origin"));
        Assert.Null(Header(loopback, "Access-Control-Allow-Origin")); // loopback origins only in Development
    }

    [Fact]
    public async Task C4_Production_PreflightAskingForCredentialsOrOtherHeaders_NotGranted()
    {
        using var host = Host("Production");

        using var response = await host.SendRawAsync(HttpMethod.Options, Hooks.ServicePath, null, null, AllowedHttps, r =>
        {
            r.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
            r.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "authorization,content-type,x-evil,cookie");
        });

        AssertNoCredentialsNoWildcard(response);
        var headers = Header(response, "Access-Control-Allow-Headers") ?? string.Empty;
        Assert.DoesNotContain("x-evil", headers, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("cookie", headers, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("http://localhost:3000", true)]
    [InlineData("http://127.0.0.1:5173", true)]
    [InlineData("http://[::1]:4200", true)]
    [InlineData(Allowed, true)]
    [InlineData(Evil, false)]
    [InlineData("http://localhost.evil.example", false)]
    [InlineData("http://127.0.0.1.nip.io:3000", false)]
    public async Task Development_AnyLoopbackOrigin_NotOthers(string origin, bool allowed)
    {
        using var host = Host("Development");

        using var preflight = await PreflightAsync(host, Hooks.ServicePath, origin);

        Assert.Equal(allowed ? origin : null, Header(preflight, "Access-Control-Allow-Origin"));
        AssertNoCredentialsNoWildcard(preflight);
    }

    [Fact]
    public async Task Preflight_DisallowedMethod_NotGranted()
    {
        using var host = Host();
        using var response = await PreflightAsync(host, Hooks.ServicePath, Allowed, method: "DELETE");
        var methods = Header(response, "Access-Control-Allow-Methods") ?? string.Empty;
        Assert.DoesNotContain("DELETE", methods, StringComparison.Ordinal);
    }
}
