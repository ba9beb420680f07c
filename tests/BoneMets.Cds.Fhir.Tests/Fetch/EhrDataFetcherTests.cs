using System.Diagnostics;
using BoneMets.Cds.Fhir.Fetch;
using BoneMets.Cds.Fhir.Prefetch;
using BoneMets.Cds.Fhir.Tests.Support;
using Hl7.Fhir.Model;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;
using static BoneMets.Cds.Fhir.Tests.Fetch.FetchHarness;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Fhir.Tests.Fetch;

/// <summary>The fetcher against WireMock as the EHR's FHIR server, through the real DI registration.</summary>
public sealed class EhrDataFetcherTests(ITestOutputHelper output)
{
    private static readonly string[] AllKeys = ["patient", "conditions", "labs", "symptoms", "imaging", "orders"];

    private static readonly Dictionary<string, string> ConditionQuery = new() { ["patient"] = Fixtures.PatientId };

    private static string PatientJson => Fixtures.Patient(extra: ",\"birthDate\":\"1960-01-01\"");

    private static string Calcium(string id) => Fixtures.Calcium(id, Fixtures.Quantity("10.1", "mg/dL"));

    private static string OperationOutcome =>
        """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"boom"}]}""";

    // ---------------------------------------------------------------- what is fetched, with what

