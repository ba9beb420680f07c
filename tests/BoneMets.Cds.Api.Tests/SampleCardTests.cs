using System.Net;
using System.Text.Json;
using BoneMets.Cds.Api.Tests.Infrastructure;

namespace BoneMets.Cds.Api.Tests;

/// <summary>
/// One test per committed sample: posting samples/requests/&lt;name&gt;.json returns exactly the cards listed for it in
/// samples/patients/expected-cards.json (topic and indicator), and every response passes the CDS Hooks response checks.
/// </summary>
public sealed class SampleCardTests(CdsApiFactory factory) : IClassFixture<CdsApiFactory>
{
    public static TheoryData<string> SampleNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Expected().Keys.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public async Task Sample_Posted_ReturnsExactlyItsExpectedCards(string name)
    {
        var request = Hooks.LoadSample(name);
        var patientId = request["context"]!["patientId"]!.GetValue<string>();
        using var client = factory.CreateClient();

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = await Hooks.ReadJsonAsync(response);
        ResponseAssertions.AssertValidCdsResponse(doc.RootElement, patientId);
        var actual = Hooks.TopicsOf(doc).Select(t => $"{t.Topic}/{t.Indicator}").Order(StringComparer.Ordinal).ToArray();
        var expected = Expected()[name].Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Samples_EveryRequestHasAnExpectation()
    {
        var requests = Directory.GetFiles(Path.Combine(RepoPaths.Root, "samples", "requests"), "*.json")
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(Expected().Keys.Order(StringComparer.Ordinal).ToArray(), requests);
        Assert.True(requests.Length >= 20, "one sample per card kind and per must-not-fire case");
    }

    private static Dictionary<string, string[]> Expected()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "patients", "expected-cards.json")));
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var sample in doc.RootElement.EnumerateObject())
        {
            if (sample.Name.StartsWith('_'))
            {
                continue;
            }

            result[sample.Name] = sample.Value.EnumerateArray()
                .Select(c => $"{c.GetProperty("topic").GetString()}/{c.GetProperty("indicator").GetString()}")
                .ToArray();
        }

        return result;
    }
}
