using System.Text.Json;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;

namespace BoneMets.Cds.Api.Tests.Infrastructure;

/// <summary>
/// The response checks R1–R11 of cds-hooks.md §6.5, applied to every 200 a test receives: shape, no null or empty values,
/// summary length, indicator, UUIDs, selection behaviour, actions with parseable FHIR resources, override reasons, links.
/// </summary>
public static class ResponseAssertions
{
    private static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);
    private static readonly string[] Indicators = ["info", "warning", "critical"];
    private static readonly string[] Topics = ["spinal-cord-compression", "suspected-bone-metastasis", "hypercalcemia", "pathological-fracture"];

    public static void AssertValidCdsResponse(JsonElement root, string patientId)
    {
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        var cards = root.GetProperty("cards");
        Assert.Equal(JsonValueKind.Array, cards.ValueKind);
        Assert.False(root.TryGetProperty("systemActions", out _), "systemActions must be absent (never empty)");
        AssertNoEmptyValues(root, "$", allowEmptyCards: true);

        var uuids = new HashSet<string>();
        var topics = new HashSet<string>();
        foreach (var card in cards.EnumerateArray())
        {
            var summary = card.GetProperty("summary").GetString()!;
            Assert.InRange(summary.Length, 1, 139);
            Assert.Contains(card.GetProperty("indicator").GetString(), Indicators);
            var uuid = card.GetProperty("uuid").GetString()!;
            Assert.True(Guid.TryParseExact(uuid, "D", out _), $"card uuid '{uuid}' is not a UUID");
            Assert.True(uuids.Add(uuid), "card uuids must be unique");

            var source = card.GetProperty("source");
            Assert.False(string.IsNullOrWhiteSpace(source.GetProperty("label").GetString()));
            Assert.StartsWith("https://", source.GetProperty("url").GetString());
            var topic = source.GetProperty("topic");
            Assert.False(string.IsNullOrWhiteSpace(topic.GetProperty("system").GetString()));
            var topicCode = topic.GetProperty("code").GetString()!;
            Assert.Contains(topicCode, Topics);
            Assert.True(topics.Add(topicCode), "at most one card per kind");

            var detail = card.GetProperty("detail").GetString()!;
            Assert.DoesNotContain("<script", detail, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", detail, StringComparison.OrdinalIgnoreCase);

            if (card.TryGetProperty("suggestions", out var suggestions))
            {
                var behaviour = card.GetProperty("selectionBehavior").GetString();
                Assert.Contains(behaviour, new[] { "at-most-one", "any" });
                var recommended = 0;
                foreach (var s in suggestions.EnumerateArray())
                {
                    Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("label").GetString()));
                    Assert.True(Guid.TryParseExact(s.GetProperty("uuid").GetString(), "D", out _));
                    Assert.True(uuids.Add(s.GetProperty("uuid").GetString()!), "suggestion uuids must be unique");
                    if (s.TryGetProperty("isRecommended", out var rec) && rec.GetBoolean())
                    {
                        recommended++;
                    }

                    var actions = s.GetProperty("actions");
                    Assert.True(actions.GetArrayLength() > 0);
                    foreach (var a in actions.EnumerateArray())
                    {
                        Assert.Equal("create", a.GetProperty("type").GetString());
                        Assert.False(string.IsNullOrWhiteSpace(a.GetProperty("description").GetString()));
                        var sr = a.GetProperty("resource").Deserialize<ServiceRequest>(Fhir)!;
                        Assert.Equal(RequestStatus.Draft, sr.Status);
                        Assert.Equal("Patient/" + patientId, sr.Subject.Reference);
                        Assert.NotNull(sr.Priority);
                        Assert.NotEmpty(sr.Code!.Coding);
                    }
                }

                if (behaviour == "at-most-one")
                {
                    Assert.True(recommended <= 1, "at-most-one allows one recommended suggestion");
                }
            }
            else
            {
                Assert.False(card.TryGetProperty("selectionBehavior", out _));
            }

            foreach (var reason in card.GetProperty("overrideReasons").EnumerateArray())
            {
                Assert.False(string.IsNullOrWhiteSpace(reason.GetProperty("code").GetString()));
                Assert.False(string.IsNullOrWhiteSpace(reason.GetProperty("system").GetString()));
                Assert.False(string.IsNullOrWhiteSpace(reason.GetProperty("display").GetString()));
            }

            foreach (var link in card.GetProperty("links").EnumerateArray())
            {
                Assert.False(string.IsNullOrWhiteSpace(link.GetProperty("label").GetString()));
                Assert.True(Uri.TryCreate(link.GetProperty("url").GetString(), UriKind.Absolute, out var u) && u.Scheme is "https");
                Assert.Equal("absolute", link.GetProperty("type").GetString());
                Assert.False(link.TryGetProperty("appContext", out _));
            }
        }
    }

    /// <summary>No null, "", [] or {} anywhere (CDS Hooks "Use of JSON"), except the top-level cards array.</summary>
    public static void AssertNoEmptyValues(JsonElement e, string path, bool allowEmptyCards = false)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null:
                Assert.Fail($"null at {path}");
                break;
            case JsonValueKind.String:
                Assert.False(string.IsNullOrEmpty(e.GetString()), $"empty string at {path}");
                break;
            case JsonValueKind.Array:
                if (!(allowEmptyCards && path == "$.cards"))
                {
                    Assert.True(e.GetArrayLength() > 0, $"empty array at {path}");
                }

                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    AssertNoEmptyValues(item, $"{path}[{i++}]");
                }

                break;
            case JsonValueKind.Object:
                Assert.True(e.EnumerateObject().Any(), $"empty object at {path}");
                foreach (var p in e.EnumerateObject())
                {
                    AssertNoEmptyValues(p.Value, $"{path}.{p.Name}", allowEmptyCards);
                }

                break;
        }
    }

    /// <summary>An error body: a FHIR OperationOutcome with at least one issue, no stack trace.</summary>
    public static async Task<OperationOutcome> AssertOperationOutcomeAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        var outcome = JsonSerializer.Deserialize<OperationOutcome>(text, Fhir)!;
        Assert.NotEmpty(outcome.Issue);
        Assert.All(outcome.Issue, i => Assert.False(string.IsNullOrWhiteSpace(i.Diagnostics)));
        return outcome;
    }
}
