using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BoneMets.Cds.Api.Tests.Infrastructure;

/// <summary>Helpers to post hook requests built from the committed samples.</summary>
public static class Hooks
{
    public const string ServiceId = "bone-metastasis-patient-view";
    public const string ServicePath = "/cds-services/" + ServiceId;

    public static JsonObject LoadSample(string name) =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.SampleRequest(name)))!.AsObject();

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, JsonNode request, string path = ServicePath) =>
        PostRawAsync(client, request.ToJsonString(), path);

    public static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string body, string path = ServicePath, string contentType = "application/json")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return client.PostAsync(path, content);
    }

    public static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync());

    /// <summary>(topic code, indicator) of each card, in response order.</summary>
    public static List<(string Topic, string Indicator)> TopicsOf(JsonDocument doc) =>
        doc.RootElement.GetProperty("cards").EnumerateArray()
            .Select(c => (c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString()!, c.GetProperty("indicator").GetString()!))
            .ToList();

    public static JsonElement CardOf(JsonDocument doc, string topic) =>
        doc.RootElement.GetProperty("cards").EnumerateArray()
            .Single(c => c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString() == topic);
}