    [Fact]
    public async Task No_prefetch_fetches_every_key_once_with_its_query_and_the_bearer_token()
    {
        using var h = Start();
        h.Serve("/fhir/Patient/p1", PatientJson);
        h.Serve("/fhir/Condition", Page(null, BreastCancer("c1")), parameters: ConditionQuery);
        h.Serve("/fhir/Observation", Page(null, Calcium("o1")), parameters: new Dictionary<string, string> { ["category"] = "laboratory" });
        h.Serve("/fhir/Observation", Page(null), parameters: new Dictionary<string, string> { ["category"] = "survey,exam" });
        h.Serve("/fhir/DiagnosticReport", Page(null));
        h.Serve("/fhir/ServiceRequest", Page(null));

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: AllKeys), h.BaseUri, Token, CancellationToken.None);

        var received = h.Received.Select(e => e.RequestMessage!).ToList();
        Assert.Equal(6, received.Count);
        Assert.All(received, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.Equal("Bearer " + Token, Assert.Single(r.Headers!["Authorization"]));
            Assert.Contains("application/fhir+json", r.Headers["Accept"].Single(), StringComparison.Ordinal);
        });
        foreach (var r in received)
        {
            output.WriteLine(r.Path + r.RawQuery);
        }

        var requested = received.Select(r => r.Path + "?" + Uri.UnescapeDataString(r.RawQuery?.TrimStart('?') ?? "")).Order().ToList();
        Assert.Equal(
            [
                "/fhir/Condition?patient=p1",
                "/fhir/DiagnosticReport?patient=p1&category=http://terminology.hl7.org/CodeSystem/v2-0074|RAD",
                "/fhir/Observation?patient=p1&category=laboratory&code=http://loinc.org|17861-6",
                "/fhir/Observation?patient=p1&category=survey,exam",
                "/fhir/Patient/p1?",
                "/fhir/ServiceRequest?patient=p1&status=active,completed",
            ],
            requested);

        Assert.IsType<Patient>(Assert.Single(snapshot[PatientDataKey.Patient].Resources));
        Assert.Equal("c1", Assert.Single(snapshot[PatientDataKey.Conditions].Resources).Id);
        Assert.Equal("o1", Assert.Single(snapshot[PatientDataKey.Labs].Resources).Id);
        Assert.Equal(PrefetchState.NoData, snapshot[PatientDataKey.Symptoms].State);
        Assert.Empty(snapshot.NotSatisfiedKeys);
    }

    [Fact]
    public async Task Partial_prefetch_fetches_only_the_missing_keys()
    {
        using var h = Start();
        h.Serve("/fhir/Observation", Page(null, Calcium("o1")));
        var prefetch = Snapshot(
            missing: ["labs"],
            values: new Dictionary<string, string> { ["patient"] = PatientJson, ["conditions"] = Page(null, BreastCancer("c1")) });

        var snapshot = await h.Fetcher.FillAsync(prefetch, h.BaseUri, Token, CancellationToken.None);

        var request = Assert.Single(h.Received).RequestMessage!;
        Assert.Equal("/fhir/Observation", request.Path);
        Assert.Equal("laboratory", request.Query!["category"].Single());
        Assert.Equal("o1", Assert.Single(snapshot[PatientDataKey.Labs].Resources).Id);
        Assert.Same(prefetch[PatientDataKey.Patient], snapshot[PatientDataKey.Patient]);
    }

    [Fact]
    public async Task Nothing_to_fetch_sends_nothing()
    {
        using var h = Start();
        var prefetch = Snapshot(missing: [], values: new Dictionary<string, string> { ["patient"] = PatientJson });

        var snapshot = await h.Fetcher.FillAsync(prefetch, h.BaseUri, Token, CancellationToken.None);

        Assert.Same(prefetch, snapshot);
        Assert.Empty(h.Received);
    }

    [Fact]
    public async Task Key_whose_prefetch_is_an_OperationOutcome_is_not_refetched()
    {
        using var h = Start();
        h.Serve("/fhir/Condition", Page(null, BreastCancer("c1")));
        var prefetch = Snapshot(missing: [], values: new Dictionary<string, string> { ["patient"] = PatientJson, ["conditions"] = OperationOutcome });

        var snapshot = await h.Fetcher.FillAsync(prefetch, h.BaseUri, Token, CancellationToken.None);

        Assert.Empty(h.Received);
        Assert.Equal(PrefetchState.NotSatisfied, snapshot[PatientDataKey.Conditions].State);
        Assert.Equal("OperationOutcome instead of data", snapshot[PatientDataKey.Conditions].Reason);
    }

    [Fact]
    public async Task Server_the_policy_refuses_receives_nothing()
    {
        using var h = Start(isDevelopment: false); // WireMock is http: refused outside Development
        h.Serve("/fhir/Patient/p1", PatientJson);
        var prefetch = Snapshot(missing: ["patient"]);

        var snapshot = await h.Fetcher.FillAsync(prefetch, h.BaseUri, Token, CancellationToken.None);

        Assert.Empty(h.Received);
        Assert.Same(prefetch, snapshot);
    }

    [Fact]
    public async Task Server_not_on_the_allow_list_receives_nothing()
    {
        using var h = Start();
        using var canary = Start();
        canary.Serve("/fhir/Patient/p1", PatientJson);

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), canary.BaseUri, Token, CancellationToken.None);

        Assert.Empty(canary.Received);
        Assert.Equal(PrefetchState.NotSatisfied, snapshot[PatientDataKey.Patient].State);
    }

    [Fact]
    public async Task Open_server_is_fetched_without_authorization()
    {
        using var h = Start(o => o.OpenServers = [.. o.AllowedServers]);
        h.Serve("/fhir/Patient/p1", PatientJson);

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, accessToken: null, CancellationToken.None);

        var request = Assert.Single(h.Received).RequestMessage!;
        Assert.False(request.Headers!.ContainsKey("Authorization"));
        Assert.Equal(PrefetchState.Satisfied, snapshot[PatientDataKey.Patient].State);
    }

    [Fact]
    public async Task Concurrent_calls_each_send_only_their_own_token()
    {
        using var h = Start();
        h.Server.Given(Request.Create().WithPath("/fhir/Patient/*").UsingGet())
            .RespondWith(Response.Create().WithDelay(50).WithStatusCode(200).WithHeader("Content-Type", FhirContentType)
                .WithBody("""{"resourceType":"Patient","id":"{{request.PathSegments.[2]}}"}""").WithTransformer());

        var calls = Enumerable.Range(0, 6).Select(i =>
            h.Fetcher.FillAsync(Snapshot(missing: ["patient"], patientId: "pt" + i), h.BaseUri, "token-" + i, CancellationToken.None));
        var snapshots = await Task.WhenAll(calls);

        Assert.All(snapshots, s => Assert.Equal(PrefetchState.Satisfied, s[PatientDataKey.Patient].State));
        Assert.Equal(6, h.Received.Count);
        Assert.All(h.Received, e =>
        {
            var id = e.RequestMessage!.Path.Split('/')[^1];
            Assert.Equal("Bearer token-" + id[2..], Assert.Single(e.RequestMessage.Headers!["Authorization"]));
        });
    }

    // ---------------------------------------------------------------- paging

    [Fact]
    public async Task Three_page_searchset_is_followed_to_the_end()
    {
        using var h = Start();
        h.Serve("/fhir/Condition", Page(h.Base + "/Condition?_page=2", BreastCancer("c1"), BreastCancer("c2")), parameters: ConditionQuery);
        h.Serve("/fhir/Condition", Page(h.Base + "/Condition?_page=3", BreastCancer("c3")), parameters: new Dictionary<string, string> { ["_page"] = "2" });
        h.Serve("/fhir/Condition", Page(null, BreastCancer("c4")), parameters: new Dictionary<string, string> { ["_page"] = "3" });

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["conditions"]), h.BaseUri, Token, CancellationToken.None);

        var conditions = snapshot[PatientDataKey.Conditions];
        Assert.Equal(["c1", "c2", "c3", "c4"], conditions.Resources.Select(r => r.Id));
        Assert.False(conditions.IsPartial);
        Assert.Equal(3, h.ReceivedOn("/fhir/Condition").Count);
        Assert.All(h.Received, e => Assert.Equal("Bearer " + Token, e.RequestMessage!.Headers!["Authorization"].Single()));
    }

    [Fact]
    public async Task Next_link_to_another_host_is_not_followed_and_the_first_page_is_kept()
    {
        using var h = Start();
        using var other = Start();
        other.Serve("/fhir/Condition", Page(null, BreastCancer("stolen")));
        h.Serve("/fhir/Condition", Page(other.Base + "/Condition?_page=2", BreastCancer("c1")));

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["conditions"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Empty(other.Received);
        var conditions = snapshot[PatientDataKey.Conditions];
        Assert.Equal(PrefetchState.Satisfied, conditions.State);
        Assert.Equal("c1", Assert.Single(conditions.Resources).Id);
        Assert.True(conditions.IsPartial);
    }

    [Theory]
    [InlineData("/fhirx/Condition?_page=2")] // same host, outside the base path
    [InlineData("/FHIR/Condition?_page=2")]  // path is case-sensitive
    public async Task Next_link_leaving_the_base_path_is_not_followed(string path)
    {
        using var h = Start();
        h.Server.Given(Request.Create().WithPath("/fhirx/*", "/FHIR/*").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", FhirContentType).WithBody(Page(null, BreastCancer("c2"))));
        h.Serve("/fhir/Condition", Page(h.Server.Url + path, BreastCancer("c1")));

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["conditions"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Single(h.Received);
        Assert.True(snapshot[PatientDataKey.Conditions].IsPartial);
    }

    [Fact]
    public async Task Page_cap_stops_paging_and_keeps_the_pages_so_far()
    {
        using var h = Start(o => o.MaxPages = 2);
        h.Serve("/fhir/Condition", Page(h.Base + "/Condition?_page=2", BreastCancer("c1")), parameters: ConditionQuery);
        h.Serve("/fhir/Condition", Page(h.Base + "/Condition?_page=3", BreastCancer("c2")), parameters: new Dictionary<string, string> { ["_page"] = "2" });
        h.Serve("/fhir/Condition", Page(null, BreastCancer("c3")), parameters: new Dictionary<string, string> { ["_page"] = "3" });

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["conditions"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Equal(2, h.Received.Count);
        Assert.Equal(["c1", "c2"], snapshot[PatientDataKey.Conditions].Resources.Select(r => r.Id));
        Assert.True(snapshot[PatientDataKey.Conditions].IsPartial);
    }

    [Fact]
    public async Task Partial_prefetch_page_is_continued_on_the_server_and_appended()
    {
        using var h = Start();
        h.Serve("/fhir/Condition", Page(null, BreastCancer("c2")), parameters: new Dictionary<string, string> { ["_page"] = "2" });
        var prefetch = Snapshot(
            missing: [],
            values: new Dictionary<string, string> { ["patient"] = PatientJson, ["conditions"] = Page(h.Base + "/Condition?_page=2", BreastCancer("c1")) });
        Assert.True(prefetch[PatientDataKey.Conditions].IsPartial);

        var snapshot = await h.Fetcher.FillAsync(prefetch, h.BaseUri, Token, CancellationToken.None);

        var request = Assert.Single(h.Received).RequestMessage!;
        Assert.Equal("2", request.Query!["_page"].Single());
        Assert.Equal(["c1", "c2"], snapshot[PatientDataKey.Conditions].Resources.Select(r => r.Id));
        Assert.False(snapshot[PatientDataKey.Conditions].IsPartial);
    }

    [Fact]
    public async Task Partial_prefetch_page_with_a_next_link_elsewhere_is_left_as_it_is()
    {
        using var h = Start();
        using var other = Start();
        other.Serve("/fhir/Condition", Page(null, BreastCancer("c2")));
        var prefetch = Snapshot(
            missing: [],
            values: new Dictionary<string, string> { ["patient"] = PatientJson, ["conditions"] = Page(other.Base + "/Condition?_page=2", BreastCancer("c1")) });

        var snapshot = await h.Fetcher.FillAsync(prefetch, h.BaseUri, Token, CancellationToken.None);

        Assert.Empty(other.Received);
        Assert.Empty(h.Received);
        Assert.Same(prefetch, snapshot);
    }

    [Fact]
    public async Task Failed_continuation_page_keeps_the_prefetch_page()
    {
        using var h = Start(o => o.MaxRetries = 0);
        h.Serve("/fhir/Condition", OperationOutcome, status: 500, parameters: new Dictionary<string, string> { ["_page"] = "2" });
        var prefetch = Snapshot(
            missing: [],
            values: new Dictionary<string, string> { ["patient"] = PatientJson, ["conditions"] = Page(h.Base + "/Condition?_page=2", BreastCancer("c1")) });

        var snapshot = await h.Fetcher.FillAsync(prefetch, h.BaseUri, Token, CancellationToken.None);

        Assert.Single(h.Received);
        Assert.Equal(PrefetchState.Satisfied, snapshot[PatientDataKey.Conditions].State);
        Assert.Equal("c1", Assert.Single(snapshot[PatientDataKey.Conditions].Resources).Id);
        Assert.True(snapshot[PatientDataKey.Conditions].IsPartial);
    }

    [Fact]
    public async Task Page_with_another_patients_entry_makes_the_key_not_satisfied()
    {
        using var h = Start();
        h.Serve("/fhir/Condition", Page(h.Base + "/Condition?_page=2", BreastCancer("c1")), parameters: ConditionQuery);
        h.Serve("/fhir/Condition", Page(null, BreastCancer("c2", patient: "someone-else")), parameters: new Dictionary<string, string> { ["_page"] = "2" });

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["conditions"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Equal(PrefetchState.NotSatisfied, snapshot[PatientDataKey.Conditions].State);
        Assert.Equal("from the FHIR server: Bundle entry for another patient or subject", snapshot[PatientDataKey.Conditions].Reason);
    }

    [Fact]
    public async Task Empty_searchset_from_the_server_is_no_data()
    {
        using var h = Start();
        h.Serve("/fhir/Condition", Page(null));

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["conditions"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Equal(PrefetchState.NoData, snapshot[PatientDataKey.Conditions].State);
    }

    // ---------------------------------------------------------------- what comes back

    [Theory]
    [InlineData(401, "the FHIR server refused the token (401)")]
    [InlineData(403, "the FHIR server refused the token (403)")]
    [InlineData(404, "not found on the FHIR server (404)")]
    [InlineData(400, "the FHIR server answered HTTP 400")]
    public async Task Client_error_status_is_not_retried_and_says_why(int status, string reason)
    {
        using var h = Start();
        h.Serve("/fhir/Patient/p1", OperationOutcome, status);

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Single(h.Received);
        Assert.Equal(PrefetchState.NotSatisfied, snapshot[PatientDataKey.Patient].State);
        Assert.Equal(reason, snapshot[PatientDataKey.Patient].Reason);
    }

    [Fact]
    public async Task Server_error_is_retried_then_reported()
    {
        using var h = Start(o => o.MaxRetries = 2);
        h.Serve("/fhir/Patient/p1", "oops", 500, "text/plain");

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Equal(3, h.Received.Count);
        Assert.Equal("the FHIR server answered HTTP 500", snapshot[PatientDataKey.Patient].Reason);
    }

    [Fact]
    public async Task Malformed_json_is_not_satisfied()
    {
        using var h = Start();
        h.Serve("/fhir/Patient/p1", """{"resourceType":"Patient","id":"p1",""");

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Single(h.Received);
        Assert.Equal(PrefetchState.NotSatisfied, snapshot[PatientDataKey.Patient].State);
        Assert.Equal("malformed JSON from the FHIR server", snapshot[PatientDataKey.Patient].Reason);
    }

    [Fact]
    public async Task Html_instead_of_FHIR_is_not_satisfied()
    {
        using var h = Start();
        h.Serve("/fhir/Patient/p1", "<html><body>login</body></html>", 200, "text/html");

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Equal("the FHIR server's response is not FHIR JSON", snapshot[PatientDataKey.Patient].Reason);
    }

    [Fact]
    public async Task Json_without_resourceType_is_not_satisfied()
    {
        using var h = Start();
        h.Serve("/fhir/Patient/p1", """{"id":"p1"}""");

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Equal(PrefetchState.NotSatisfied, snapshot[PatientDataKey.Patient].State);
        Assert.Equal("from the FHIR server: no resourceType", snapshot[PatientDataKey.Patient].Reason);
    }

    [Theory]
    [InlineData("patient", "/fhir/Patient/p1", "from the FHIR server: OperationOutcome instead of data")]
    [InlineData("conditions", "/fhir/Condition", "from the FHIR server: OperationOutcome instead of data")]
    public async Task OperationOutcome_body_with_200_is_not_satisfied(string key, string path, string reason)
    {
        using var h = Start();
        h.Serve(path, OperationOutcome);

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: [key]), h.BaseUri, Token, CancellationToken.None);

        var result = snapshot.Results.Single(r => r.Key == key);
        Assert.Equal(PrefetchState.NotSatisfied, result.State);
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public async Task OperationOutcome_inside_the_Bundle_is_not_satisfied()
    {
        using var h = Start();
        h.Serve("/fhir/Condition", Page(null, BreastCancer("c1"), OperationOutcome));

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["conditions"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Equal("from the FHIR server: OperationOutcome inside the Bundle", snapshot[PatientDataKey.Conditions].Reason);
    }

    [Fact]
    public async Task Read_returning_another_patient_is_not_satisfied()
    {
        using var h = Start();
        h.Serve("/fhir/Patient/p1", Fixtures.Patient("p2"));

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Equal("from the FHIR server: read returned a resource with another id", snapshot[PatientDataKey.Patient].Reason);
    }

    [Fact]
    public async Task Redirect_is_not_followed_and_its_target_receives_nothing()
    {
        using var h = Start();
        using var target = Start();
        target.Server.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", FhirContentType).WithBody(PatientJson));
        h.Server.Given(Get("/fhir/Patient/p1"))
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", target.Base + "/Patient/p1"));

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Empty(target.Received);
        Assert.Single(h.Received);
        Assert.Equal("the FHIR server answered with a redirect (302), which is not followed", snapshot[PatientDataKey.Patient].Reason);
    }

    [Fact]
    public async Task Oversized_response_is_aborted()
    {
        using var h = Start(o => o.MaxResponseBytes = 64 * 1024);
        var big = Fixtures.Patient(extra: $",\"text\":{{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">{new string('x', 1024 * 1024)}</div>\"}}");
        h.Serve("/fhir/Patient/p1", big);

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Single(h.Received); // not retried
        Assert.Equal(PrefetchState.NotSatisfied, snapshot[PatientDataKey.Patient].State);
        Assert.Equal("response from the FHIR server too large (limit 65536 bytes)", snapshot[PatientDataKey.Patient].Reason);
    }

    [Fact]
    public async Task Oversized_chunked_response_is_aborted()
    {
        using var h = Start(o => o.MaxResponseBytes = 64 * 1024);
        h.Server.Given(Get("/fhir/Patient/p1")).RespondWith(Response.Create()
            .WithStatusCode(200)
            .WithHeader("Content-Type", FhirContentType)
            .WithHeader("Transfer-Encoding", "chunked")
            .WithBody(Fixtures.Patient(extra: $",\"gender\":\"{new string('y', 512 * 1024)}\"")));

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Equal("response from the FHIR server too large (limit 65536 bytes)", snapshot[PatientDataKey.Patient].Reason);
    }

    // ---------------------------------------------------------------- retries, budget, breaker

    [Fact]
    public async Task Service_unavailable_then_ok_is_retried_once()
    {
        using var h = Start();
        h.Server.Given(Get("/fhir/Patient/p1")).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503));
        h.Server.Given(Get("/fhir/Patient/p1")).InScenario("flaky").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", FhirContentType).WithBody(PatientJson));

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Equal(2, h.Received.Count);
        Assert.Equal([503, 200], h.Received.Select(e => (int)e.ResponseMessage!.StatusCode!));
        Assert.Equal(PrefetchState.Satisfied, snapshot[PatientDataKey.Patient].State);
    }

    [Fact]
    public async Task Too_many_requests_with_Retry_After_inside_the_budget_waits_and_retries()
    {
        using var h = Start(o =>
        {
            o.TotalBudget = TimeSpan.FromSeconds(2.5);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(500);
        });
        h.Server.Given(Get("/fhir/Patient/p1")).InScenario("busy").WillSetStateTo("free")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"));
        h.Server.Given(Get("/fhir/Patient/p1")).InScenario("busy").WhenStateIs("free")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", FhirContentType).WithBody(PatientJson));

        var watch = Stopwatch.StartNew();
        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);
        watch.Stop();

        Assert.Equal(2, h.Received.Count);
        Assert.Equal(PrefetchState.Satisfied, snapshot[PatientDataKey.Patient].State);
        var gap = h.Received[1].RequestMessage!.DateTime - h.Received[0].RequestMessage!.DateTime;
        Assert.True(gap >= TimeSpan.FromMilliseconds(950), $"the retry waited {gap.TotalMilliseconds} ms, not the 1 s of Retry-After");
        output.WriteLine($"429 + Retry-After 1 s: answered in {watch.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData("5")]
    [InlineData("120")]
    public async Task Too_many_requests_with_Retry_After_beyond_the_budget_is_not_retried(string retryAfter)
    {
        using var h = Start(o =>
        {
            o.TotalBudget = TimeSpan.FromMilliseconds(600);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        });
        h.Server.Given(Get("/fhir/Patient/p1"))
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", retryAfter));

        var watch = Stopwatch.StartNew();
        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);
        watch.Stop();

        Assert.Single(h.Received);
        Assert.Equal("the FHIR server is rate limiting (429)", snapshot[PatientDataKey.Patient].Reason);
        Assert.True(watch.ElapsedMilliseconds < 600, $"gave up after {watch.ElapsedMilliseconds} ms: it should not wait for the budget");
    }

    [Fact]
    public async Task Slow_server_answers_within_the_budget_plus_a_small_margin()
    {
        using var h = Start(o =>
        {
            o.TotalBudget = TimeSpan.FromMilliseconds(500);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        });
        h.Server.Given(Request.Create().UsingGet())
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(2)).WithStatusCode(200).WithHeader("Content-Type", FhirContentType).WithBody(PatientJson));

        var watch = Stopwatch.StartNew();
        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: AllKeys), h.BaseUri, Token, CancellationToken.None);
        watch.Stop();

        output.WriteLine($"slow server, budget 500 ms: answered in {watch.ElapsedMilliseconds} ms");
        Assert.True(watch.ElapsedMilliseconds < 500 + 400, $"answered after {watch.ElapsedMilliseconds} ms");
        Assert.All(snapshot.Results, r =>
        {
            Assert.Equal(PrefetchState.NotSatisfied, r.State);
            Assert.Equal("fetch from the FHIR server timed out (budget 0.5 s)", r.Reason);
        });
    }

    [Fact]
    public async Task Every_attempt_timing_out_says_so()
    {
        using var h = Start(o =>
        {
            o.TotalBudget = TimeSpan.FromSeconds(2);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(100);
            o.MaxRetries = 1;
        });
        h.Server.Given(Get("/fhir/Patient/p1"))
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(1)).WithStatusCode(200).WithHeader("Content-Type", FhirContentType).WithBody(PatientJson));

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);

        Assert.Equal("the FHIR server did not answer in time (attempt timeout 0.1 s)", snapshot[PatientDataKey.Patient].Reason);
    }

    [Fact]
    public async Task Caller_cancellation_stops_the_fetch()
    {
        using var h = Start(o => o.TotalBudget = TimeSpan.FromSeconds(5));
        h.Server.Given(Request.Create().UsingGet())
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(2)).WithStatusCode(200).WithHeader("Content-Type", FhirContentType).WithBody(PatientJson));
        using var disconnect = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, disconnect.Token));

        Assert.True(watch.ElapsedMilliseconds < 100 + 400, $"stopped after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Repeated_failures_open_the_circuit_and_the_next_call_fails_fast_without_a_request()
    {
        using var h = Start(o =>
        {
            o.MaxRetries = 0;
            o.BreakerMinimumThroughput = 2;
            o.BreakerFailureRatio = 0.5;
            o.BreakerSamplingDuration = TimeSpan.FromSeconds(30);
            o.BreakerBreakDuration = TimeSpan.FromSeconds(30);
        });
        h.Serve("/fhir/Patient/p1", "down", 503, "text/plain");

        for (var i = 0; i < 2; i++)
        {
            var failed = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);
            Assert.Equal("the FHIR server answered HTTP 503", failed[PatientDataKey.Patient].Reason);
        }

        Assert.Equal(2, h.Received.Count);

        var watch = Stopwatch.StartNew();
        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: AllKeys), h.BaseUri, Token, CancellationToken.None);
        watch.Stop();

        output.WriteLine($"circuit open: 6 keys answered in {watch.Elapsed.TotalMilliseconds:0.0} ms");
        Assert.Equal(2, h.Received.Count); // nothing reached WireMock
        Assert.All(snapshot.Results, r => Assert.Equal("circuit open for this FHIR server", r.Reason));
        Assert.True(watch.ElapsedMilliseconds < 200, $"circuit-open answer took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Circuit_is_per_FHIR_base()
    {
        using var h = Start(o =>
        {
            o.AllowedServers.Add(o.AllowedServers[0] + "2"); // a second base on the same host: {url}/fhir2
            o.MaxRetries = 0;
            o.BreakerMinimumThroughput = 2;
            o.BreakerBreakDuration = TimeSpan.FromSeconds(30);
        });
        h.Serve("/fhir/Patient/p1", "down", 503, "text/plain");
        h.Serve("/fhir2/Patient/p1", PatientJson);
        for (var i = 0; i < 2; i++)
        {
            await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);
        }

        var broken = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), h.BaseUri, Token, CancellationToken.None);
        var healthy = await h.Fetcher.FillAsync(Snapshot(missing: ["patient"]), new Uri(h.Base + "2"), Token, CancellationToken.None);

        Assert.Equal("circuit open for this FHIR server", broken[PatientDataKey.Patient].Reason);
        Assert.Equal(PrefetchState.Satisfied, healthy[PatientDataKey.Patient].State);
        Assert.Equal(2, h.ReceivedOn("/fhir/Patient/p1").Count);
        Assert.Single(h.ReceivedOn("/fhir2/Patient/p1"));
    }

    // ---------------------------------------------------------------- what never leaks

    [Fact]
    public async Task Logs_never_carry_the_token_the_patient_id_or_a_body()
    {
        const string patientId = "zq-patient-93";
        using var h = Start(o =>
        {
            o.MaxRetries = 1;
            o.MaxPages = 3;
        });
        h.Serve("/fhir/Patient/" + patientId, Fixtures.Patient(patientId));
        h.Serve("/fhir/Condition", Page(h.Base + "/Condition?patient=" + patientId + "&_page=2", BreastCancer("c1", patientId)));
        h.Serve("/fhir/Observation", "secret-body-text", 503, "text/plain");
        h.Serve("/fhir/DiagnosticReport", OperationOutcome, 401);
        h.Serve("/fhir/ServiceRequest", "{broken secret-body-text");

        await h.Fetcher.FillAsync(Snapshot(missing: AllKeys, patientId: patientId), h.BaseUri, Token, CancellationToken.None);

        var lines = h.Logs.Lines;
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.Contains("FHIR fetch patient", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            Assert.DoesNotContain(Token, line, StringComparison.Ordinal);
            Assert.DoesNotContain(patientId, line, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-body-text", line, StringComparison.Ordinal);
            Assert.DoesNotContain("boom", line, StringComparison.Ordinal);
        }

    }

    [Fact]
    public async Task Reasons_never_carry_the_token_the_patient_id_or_a_body()
    {
        const string patientId = "zq-patient-93";
        using var h = Start(o => o.MaxRetries = 0);
        h.Serve("/fhir/Patient/" + patientId, "secret-body-text " + Token, 500, "text/plain");
        h.Serve("/fhir/Condition", """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"secret-body-text"}]}""", 403);
        h.Serve("/fhir/Observation", "{secret-body-text");

        var snapshot = await h.Fetcher.FillAsync(Snapshot(missing: AllKeys, patientId: patientId), h.BaseUri, Token, CancellationToken.None);

        Assert.All(snapshot.Results, r =>
        {
            Assert.Equal(PrefetchState.NotSatisfied, r.State);
            Assert.DoesNotContain(Token, r.Reason!, StringComparison.Ordinal);
            Assert.DoesNotContain(patientId, r.Reason!, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", r.Reason!, StringComparison.Ordinal);
            Assert.DoesNotContain("http", r.Reason!, StringComparison.Ordinal);
        });
    }

    // ---------------------------------------------------------------- the HTTP client itself

    [Fact]
    public async Task Only_GET_is_retried()
    {
        using var h = Start(o => o.MaxRetries = 2);
        h.Server.Given(Request.Create().WithPath("/fhir/x").UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(503));
        using var http = h.HttpClientFactory.CreateClient(FhirClientNames.Ehr);

        using (var post = await http.PostAsync(new Uri(h.Base + "/x"), new StringContent("{}")))
        {
            Assert.Equal(503, (int)post.StatusCode);
        }

        Assert.Single(h.Received);
        using (var get = await http.GetAsync(new Uri(h.Base + "/x")))
        {
            Assert.Equal(503, (int)get.StatusCode);
        }

        Assert.Equal(1 + 3, h.Received.Count);
    }

    [Fact]
    public void The_EHR_client_caps_the_buffer_and_follows_no_redirects()
    {
        using var h = Start(o => o.MaxResponseBytes = 12345);
        using var http = h.HttpClientFactory.CreateClient(FhirClientNames.Ehr);

        Assert.Equal(12345, http.MaxResponseContentBufferSize);
    }
}
