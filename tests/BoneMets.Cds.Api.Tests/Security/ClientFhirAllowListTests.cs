using System.Net;
using BoneMets.Cds.Api.Tests.Fetch;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// cds-hooks.md §6.8 X6: a FHIR base allow-listed for issuer A (<c>Cds:Clients:N:FhirServers</c>) is not allow-listed for
/// issuer B: B's call naming it contacts nothing (the stub receives no request, the access token goes nowhere) and is a
/// 412 when required data is missing, while A's identical call fetches from it. Hosts run in Development (the stub is
/// http on loopback) with unauthenticated loopback calls off.
/// </summary>
[Collection(SecuritySerialGroup.Name)]
public sealed class ClientFhirAllowListTests(ITestOutputHelper output)
{
    private const string IssuerA = "https://ehr-a.test/issuer";
    private const string IssuerB = "https://ehr-b.test/issuer";

    private static readonly TestKey KeyA = TestKey.Ec();
    private static readonly TestKey KeyB = TestKey.Rsa();

    private static SecurityHost Host(string fhirBaseForA, string? shared = null, IPAddress? remote = null)
    {
        var settings = new SecuritySettings()
            .Client(IssuerA, TestKey.WriteJwksFile(KeyA), null, ("FhirServers:0", fhirBaseForA))
            .Client(IssuerB, TestKey.WriteJwksFile(KeyB))
            .Set("Cds:Auth:AllowAnonymousLoopbackInDevelopment", remote is null ? "false" : "true")
            .Set("Cds:Fhir:TotalBudget", "00:00:05");
        if (shared is not null)
        {
            settings.Set("Cds:Fhir:AllowedServers:0", shared);
        }

        return new SecurityHost(settings.Build(), "Development", remote);
    }

    private static async Task<TimedResponse> PostAsync(SecurityHost host, string? bearer, System.Text.Json.Nodes.JsonObject request)
    {
        using var response = await host.PostHookAsync(bearer, request);
        return new TimedResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), TimeSpan.Zero);
    }

    [Fact]
    public async Task X6_ServerOfIssuerA_NamedByIssuerB_NotContacted_412()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = Host(stub.Base);
        var accessToken = FetchAssert.NewToken();

        var response = await PostAsync(host, host.Token(KeyB, IssuerB), sample.FullRequest().KeepPrefetch().WithServer(stub.Base, accessToken));

        var diagnostics = FetchAssert.PreconditionFailed(response, "conditions");
        output.WriteLine(diagnostics);
        Assert.Contains("not an allow-listed FHIR server for this client", diagnostics, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
        Assert.Empty(host.Outbound);
        Assert.DoesNotContain(accessToken, response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(accessToken, host.AllLogs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task X6_ServerOfIssuerA_NamedByTestEhr_NotContacted_412()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = Host(stub.Base);

        var response = await PostAsync(host, host.TestEhrToken(), sample.FullRequest().KeepPrefetch().WithServer(stub.Base, FetchAssert.NewToken()));

        FetchAssert.PreconditionFailed(response, "conditions");
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task X6_Control_ServerOfIssuerA_NamedByIssuerA_Fetched_200()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = Host(stub.Base);
        var accessToken = FetchAssert.NewToken();

        var response = await PostAsync(host, host.Token(KeyA, IssuerA), sample.FullRequest().KeepPrefetch().WithServer(stub.Base, accessToken));

        FetchAssert.Ok(response, sample.PatientId);
        FetchAssert.FetchedExactly(stub, sample.PatientId, accessToken, Enum.GetValues<FetchKey>());
    }

    [Fact]
    public async Task X6_SharedAllowList_ServesEveryClient_OwnListStaysOwn()
    {
        // A base in Cds:Fhir:AllowedServers is for everyone; A's own base is still A's only.
        var sample = SamplePatient.Load("mscc-multi-card");
        using var own = FhirStub.Start().Serve(sample);
        using var shared = FhirStub.Start().Serve(sample);
        using var host = Host(own.Base, shared.Base);

        var bShared = await PostAsync(host, host.Token(KeyB, IssuerB), sample.FullRequest().KeepPrefetch().WithServer(shared.Base, FetchAssert.NewToken()));
        var bOwn = await PostAsync(host, host.Token(KeyB, IssuerB), sample.FullRequest().KeepPrefetch().WithServer(own.Base, FetchAssert.NewToken()));

        FetchAssert.Ok(bShared, sample.PatientId);
        Assert.NotEmpty(shared.Requests);
        FetchAssert.PreconditionFailed(bOwn, "conditions");
        Assert.Empty(own.Requests);
    }

    [Fact]
    public async Task X6_AnonymousDevelopmentCall_ClientServerNotAllowed_412()
    {
        // An unauthenticated loopback call (Development) has no client: a client's own base is not allowed for it.
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = Host(stub.Base, remote: IPAddress.Loopback);

        var response = await PostAsync(host, bearer: null, sample.FullRequest().KeepPrefetch().WithServer(stub.Base, FetchAssert.NewToken()));

        FetchAssert.PreconditionFailed(response, "conditions");
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task X6_PrefetchComplete_IssuerB_200_NothingFetched()
    {
        // Naming a server one may not use is harmless when nothing is missing.
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = Host(stub.Base);

        var response = await PostAsync(host, host.Token(KeyB, IssuerB), sample.FullRequest().WithServer(stub.Base, FetchAssert.NewToken()));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        FetchAssert.Ok(response, sample.PatientId);
        Assert.Empty(stub.Requests);
    }
}
