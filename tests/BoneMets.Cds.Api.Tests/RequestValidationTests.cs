using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;

namespace BoneMets.Cds.Api.Tests;

/// <summary>The error table of decision 1 (cds-hooks.md §2.7, §6.3): status codes and OperationOutcome bodies.</summary>
public sealed class RequestValidationTests(CdsApiFactory factory) : IClassFixture<CdsApiFactory>
{
    public static TheoryData<string, string> BadRequests => new()
    {
        // mutation, expected OperationOutcome expression
        { "remove:hook", "hook" },
        { "set:hook=42", "hook" },
        { "set:hook=\"order-sign\"", "hook" },
        { "set:hook=\"foo-bar\"", "hook" },
        { "remove:hookInstance", "hookInstance" },
        { "set:hookInstance=\"\"", "hookInstance" },
        { "set:hookInstance=7", "hookInstance" },
        { "remove:context", "context" },
        { "set:context=\"patient\"", "context" },
        { "remove:context.patientId", "context.patientId" },
        { "set:context.patientId=\"\"", "context.patientId" },
        { "set:context.patientId=null", "context.patientId" },
        { "set:context.patientId=\"Patient/123\"", "context.patientId" },
        { "remove:context.userId", "context.userId" },
        { "set:context.userId=\"Device/1\"", "context.userId" },
        { "set:context.encounterId=5", "context.encounterId" },
        { "set:fhirAuthorization={\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"s\",\"subject\":\"c\"}", "fhirServer" },
        { "set:fhirServer=\"https://ehr.example.org/fhir\";set:fhirAuthorization={\"token_type\":\"Bearer\",\"expires_in\":300,\"scope\":\"s\",\"subject\":\"c\"}", "fhirAuthorization.access_token" },
        { "set:fhirServer=\"https://ehr.example.org/fhir\";set:fhirAuthorization={\"access_token\":\"t\",\"token_type\":\"MAC\",\"expires_in\":300,\"scope\":\"s\",\"subject\":\"c\"}", "fhirAuthorization.token_type" },
        { "set:fhirServer=\"https://ehr.example.org/fhir\";set:fhirAuthorization={\"access_token\":\"t\",\"token_type\":\"Bearer\",\"expires_in\":\"300\",\"scope\":\"s\",\"subject\":\"c\"}", "fhirAuthorization.expires_in" },
        { "set:fhirServer=\"not a url\"", "fhirServer" },
        { "set:prefetch=[]", "prefetch" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Hook_InvalidRequest_Is400NamingTheField(string mutation, string expression)
    {
        var request = new RequestBuilder().Build();
        Mutate(request, mutation);
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var outcome = await ResponseAssertions.AssertOperationOutcomeAsync(response);
        Assert.Contains(expression, outcome.Issue[0].Expression);
    }

    [Theory]
    [InlineData("{\"hook\":")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"patient-view\"")]
    [InlineData("{\"hook\":\"patient-view\",\"hook\":\"patient-view\"}")]
    public async Task Hook_MalformedBody_Is400(string body)
    {
        using var client = factory.CreateClient();

        using var response = await Hooks.PostRawAsync(client, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ResponseAssertions.AssertOperationOutcomeAsync(response);
    }

    [Fact]
    public async Task Hook_VeryDeepJson_Is400NotACrash()
    {
        var body = new StringBuilder();
        body.Append("{\"hook\":\"patient-view\",\"extension\":");
        body.Append('[', 10_000).Append(']', 10_000).Append('}');
        using var client = factory.CreateClient();

        using var response = await Hooks.PostRawAsync(client, body.ToString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ResponseAssertions.AssertOperationOutcomeAsync(response);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Hook_NonJsonContentType_Is415(string contentType)
    {
        using var client = factory.CreateClient();

        using var response = await Hooks.PostRawAsync(client, new RequestBuilder().Build().ToJsonString(), contentType: contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await ResponseAssertions.AssertOperationOutcomeAsync(response);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/fhir+json")]
    public async Task Hook_JsonContentTypeVariants_Are200(string contentType)
    {
        using var client = factory.CreateClient();

        using var response = await Hooks.PostRawAsync(client, new RequestBuilder().Build().ToJsonString(), contentType: contentType);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Hook_BodyOverLimit_Is413()
    {
        using var small = new CdsApiFactory(new Dictionary<string, string?> { ["Cds:MaxRequestBodyBytes"] = "4096" });
        using var client = small.CreateClient();
        var request = new RequestBuilder().Build();
        request["extension"] = new JsonObject { ["padding"] = new string('x', 10_000) };

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await ResponseAssertions.AssertOperationOutcomeAsync(response);
    }

    [Fact]
    public async Task Hook_UnknownService_Is404()
    {
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, new RequestBuilder().Build(), "/cds-services/does-not-exist");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await ResponseAssertions.AssertOperationOutcomeAsync(response);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Hook_WrongMethod_Is405(string method)
    {
        using var client = factory.CreateClient();
        using var message = new HttpRequestMessage(new HttpMethod(method), Hooks.ServicePath);

        using var response = await client.SendAsync(message);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        await ResponseAssertions.AssertOperationOutcomeAsync(response);
    }

    [Fact]
    public async Task Hook_TrailingSlash_IsServedLikeWithout()
    {
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, new RequestBuilder().Build(), Hooks.ServicePath + "/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Hook_UnknownFieldsExtensionAndEncounter_AreIgnored()
    {
        var request = new RequestBuilder().Build();
        request["extension"] = new JsonObject { ["com.example.flag"] = true };
        request["somethingNew"] = 1;
        request["context"]!["encounterId"] = "enc-1";
        request["prefetch"]!["notAsked"] = new JsonObject { ["resourceType"] = "Basic" };
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = await Hooks.ReadJsonAsync(response);
        Assert.Equal("{\"cards\":[]}", doc.RootElement.GetRawText());
    }

    [Theory]
    [InlineData("Practitioner/abc")]
    [InlineData("PractitionerRole/abc")]
    [InlineData("Patient/abc")]
    [InlineData("RelatedPerson/abc")]
    public async Task Hook_EachAllowedUserType_Is200(string userId)
    {
        var request = new RequestBuilder().Build();
        request["context"]!["userId"] = userId;
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static void Mutate(JsonObject request, string mutations)
    {
        foreach (var mutation in mutations.Split(';'))
        {
            var (op, rest) = (mutation[..mutation.IndexOf(':', StringComparison.Ordinal)], mutation[(mutation.IndexOf(':', StringComparison.Ordinal) + 1)..]);
            var eq = rest.IndexOf('=', StringComparison.Ordinal);
            var path = op == "set" ? rest[..eq] : rest;
            var parts = path.Split('.');
            JsonObject parent = request;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                parent = parent[parts[i]]!.AsObject();
            }

            if (op == "remove")
            {
                parent.Remove(parts[^1]);
            }
            else
            {
                parent[parts[^1]] = JsonNode.Parse(rest[(eq + 1)..]);
            }
        }
    }
}
