using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Fetch;

/// <summary>
/// Pinned decision 4, P4, B4: a total budget per hook call (default 1.5 s), retries with jitter only on 408/429/5xx and
/// timeouts and only within the budget (Retry-After honoured when it fits), a circuit breaker per FHIR base.
/// Timings are upper bounds only (the budget plus a 1 s margin), measured around the hook call on a started host.
/// </summary>
[Collection(FetchSerialGroup.Name)]
public sealed class FetchResilienceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    [InlineData(408)]
    public async Task TransientFailureThenOk_RetriedOnce_CardsWithinDefaultBudget(int status)
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        var conditions = FhirStub.RequestFor(FetchKey.Conditions, sample.PatientId);
        stub.Server.Given(conditions).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(status));
        stub.Server.Given(conditions).InScenario("flaky").WhenStateIs("up")
            .RespondWith(FhirStub.Ok(sample.ResponseFor(FetchKey.Conditions)));
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Build()); // default budget, retries
        var token = FetchAssert.NewToken();

        var full = await host.PostAsync(sample.FullRequest());
        var retried = await host.PostAsync(OnlyConditionsMissing(sample, stub, token));

        output.WriteLine($"{status} then 200: {retried.Ms}");
        FetchAssert.SameCards(FetchAssert.Ok(full, sample.PatientId), FetchAssert.Ok(retried, sample.PatientId));
        Assert.Equal(2, stub.RequestsFor(FetchKey.Conditions).Count);
        Assert.Equal(2, stub.Requests.Count);
        Assert.All(stub.Requests, r => Assert.Equal("Bearer " + token, FhirStub.Header(r, "Authorization")));
    }

    [Theory]
    [InlineData("0", "00:00:01.5")]
    [InlineData("1", "00:00:02.5")]
    public async Task TooManyRequests_RetryAfterInsideBudget_HonouredAndRetried(string retryAfter, string budget)
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        var conditions = FhirStub.RequestFor(FetchKey.Conditions, sample.PatientId);
        stub.Server.Given(conditions).InScenario("throttled").WillSetStateTo("free")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", retryAfter));
        stub.Server.Given(conditions).InScenario("throttled").WhenStateIs("free")
            .RespondWith(FhirStub.Ok(sample.ResponseFor(FetchKey.Conditions)));
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(budget).Build());

        var response = await host.PostAsync(OnlyConditionsMissing(sample, stub, FetchAssert.NewToken()));

        output.WriteLine($"429 Retry-After {retryAfter} s, budget {budget}: {response.Ms}");
        Assert.Contains(FetchAssert.Ok(response, sample.PatientId), c => c.Topic == "spinal-cord-compression");
        var requests = stub.RequestsFor(FetchKey.Conditions);
        Assert.Equal(2, requests.Count);
        var gap = requests[1].DateTime - requests[0].DateTime;
        output.WriteLine($"retry sent {gap.TotalMilliseconds:0} ms after the 429");
        Assert.True(gap >= TimeSpan.FromSeconds(double.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture)) - TimeSpan.FromMilliseconds(100),
            $"Retry-After {retryAfter} s not honoured: retried after {gap.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task TooManyRequests_RetryAfterBeyondBudget_NotRetried_412Promptly()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        stub.Respond(FetchKey.Conditions, sample.PatientId, Response.Create().WithStatusCode(429).WithHeader("Retry-After", "10"));
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Build()); // default budget 1.5 s

        var response = await host.PostAsync(OnlyConditionsMissing(sample, stub, FetchAssert.NewToken()));

        output.WriteLine($"429 Retry-After 10 s, budget 1.5 s: {response.Ms}");
        FetchAssert.PreconditionFailed(response, "conditions");
        Assert.Single(stub.RequestsFor(FetchKey.Conditions));
        Assert.True(response.Elapsed < TimeSpan.FromSeconds(1.5) + Margin, $"answered after {response.Ms}");
    }

    [Fact]
    public async Task SlowServer_RequiredKey_412WithinBudget()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        stub.Respond(FetchKey.Conditions, sample.PatientId, FhirStub.Ok(sample.ResponseFor(FetchKey.Conditions)).WithDelay(Slow));
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget("00:00:00.600").Set("AttemptTimeout", "00:00:00.400").Build());

        var response = await host.PostAsync(OnlyConditionsMissing(sample, stub, FetchAssert.NewToken()));

        output.WriteLine($"slow server (5 s), budget 0.6 s, required key: {response.Ms}");
        var diagnostics = FetchAssert.PreconditionFailed(response, "conditions");
        Assert.Matches(new Regex("time|budget", RegexOptions.IgnoreCase), diagnostics);
        Assert.True(response.Elapsed < TimeSpan.FromSeconds(0.6) + Margin, $"answered after {response.Ms}");
        Assert.Contains(host.Outbound, r => r.Uri.AbsolutePath.EndsWith("/Condition", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EhrDisconnects_OutstandingFetchCancelled_NoUnhandledError()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        stub.Respond(FetchKey.Conditions, sample.PatientId, FhirStub.Ok(sample.ResponseFor(FetchKey.Conditions)).WithDelay(Slow));
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget("00:00:04").Set("AttemptTimeout", "00:00:03.5").Build(), realServer: true);
        using var content = new StringContent(OnlyConditionsMissing(sample, stub, FetchAssert.NewToken()).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var hangUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Client.PostAsync("/cds-services/bone-metastasis-patient-view", content, hangUp.Token));

        // The host notices the disconnect, cancels the fetch and logs it as such (not as an unhandled 500).
        while (!host.AllLogs.Contains("client disconnected", StringComparison.Ordinal) && watch.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(20);
        }

        output.WriteLine($"disconnect noticed after {watch.ElapsedMilliseconds} ms");
        Assert.Contains("client disconnected; fetching cancelled", host.AllLogs, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", host.AllLogs, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3.5), "the fetch was not cancelled with the request");
    }

    [Fact]
    public async Task SlowServer_NoPrefetch_412ForBothRequiredKeysWithinBudget()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        foreach (var key in Enum.GetValues<FetchKey>())
        {
            stub.Respond(key, sample.PatientId, FhirStub.Ok(sample.ResponseFor(key)).WithDelay(Slow));
        }

        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget("00:00:00.600").Set("AttemptTimeout", "00:00:00.400").Build());

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base, FetchAssert.NewToken()));

        output.WriteLine($"slow server (5 s), budget 0.6 s, six keys: {response.Ms}");
        var diagnostics = FetchAssert.PreconditionFailed(response, "conditions");
        Assert.Contains("patient", diagnostics, StringComparison.Ordinal);
        Assert.True(response.Elapsed < TimeSpan.FromSeconds(0.6) + Margin, $"answered after {response.Ms}");
        Assert.Contains(host.Outbound, r => r.Uri.AbsolutePath.EndsWith("/Condition", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowServer_OptionalKey_200AndCardSaysLabsNotAvailable()
    {
        // history-of-breast-cancer: the suspected-bone-metastasis card would also have looked at ALP and calcium.
        var sample = SamplePatient.Load("history-of-breast-cancer");
        using var stub = FhirStub.Start();
        stub.Respond(FetchKey.Labs, sample.PatientId, FhirStub.Ok(sample.ResponseFor(FetchKey.Labs)).WithDelay(Slow));
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget("00:00:00.600").Set("AttemptTimeout", "00:00:00.400").Build());

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch(FetchAssert.AllBut(FetchKey.Labs)).WithServer(stub.Base, FetchAssert.NewToken()));

        output.WriteLine($"slow server (5 s), budget 0.6 s, optional key: {response.Ms}");
        var card = Assert.Single(FetchAssert.Ok(response, sample.PatientId));
        Assert.Equal("suspected-bone-metastasis", card.Topic);
        Assert.True(card.SaysNotAvailable, card.Detail);
        Assert.Matches(new Regex(@"Not available to this check:\*\*[^\n]*laboratory results"), card.Detail);
        Assert.True(response.Elapsed < TimeSpan.FromSeconds(0.6) + Margin, $"answered after {response.Ms}");
        Assert.Contains(host.Outbound, r => r.Uri.AbsolutePath.EndsWith("/Observation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeysFetchedInParallel_SixSlowishKeysFitOneBudget()
    {
        // Each key takes 400 ms: one after the other they need 2.4 s, more than the 1.5 s budget.
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        foreach (var key in Enum.GetValues<FetchKey>())
        {
            stub.Respond(key, sample.PatientId, FhirStub.Ok(sample.ResponseFor(key)).WithDelay(TimeSpan.FromMilliseconds(400)));
        }

        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget("00:00:01.5").Build());
        var token = FetchAssert.NewToken();

        var full = await host.PostAsync(sample.FullRequest());
        var fetched = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base, token));

        output.WriteLine($"six keys at 400 ms each: {fetched.Ms}");
        FetchAssert.SameCards(FetchAssert.Ok(full, sample.PatientId), FetchAssert.Ok(fetched, sample.PatientId));
        FetchAssert.FetchedExactly(stub, sample.PatientId, token, Enum.GetValues<FetchKey>());
    }

    [Fact]
    public async Task RepeatedFailures_BreakerOpens_NextCallFastWithoutRequest_OtherBaseUnaffected()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var dead = FhirStub.Start();
        dead.Respond(FetchKey.Conditions, sample.PatientId, Response.Create().WithStatusCode(500));
        using var healthy = FhirStub.Start().Serve(sample, FetchKey.Conditions);
        using var host = new FetchHost(FetchSettings.Allow(dead.Base, healthy.Base)
            .Set("MaxRetries", "0")
            .Set("BreakerFailureRatio", "0.5")
            .Set("BreakerMinimumThroughput", "4")
            .Set("BreakerSamplingDuration", "00:01:00")
            .Set("BreakerBreakDuration", "00:01:00")
            .Build());

        TimedResponse? open = null;
        for (var call = 1; call <= 10 && open is null; call++)
        {
            var before = dead.Requests.Count;
            var response = await host.PostAsync(OnlyConditionsMissing(sample, dead, FetchAssert.NewToken()));
            var sent = dead.Requests.Count - before;
            output.WriteLine($"call {call}: {(int)response.Status}, {sent} request(s) to the dead server, {response.Ms}");
            FetchAssert.PreconditionFailed(response, "conditions");
            if (sent == 0)
            {
                Assert.True(call > 1, "the first call must reach the server");
                open = response;
            }
        }

        Assert.True(open is not null, "the breaker never opened after 10 failing hook calls");
        var diagnostics = FetchAssert.PreconditionFailed(open, "conditions");
        Assert.Contains("circuit", diagnostics, StringComparison.OrdinalIgnoreCase);
        Assert.True(open.Elapsed < TimeSpan.FromMilliseconds(500), $"breaker-open call took {open.Ms}");

        var countBefore = dead.Requests.Count;
        var again = await host.PostAsync(OnlyConditionsMissing(sample, dead, FetchAssert.NewToken()));
        FetchAssert.PreconditionFailed(again, "conditions");
        Assert.Equal(countBefore, dead.Requests.Count);

        // The breaker is per FHIR base: another allow-listed base still answers.
        var other = await host.PostAsync(OnlyConditionsMissing(sample, healthy, FetchAssert.NewToken()));
        Assert.Contains(FetchAssert.Ok(other, sample.PatientId), c => c.Topic == "spinal-cord-compression");
        Assert.Single(healthy.Requests);
    }

    private static System.Text.Json.Nodes.JsonObject OnlyConditionsMissing(SamplePatient sample, FhirStub stub, string token) =>
        sample.FullRequest().KeepPrefetch(FetchAssert.AllBut(FetchKey.Conditions)).WithServer(stub.Base, token);
}
