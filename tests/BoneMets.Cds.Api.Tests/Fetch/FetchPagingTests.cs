using System.Net;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using WireMock;
using WireMock.RequestBuilders;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Fetch;

/// <summary>
/// P10 and pinned decision 2: a searchset is followed through its <c>next</c> links, up to <c>Cds:Fhir:MaxPages</c>, only
/// while the link stays on the request's (allow-listed) FHIR base, and only with a token.
/// The Conditions of <c>mscc-multi-card</c> are split over three pages with the cancer alone on page 3: without page 3
/// there is no cancer and so no card.
/// </summary>
[Collection(FetchSerialGroup.Name)]
public sealed class FetchPagingTests(ITestOutputHelper output)
{
    private const string RoomyBudget = "00:00:05";
    private const string CancerId = "mscc-multi-card-lung-cancer";

    public static TheoryData<string> OffBaseNextLinks => new()
    {
        "other-server-not-allow-listed",
        "other-server-allow-listed",
        "same-host-other-path",
    };

    [Fact]
    public async Task ThreePageSearchset_AllPagesFollowed_CancerOnPage3StillCounts()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample, FetchAssert.AllBut(FetchKey.Conditions));
        ServeThreePages(stub, stub, stub.Base, sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var token = FetchAssert.NewToken();

        var full = await host.PostAsync(sample.FullRequest());
        var paged = await host.PostAsync(sample.FullRequest().KeepPrefetch(FetchAssert.AllBut(FetchKey.Conditions)).WithServer(stub.Base, token));

        output.WriteLine($"three pages: {paged.Ms}");
        FetchAssert.SameCards(FetchAssert.Ok(full, sample.PatientId), FetchAssert.Ok(paged, sample.PatientId));
        var conditionRequests = stub.RequestsFor(FetchKey.Conditions);
        Assert.Equal(3, conditionRequests.Count);
        Assert.Equal(["", "2", "3"], conditionRequests.Select(PageOf));
        Assert.All(conditionRequests, r => Assert.Equal("Bearer " + token, FhirStub.Header(r, "Authorization")));
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task PrefetchedFirstPage_RemainingPagesFetchedFromServer()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        var (page1, _, _) = ServeThreePages(stub, stub, stub.Base, sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var token = FetchAssert.NewToken();
        var request = sample.FullRequest().WithServer(stub.Base, token);
        request["prefetch"]!["conditions"] = RequestBuilder.ToNode(page1);

        var full = await host.PostAsync(sample.FullRequest());
        var paged = await host.PostAsync(request);

        FetchAssert.SameCards(FetchAssert.Ok(full, sample.PatientId), FetchAssert.Ok(paged, sample.PatientId));
        Assert.Equal(["2", "3"], stub.Requests.Select(PageOf));
    }

    [Fact]
    public async Task PrefetchedFirstPage_NoToken_NextLinkNotFollowed()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start();
        var (page1, _, _) = ServeThreePages(stub, stub, stub.Base, sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Build());
        var request = sample.FullRequest().WithServer(stub.Base, token: null);
        request["prefetch"]!["conditions"] = RequestBuilder.ToNode(page1);

        var response = await host.PostAsync(request);

        // Decision 2: pages are followed only with a token. The first page alone gives no card, and a partly read
        // required key cannot be reported as "nothing to report" (decision 3): 412 that says so.
        AssertPartialConditions412(response);
        Assert.Empty(stub.Requests);
    }

    [Theory]
    [MemberData(nameof(OffBaseNextLinks))]
    public async Task NextLinkOffTheBase_NotFollowed(string where)
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample, FetchAssert.AllBut(FetchKey.Conditions));
        using var other = FhirStub.Start();
        var settings = FetchSettings.Allow(stub.Base).Budget(RoomyBudget);
        string otherBase;
        FhirStub pagesHost;
        switch (where)
        {
            case "other-server-not-allow-listed":
                (otherBase, pagesHost) = (other.Base, other);
                break;
            case "other-server-allow-listed":
                (otherBase, pagesHost) = (other.Base, other);
                settings.AllowAlso(other.Base);
                break;
            default:
                (otherBase, pagesHost) = (stub.Root + "/other", stub);
                break;
        }

        ServeThreePages(stub, pagesHost, otherBase, sample);
        using var host = new FetchHost(settings.Build());
        var token = FetchAssert.NewToken();

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch(FetchAssert.AllBut(FetchKey.Conditions)).WithServer(stub.Base, token));

        output.WriteLine($"{where}: {(int)response.Status} in {response.Ms}: {response.Body}");
        // Page 1 was read from the request's base; the link off that base was not followed, so page 3's cancer was
        // never seen: the conditions are only partly read and give no card → 412 (missing data never reads as normal).
        AssertPartialConditions412(response);
        Assert.Equal([""], stub.RequestsFor(FetchKey.Conditions).Select(PageOf));
        Assert.Empty(other.Requests);
        Assert.DoesNotContain(stub.Requests, r => r.Path?.StartsWith("/other", StringComparison.Ordinal) == true);
        Assert.All(host.Outbound, r => Assert.StartsWith(stub.Base + "/", r.Uri.AbsoluteUri, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PageCap_NoMoreThanMaxPagesRequested()
    {
        var sample = SamplePatient.Load("mscc-multi-card");
        using var stub = FhirStub.Start().Serve(sample, FetchAssert.AllBut(FetchKey.Conditions));
        ServeThreePages(stub, stub, stub.Base, sample);
        using var host = new FetchHost(FetchSettings.Allow(stub.Base).Budget(RoomyBudget).Set("MaxPages", "2").Build());
        var token = FetchAssert.NewToken();

        var response = await host.PostAsync(sample.FullRequest().KeepPrefetch(FetchAssert.AllBut(FetchKey.Conditions)).WithServer(stub.Base, token));

        output.WriteLine($"MaxPages 2: {(int)response.Status} in {response.Ms}: {response.Body}");
        AssertPartialConditions412(response);
        Assert.Equal(["", "2"], stub.RequestsFor(FetchKey.Conditions).Select(PageOf));
    }

    private static void AssertPartialConditions412(TimedResponse response)
    {
        Assert.True(response.Status == HttpStatusCode.PreconditionFailed, $"{(int)response.Status}: {response.Body}");
        var body = response.Body;
        Assert.Contains("conditions", body, StringComparison.Ordinal);
        Assert.Contains("only partly obtained", body, StringComparison.Ordinal);
    }

    /// <summary>
    /// Page 1 on <paramref name="first"/>'s Condition search; pages 2 and 3 on <paramref name="pages"/> under
    /// <paramref name="pagesBase"/> (page 1's next link points there). Returns the three page Bundles.
    /// </summary>
    private static (Bundle Page1, Bundle Page2, Bundle Page3) ServeThreePages(FhirStub first, FhirStub pages, string pagesBase, SamplePatient sample)
    {
        var conditions = sample.Resources(FetchKey.Conditions);
        var cancer = conditions.Single(c => c.Id == CancerId);
        var others = conditions.Where(c => c.Id != CancerId).ToList();
        var total = conditions.Count;
        var next = $"{pagesBase}/Condition?patient={sample.PatientId}&_page=";
        var page1 = SamplePatient.Searchset(others.Take(2), total, next + "2");
        var page2 = SamplePatient.Searchset(others.Skip(2), total, next + "3");
        var page3 = SamplePatient.Searchset([cancer], total);

        var pagesPath = new Uri(pagesBase).AbsolutePath.TrimEnd('/') + "/Condition";
        first.Respond(FetchKey.Conditions, sample.PatientId, FhirStub.Ok(page1), priority: 10);
        pages.Server.Given(Request.Create().UsingGet().WithPath(pagesPath).WithParam("_page", "2")).AtPriority(1).RespondWith(FhirStub.Ok(page2));
        pages.Server.Given(Request.Create().UsingGet().WithPath(pagesPath).WithParam("_page", "3")).AtPriority(1).RespondWith(FhirStub.Ok(page3));
        return (page1, page2, page3);
    }

    private static string PageOf(IRequestMessage r) =>
        FhirStub.QueryPairs(r.RawQuery).Where(p => p.Key == "_page").Select(p => p.Value).SingleOrDefault() ?? string.Empty;
}
