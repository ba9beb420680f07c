using System.Text.Json;
using System.Text.RegularExpressions;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Scenarios;

/// <summary>One row of the scenario table: the patient, the exact card set the spec requires, and optional content checks.</summary>
public sealed record ScenarioCase(string Name, Func<PatientRecord> Build, (string Topic, string Indicator)[] Expected, Action<JsonDocument>? Check = null);

/// <summary>Topic codes (cds-hooks.md "Our decisions" 9), indicators and card-content probes.</summary>
public static class Cards
{
    public const string Mscc = "spinal-cord-compression";
    public const string Imaging = "suspected-bone-metastasis";
    public const string Calcium = "hypercalcemia";
    public const string Fracture = "pathological-fracture";

    private static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static (string, string) Info(string topic) => (topic, "info");

    public static (string, string) Warn(string topic) => (topic, "warning");

    public static (string, string) Crit(string topic) => (topic, "critical");

    /// <summary>Summary and detail of a card, joined (what a clinician reads).</summary>
    public static string Text(JsonDocument doc, string topic)
    {
        var card = Hooks.CardOf(doc, topic);
        var detail = card.TryGetProperty("detail", out var d) ? d.GetString() : string.Empty;
        return card.GetProperty("summary").GetString() + "\n" + detail;
    }

    /// <summary>Every string in the card (summary, detail, suggestion labels and resources, links).</summary>
    public static string AllText(JsonDocument doc, string topic)
    {
        var parts = new List<string>();
        Collect(Hooks.CardOf(doc, topic), parts);
        return string.Join("\n", parts);
    }

    public static IReadOnlyList<ServiceRequest> Suggested(JsonDocument doc, string topic)
    {
        var card = Hooks.CardOf(doc, topic);
        if (!card.TryGetProperty("suggestions", out var suggestions))
        {
            return [];
        }

        return suggestions.EnumerateArray()
            .SelectMany(s => s.GetProperty("actions").EnumerateArray())
            .Where(a => a.TryGetProperty("resource", out _))
            .Select(a => a.GetProperty("resource").Deserialize<ServiceRequest>(Fhir)!)
            .ToList();
    }

    public static void AssertWholeSpineMri(JsonDocument doc, RequestPriority priority)
    {
        var mri = Suggested(doc, Mscc).Where(sr => sr.Code?.Coding.Any(c => c.System == PatientRecord.Loinc && c.Code == "30854-4") == true).ToList();
        Assert.True(mri.Count == 1, "expected exactly one whole-spine MRI (LOINC 30854-4) suggestion on the MSCC card");
        Assert.Equal(priority, mri[0].Priority);
    }

    public static void AssertTextContains(JsonDocument doc, string topic, params string[] needles)
    {
        var text = Text(doc, topic);
        foreach (var n in needles)
        {
            Assert.True(text.Contains(n, StringComparison.OrdinalIgnoreCase), $"{topic} card summary/detail should contain '{n}':\n{text}");
        }
    }

    public static void AssertTextMatches(JsonDocument doc, string topic, string pattern)
    {
        var text = Text(doc, topic);
        Assert.True(Regex.IsMatch(text, pattern, RegexOptions.IgnoreCase), $"{topic} card summary/detail should match /{pattern}/:\n{text}");
    }

    public static void AssertAnyTextContains(JsonDocument doc, string topic, params string[] needles)
    {
        var text = AllText(doc, topic);
        foreach (var n in needles)
        {
            Assert.True(text.Contains(n, StringComparison.OrdinalIgnoreCase), $"{topic} card (anywhere) should contain '{n}':\n{text}");
        }
    }

    private static void Collect(JsonElement e, List<string> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                into.Add(e.GetString()!);
                break;
            case JsonValueKind.Array:
                foreach (var i in e.EnumerateArray())
                {
                    Collect(i, into);
                }

                break;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    Collect(p.Value, into);
                }

                break;
        }
    }
}
