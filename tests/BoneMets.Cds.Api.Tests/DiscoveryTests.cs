using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using BoneMets.Cds.Api.Tests.Infrastructure;

namespace BoneMets.Cds.Api.Tests;

public sealed partial class DiscoveryTests(CdsApiFactory factory) : IClassFixture<CdsApiFactory>
{
    private static readonly string[] AllowedTokens =
        ["context.userId", "context.patientId", "context.encounterId", "userPractitionerId", "userPractitionerRoleId", "userPatientId", "userRelatedPersonId"];

    [Fact]
    public async Task Discovery_Get_ListsPatientViewServiceWithAllFields()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/cds-services");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = await Hooks.ReadJsonAsync(response);
        ResponseAssertions.AssertNoEmptyValues(doc.RootElement, "$");
        var service = Assert.Single(doc.RootElement.GetProperty("services").EnumerateArray());
        Assert.Equal("bone-metastasis-patient-view", service.GetProperty("id").GetString());
        Assert.Equal("patient-view", service.GetProperty("hook").GetString());
        Assert.False(string.IsNullOrWhiteSpace(service.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(service.GetProperty("description").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(service.GetProperty("usageRequirements").GetString()));
        var names = service.EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(new[] { "description", "hook", "id", "prefetch", "title", "usageRequirements" }, names);
    }

    [Fact]
    public async Task Discovery_Prefetch_HasEveryDataSourceAndOnlyCdsHooks20Tokens()
    {
        using var client = factory.CreateClient();
        using var doc = await Hooks.ReadJsonAsync(await client.GetAsync("/cds-services"));
        var prefetch = doc.RootElement.GetProperty("services")[0].GetProperty("prefetch");

        var keys = prefetch.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal("Patient/{{context.patientId}}", keys["patient"]);
        Assert.StartsWith("Condition?patient={{context.patientId}}", keys["conditions"]);
        Assert.StartsWith("Observation?patient={{context.patientId}}&category=laboratory", keys["labs"]);
        Assert.Contains("category=survey,exam", keys["symptoms"]);
        Assert.StartsWith("DiagnosticReport?", keys["imaging"]);
        Assert.StartsWith("ServiceRequest?", keys["orders"]);
        foreach (var template in keys.Values)
        {
            foreach (Match m in Token().Matches(template))
            {
                Assert.Contains(m.Groups[1].Value, AllowedTokens);
            }

            Assert.DoesNotContain("today()", template, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Discovery_Post_Is405WithOperationOutcome()
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsync("/cds-services", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        await ResponseAssertions.AssertOperationOutcomeAsync(response);
    }

    [Fact]
    public async Task OpenApi_Document_IsServed()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.GetProperty("paths").TryGetProperty("/cds-services/{id}", out _));
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_Endpoints_AreHealthy(string path)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex(@"\{\{([^{}]+)\}\}")]
    private static partial Regex Token();
}
