using System.Net;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Fetch;

/// <summary>
/// Issue 3, pinned decision 2, P1/P2: what prefetch lacks is fetched from the allow-listed <c>fhirServer</c> with the
/// request's bearer token, key by key with the service's own templates, and only what is missing.
/// </summary>
[Collection(FetchSerialGroup.Name)]
public sealed class FetchMissingKeysTests(ITestOutputHelper output)
{
    // Success paths never wait for the budget; a generous one keeps a cold first call (JIT) from failing them.
    private const string RoomyBudget = "00:00:05";

    public static TheoryData<string> Samples => new()
    {
        "mscc-multi-card",          // conditions + labs: three cards
        "mscc-critical",            // a survey Observation (symptoms) drives the critical card
        "suspected-bone-mets-alp",  // labs (ALP) drive the card
        "recent-bone-scan",         // imaging suppresses the card
        "bone-scan-ordered",        // an order suppresses the card
        "history-of-breast-cancer", // conditions only
    };

    public static TheoryData<string> PartialPrefetch => new()
    {
        // prefetch keys sent (the rest must be fetched, and only the rest)
        "patient,conditions",
        "patient,conditions,labs,symptoms,imaging",
        "conditions,labs,symptoms,imaging,orders",
        "patient,labs,symptoms,imaging,orders",
        "patient,conditions,symptoms,orders",
    };

    public static TheoryData<string, string> Unsatisfied => new()
    {
        // key, how the prefetched value is not satisfied (pinned decision 2) and re-queried (cds-hooks.md §2.6 step 4)
        { "conditions", "wrong-type" },
        { "conditions", "other-patient" },
        { "patient", "other-patient" },
        { "patient", "wrong-type" },
    };

    public static TheoryData<string, string> ClientError => new()
    {
        // key, OperationOutcome form: the client hit an error on this query (§2.6 step 3, §6.4 P7: no blind re-query)
        { "conditions", "operation-outcome" },
        { "conditions", "outcome-in-bundle" },
        { "patient", "operation-outcome" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task NoPrefetch_EveryKeyFetchedOnceWithTemplateAndBearerToken_CardsAsWithFullPrefetch(string name)
    {
        var sample = SamplePatient.Load(name);
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var token = FetchAssert.NewToken();

        var full = await host.PostAsync(sample.FullRequest());
        Assert.Empty(stub.Requests);
        var fetched = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base, token));

        output.WriteLine($"{name}: full prefetch {full.Ms}, all six keys fetched {fetched.Ms}");
        FetchAssert.FetchedExactly(stub, sample.PatientId, token, Enum.GetValues<FetchKey>());
        FetchAssert.SameCards(FetchAssert.Ok(full, sample.PatientId), FetchAssert.Ok(fetched, sample.PatientId));
        FetchAssert.TokenNotLeaked(host, fetched, token);
        FetchAssert.OnlyTo(host, stub.Base);
    }

    [Theory]
    [MemberData(nameof(PartialPrefetch))]
    public async Task PartialPrefetch_OnlyMissingKeysFetched(string sent)
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var token = FetchAssert.NewToken();
        var keep = sent.Split(',').Select(k => Enum.GetValues<FetchKey>().Single(x => FetchAssert.KeyName(x) == k)).ToArray();

        var full = await host.PostAsync(sample.FullRequest());
        var fetched = await host.PostAsync(sample.FullRequest().KeepPrefetch(keep).WithServer(stub.Base, token));

