using System.Net;
using System.Net.Http.Headers;
using BoneMets.Cds.Api.Tests.Infrastructure;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// Tokens are judged on the wall clock when <c>Cds:EvaluationAsOf</c> pins the clinical clock (the samples profile), so
/// real EHR and sandbox tokens work with <c>dotnet run</c> (the cards are still evaluated on the clinical clock: here the
/// test host's anchor clock, which replaces the pinned one).
/// </summary>
public sealed class SecurityClockTests
{
    private static readonly DateTimeOffset Pinned = new(2020, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private static CdsApiFactory PinnedHost() => new(
        new Dictionary<string, string?> { ["Cds:EvaluationAsOf"] = Pinned.ToString("O") },
        "Development",
        signRequests: false);

    private static async Task<HttpResponseMessage> PostWithTokenAsync(HttpClient client, DateTimeOffset issuedAt)
    {
        var token = new TokenSpec { Key = TestEhr.Key, Issuer = TestEhr.Issuer, Audience = TestEhr.UrlOf(Hooks.ServicePath), IssuedAt = issuedAt }.Mint();
        using var request = new HttpRequestMessage(HttpMethod.Post, Hooks.ServicePath)
        {
            Content = new StringContent(Hooks.LoadSample("mscc-multi-card").ToJsonString()),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task PinnedEvaluationClock_TokenIssuedNow_IsAccepted()
    {
        using var factory = PinnedHost();
        using var client = factory.CreateClient();

        using var response = await PostWithTokenAsync(client, TimeProvider.System.GetUtcNow());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = await Hooks.ReadJsonAsync(response);
        Assert.Equal(3, doc.RootElement.GetProperty("cards").GetArrayLength());
    }

    [Fact]
    public async Task PinnedEvaluationClock_TokenIssuedAtThePinnedInstant_IsExpired()
    {
        using var factory = PinnedHost();
        using var client = factory.CreateClient();

        using var response = await PostWithTokenAsync(client, Pinned);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
    }
}
