using System.Text.Json;

namespace BoneMets.Cds.Fhir.Tests;

/// <summary>Duplicate property names as JSON defines them: compared after unescaping, per object.</summary>
public sealed class JsonDuplicatesTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    [Theory]
    [InlineData("""{"a":1,"a":2}""", true)]
    [InlineData("""{"a":1,"b":{"a":2}}""", false)]   // same name in another object
    [InlineData("""{"ab":1,"a\u0062":2}""", true)]   // escaped spelling of the same name
    [InlineData("""{"a\u0062":1,"ab":2}""", true)]
    [InlineData("""{"ab":1,"AB":2}""", false)]       // names are case-sensitive
    [InlineData("""{"":1,"":2}""", true)]
    [InlineData("""{}""", false)]
    [InlineData("""[1,2]""", false)]
    public void InObject_FindsDuplicatesOfThisObjectOnly(string json, bool expected) =>
        Assert.Equal(expected, JsonDuplicates.InObject(Parse(json)));

    [Theory]
    [InlineData(3, -1, false)]
    [InlineData(32, -1, false)]
    [InlineData(33, 32, true)]   // the duplicate is the first name past the inline hashes
    [InlineData(80, 79, true)]
    [InlineData(80, 5, true)]
    [InlineData(80, -1, false)]
    public void InObject_ManyProperties_AreAllCompared(int count, int duplicateOf, bool expected)
    {
        var names = Enumerable.Range(0, count).Select(i => $"\"p{i}\":{i}").ToList();
        if (duplicateOf >= 0)
        {
            names.Add($"\"p{duplicateOf}\":0");
        }

        Assert.Equal(expected, JsonDuplicates.InObject(Parse("{" + string.Join(",", names) + "}")));
    }

    [Theory]
    [InlineData("""{"a":{"b":[{"c":1,"c":2}]}}""", true)]
    [InlineData("""[[{"x":1}],{"y":{"z":1,"z":1}}]""", true)]
    [InlineData("""{"a":{"b":[{"c":1,"d":2}]},"e":[1,"e"]}""", false)]
    [InlineData("42", false)]
    public void InTree_SearchesEveryObject(string json, bool expected) =>
        Assert.Equal(expected, JsonDuplicates.InTree(Parse(json)));

    [Theory]
    [InlineData("""{"hook":"a","hook":"b"}""", "(request)")]
    [InlineData("""{"hook":"a","context":{"patientId":"1","patientId":"2"}}""", "context")]
    [InlineData("""{"fhirAuthorization":{"scope":"x","scope":"y"}}""", "fhirAuthorization")]
    [InlineData("""{"prefetch":{"patient":null,"patient":{}}}""", "prefetch")]
    [InlineData("""{"prefetch":{"labs":{"entry":[{"resource":{"id":"1","id":"2"}}]}}}""", null)]   // left to the reader
    [InlineData("""{"hook":"a","prefetch":{"labs":null},"context":{"patientId":"1"}}""", null)]
    [InlineData("""[{"a":1,"a":1}]""", "(request)")]
    public void InRequestEnvelope_ChecksAllButThePrefetchValues(string json, string? expected) =>
        Assert.Equal(expected, JsonDuplicates.InRequestEnvelope(Parse(json)));
}