        FetchAssert.FetchedExactly(stub, sample.PatientId, token, FetchAssert.AllBut(keep));
        FetchAssert.SameCards(FetchAssert.Ok(full, sample.PatientId), FetchAssert.Ok(fetched, sample.PatientId));
    }

    [Theory]
    [MemberData(nameof(Unsatisfied))]
    public async Task PrefetchedValueNotSatisfied_ThatKeyIsFetched(string key, string form)
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var token = FetchAssert.NewToken();
        var request = sample.FullRequest().WithServer(stub.Base, token);
        request["prefetch"]![key] = Broken(sample, key, form);
        var fetchKey = key == "patient" ? FetchKey.Patient : FetchKey.Conditions;

        var full = await host.PostAsync(sample.FullRequest());
        var fetched = await host.PostAsync(request);

        FetchAssert.FetchedExactly(stub, sample.PatientId, token, fetchKey);
        FetchAssert.SameCards(FetchAssert.Ok(full, sample.PatientId), FetchAssert.Ok(fetched, sample.PatientId));
    }

    [Theory]
    [MemberData(nameof(ClientError))]
    public async Task PrefetchedOperationOutcome_RequiredKey_NotReQueried_412(string key, string form)
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var token = FetchAssert.NewToken();
        var request = sample.FullRequest().WithServer(stub.Base, token);
        request["prefetch"]![key] = Broken(sample, key, form);

        var response = await host.PostAsync(request);

        FetchAssert.PreconditionFailed(response, key);
        Assert.Empty(stub.Requests);
        FetchAssert.TokenNotLeaked(host, response, token);
    }

    [Fact]
    public async Task PrefetchedOperationOutcome_OptionalKey_NotReQueried_200SayingSo()
    {
        var sample = SamplePatient.Load("history-of-breast-cancer");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var request = sample.FullRequest().WithServer(stub.Base, FetchAssert.NewToken());
        request["prefetch"]!["labs"] = RequestBuilder.ToNode(FhirStub.Outcome(OperationOutcome.IssueType.Timeout, "The EHR's lab query timed out."));

        var response = await host.PostAsync(request);

        var card = Assert.Single(FetchAssert.Ok(response, sample.PatientId));
        Assert.True(card.SaysNotAvailable, card.Detail);
        Assert.Contains("laboratory results", card.Detail, StringComparison.Ordinal);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task NullKeyAndEmptySearchset_AreNoData_NeverFetched()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var token = FetchAssert.NewToken();
        var request = sample.FullRequest().KeepPrefetch(FetchKey.Patient, FetchKey.Conditions).WithServer(stub.Base, token);
        request["prefetch"]!["labs"] = null;
        request["prefetch"]!["symptoms"] = RequestBuilder.ToNode(SamplePatient.Searchset([]));

        var response = await host.PostAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        FetchAssert.FetchedExactly(stub, sample.PatientId, token, FetchKey.Imaging, FetchKey.Orders);
    }

    [Fact]
    public async Task CompletePrefetch_WithServerAndToken_NothingFetched()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Build());
        var token = FetchAssert.NewToken();

        var full = await host.PostAsync(sample.FullRequest());
        var withServer = await host.PostAsync(sample.FullRequest().WithServer(stub.Base, token));

        Assert.Empty(stub.Requests);
        Assert.Empty(host.Outbound);
        FetchAssert.SameCards(FetchAssert.Ok(full, sample.PatientId), FetchAssert.Ok(withServer, sample.PatientId));
    }

    [Fact]
    public async Task Token_UsedOnlyForItsOwnHookCall()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var first = FetchAssert.NewToken();
        var second = FetchAssert.NewToken();
        var onlyConditionsMissing = FetchAssert.AllBut(FetchKey.Conditions);

        var one = await host.PostAsync(sample.FullRequest().KeepPrefetch(onlyConditionsMissing).WithServer(stub.Base, first));
        var two = await host.PostAsync(sample.FullRequest().KeepPrefetch(onlyConditionsMissing).WithServer(stub.Base, second));
        var three = await host.PostAsync(sample.FullRequest().KeepPrefetch(onlyConditionsMissing).WithServer(stub.Base, token: null));

        Assert.Equal(HttpStatusCode.OK, one.Status);
        Assert.Equal(HttpStatusCode.OK, two.Status);
        FetchAssert.PreconditionFailed(three, "conditions");
        Assert.Equal(["Bearer " + first, "Bearer " + second], stub.Requests.Select(r => FhirStub.Header(r, "Authorization")));
    }

    [Fact]
    public async Task Fetching_LogsNeitherTokenNorPatientId()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var token = FetchAssert.NewToken();

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base, token));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(6, stub.Requests.Count);
        var logs = host.AllLogs;
        Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(sample.PatientId, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetching_TokenNotLoggedEvenAtTrace()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget)
            .Raw("Logging:LogLevel:Default", "Trace").Raw("Logging:LogLevel:System.Net.Http", "Trace").Build());
        var token = FetchAssert.NewToken();

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch().WithServer(stub.Base, token));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(6, stub.Requests.Count);
        Assert.NotEmpty(host.Logs.Lines);
        FetchAssert.TokenNotLeaked(host, response, token);
    }

    private static JsonNode Broken(SamplePatient sample, string key, string form)
    {
        var outcome = FhirStub.Outcome(OperationOutcome.IssueType.Processing, "The EHR could not run this prefetch query.");
        if (key == "patient")
        {
            return form switch
            {
                "other-patient" => RequestBuilder.ToNode(new Patient { Id = "someone-else", BirthDate = "1950-01-01", Gender = AdministrativeGender.Male }),
                "wrong-type" => RequestBuilder.ToNode(sample.Resources(FetchKey.Conditions)[0]),
                "operation-outcome" => RequestBuilder.ToNode(outcome),
                _ => throw new ArgumentOutOfRangeException(nameof(form)),
            };
        }

        switch (form)
        {
            case "operation-outcome":
                return RequestBuilder.ToNode(outcome);
            case "wrong-type":
                return RequestBuilder.ToNode(sample.Patient);
            case "outcome-in-bundle":
                var bundle = SamplePatient.Searchset(sample.Resources(FetchKey.Conditions));
                bundle.Entry.Add(new Bundle.EntryComponent
                {
                    FullUrl = "urn:uuid:" + Guid.NewGuid(),
                    Resource = outcome,
                    Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
                });
                return RequestBuilder.ToNode(bundle);
            case "other-patient":
                var others = sample.Resources(FetchKey.Conditions).Cast<Condition>().ToList();
                others.ForEach(c => c.Subject = new ResourceReference("Patient/someone-else"));
                return RequestBuilder.ToNode(SamplePatient.Searchset(others));
            default:
                throw new ArgumentOutOfRangeException(nameof(form));
        }
    }
}
