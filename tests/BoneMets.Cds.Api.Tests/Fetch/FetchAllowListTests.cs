using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Fetch;

/// <summary>
/// Pinned decision 4, X1–X3, P3 and the open-sandbox mode: only allow-listed bases are ever contacted (exact scheme,
/// host, port and path), <c>http</c> only in Development, never link-local/metadata addresses or other schemes, never
/// without a token unless the base is a configured open sandbox (never in Production). A server that may not be
/// contacted is treated as no server: it receives nothing, and missing required data is a 412.
/// </summary>
[Collection(FetchSerialGroup.Name)]
public sealed class FetchAllowListTests(ITestOutputHelper output)
{
    private const string RoomyBudget = "00:00:05";

    public static TheoryData<string> RefusedServers => new()
    {
        "http://169.254.169.254/fhir",
        "http://169.254.169.254/latest/meta-data",
        "http://[fe80::1]/fhir",
        "file:///etc/passwd",
        "gopher://localhost:70/_fhir",
    };

    [Fact]
    public async Task OutboundSpyControl_AnAllowedFetchIsSeen()
    {
        // Makes the "nothing was sent" assertions below meaningful: the spy does see the host's fetches.
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var token = FetchAssert.NewToken();

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base, token));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(6, host.Outbound.Count);
        Assert.All(host.Outbound, r => Assert.Equal("Bearer " + token, r.Authorization));
        FetchAssert.OnlyTo(host, stub.Base);
    }

    [Fact]
    public async Task ServerNotAllowListed_ReceivesNothing_412()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow("https://ehr.example.org/fhir").Build());
        var token = FetchAssert.NewToken();

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base, token));

        var diagnostics = FetchAssert.PreconditionFailed(response, "conditions");
        Assert.Contains("patient", diagnostics, StringComparison.Ordinal);
        Assert.Matches(new Regex("allow", RegexOptions.IgnoreCase), diagnostics);
        Assert.Empty(stub.Requests);
        Assert.Empty(host.Outbound);
        FetchAssert.TokenNotLeaked(host, response, token);
    }

    [Fact]
    public async Task ServerNotAllowListed_OptionalKeyMissing_200SayingSo()
    {
        var sample = SamplePatient.Load("history-of-breast-cancer");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow("https://ehr.example.org/fhir").Build());

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch(FetchAssert.AllBut(FetchKey.Labs)).WithServer(stub.Base, FetchAssert.NewToken()));

        var card = Assert.Single(FetchAssert.Ok(response, sample.PatientId));
        Assert.Contains("laboratory results", card.Detail, StringComparison.Ordinal);
        Assert.True(card.SaysNotAvailable, card.Detail);
        Assert.Empty(stub.Requests);
    }

    [Theory]
    [InlineData("/fhir2")]
    [InlineData("/fhir/Patient")]
    [InlineData("")]
    public async Task SameHostOtherPath_NotAllowListed_ReceivesNothing(string path)
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Build());

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Root + path, FetchAssert.NewToken()));

        FetchAssert.PreconditionFailed(response, "conditions");
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task TrailingSlash_IsTheSameBase()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var token = FetchAssert.NewToken();

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base + "/", token));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        FetchAssert.FetchedExactly(stub, sample.PatientId, token, Enum.GetValues<FetchKey>());
    }

    [Fact]
    public async Task HttpServerInProduction_ReceivesNothing()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Build(), "Production");
        var token = FetchAssert.NewToken();

        // Either outcome keeps the http server out of reach: the host refuses the http entry at start-up, or it
        // starts and treats the http server as not allowed.
        var refusal = StartupFailure(host);
        if (refusal is not null)
        {
            output.WriteLine("refused at start-up: " + refusal.Message);
            Assert.Matches(new Regex("AllowedServers|https", RegexOptions.IgnoreCase), refusal.Message);
        }
        else
        {
            var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base, token));
            var diagnostics = FetchAssert.PreconditionFailed(response, "conditions");
            output.WriteLine("412: " + diagnostics);
            Assert.Contains("patient", diagnostics, StringComparison.Ordinal);
            FetchAssert.TokenNotLeaked(host, response, token);
        }

        Assert.Empty(stub.Requests);
        Assert.Empty(host.Outbound);
    }

    [Fact]
    public async Task HttpsAllowListed_HttpRequestedInProduction_ReceivesNothing()
    {
        // Same host, port and path as an allow-listed https base, but http: a downgrade is not the same base.
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        var https = new UriBuilder(stub.Base) { Scheme = Uri.UriSchemeHttps }.Uri.AbsoluteUri.TrimEnd('/');
        using var host = new FetchHost(FetchSettings.Allow(https).Build(), "Production");
        var token = FetchAssert.NewToken();

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base, token));

        FetchAssert.PreconditionFailed(response, "conditions");
        Assert.Empty(stub.Requests);
        Assert.Empty(host.Outbound);
        FetchAssert.TokenNotLeaked(host, response, token);
    }

    [Theory]
    [MemberData(nameof(RefusedServers))]
    public async Task LinkLocalMetadataAndOtherSchemes_NeverContacted(string fhirServer)
    {
        var sample = SamplePatient.Load("mscc-multi-card");

        // Allow-listed on purpose: the address or scheme itself must be refused, at start-up or per request.
        using (var listed = new FetchHost(FetchSettings.Allow(fhirServer).Build()))
        {
            var refusal = StartupFailure(listed);
            if (refusal is not null)
            {
                output.WriteLine("allow-listed: refused at start-up: " + refusal.Message);
                Assert.Contains("AllowedServers", refusal.Message, StringComparison.Ordinal);
            }
            else
            {
                await AssertNotContactedAsync(listed, sample, fhirServer);
            }
        }

        // Named by a request to a host that allow-lists only a real FHIR server.
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Build());
        await AssertNotContactedAsync(host, sample, fhirServer);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task NoAuthorization_ServerNotOpen_NothingFetched_412()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Build());

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base, token: null));

        var diagnostics = FetchAssert.PreconditionFailed(response, "conditions");
        Assert.Contains("patient", diagnostics, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task OpenServer_Development_FetchedWithoutAuthorization()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Open(stub.Base).Budget(RoomyBudget).Build());

        var full = await host.PostAsync(sample.FullRequest());
        var fetched = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base, token: null));

        FetchAssert.FetchedExactly(stub, sample.PatientId, token: null, Enum.GetValues<FetchKey>());
        FetchAssert.SameCards(FetchAssert.Ok(full, sample.PatientId), FetchAssert.Ok(fetched, sample.PatientId));
    }

    [Fact]
    public async Task OpenServer_OtherServerWithoutToken_StillNothing()
    {
        // Only the configured open base is fetched without a token; another allow-listed base is not.
        var sample = SamplePatient.Load("mscc-multi-card");
        using var open = FhirStub.Start().Serve(sample);
        using var closed = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(open.Base, closed.Base).Open(open.Base).Build());

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(closed.Base, token: null));

        FetchAssert.PreconditionFailed(response, "conditions");
        Assert.Empty(closed.Requests);
        Assert.Empty(open.Requests);
    }

    [Fact]
    public void OpenServer_Production_RefusesToStart()
    {
        var https = "https://sandbox.example.org/fhir";
        using var host = new FetchHost(FetchSettings.Allow(https).Open(https).Build(), "Production");

        var refusal = StartupFailure(host);

        Assert.NotNull(refusal);
        output.WriteLine(refusal.Message);
        Assert.Contains("OpenServers", refusal.Message, StringComparison.Ordinal);
    }

    private async Task AssertNotContactedAsync(FetchHost host, SamplePatient sample, string fhirServer)
    {
        var token = FetchAssert.NewToken();
        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(fhirServer, token));

        output.WriteLine($"{(int)response.Status} in {response.Ms}: {response.Body}");
        Assert.True(response.Status is HttpStatusCode.PreconditionFailed or HttpStatusCode.BadRequest, $"{(int)response.Status}: {response.Body}");
        Assert.Empty(host.Outbound);
        FetchAssert.TokenNotLeaked(host, response, token);
        Assert.True(response.Elapsed < TimeSpan.FromSeconds(1), $"answered after {response.Ms}: was something attempted?");
    }

    /// <summary>Starts the host; returns the innermost start-up exception, or null if it started.</summary>
    private static Exception? StartupFailure(FetchHost host)
    {
        try
        {
            _ = host.Client;
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
}
