using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Fetch;

/// <summary>Hook requests that name a FHIR server, and the checks the fetch tests share.</summary>
public static class FetchAssert
{
    private static readonly Lazy<Dictionary<string, string>> Templates = new(LoadTemplates);

    public static string KeyName(FetchKey key) => key switch
    {
        FetchKey.Patient => "patient",
        FetchKey.Conditions => "conditions",
        FetchKey.Labs => "labs",
        FetchKey.Symptoms => "symptoms",
        FetchKey.Imaging => "imaging",
        FetchKey.Orders => "orders",
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    /// <summary>A fresh, recognisable access token per test (so a leak is attributable).</summary>
    public static string NewToken() => "ehr-token-" + Guid.NewGuid().ToString("N");

    /// <summary>Adds <c>fhirServer</c> and (when <paramref name="token"/> is given) <c>fhirAuthorization</c>.</summary>
    public static JsonObject WithServer(this JsonObject request, string fhirServer, string? token)
    {
        ArgumentNullException.ThrowIfNull(request);
        request["fhirServer"] = fhirServer;
        request.Remove("fhirAuthorization");
        if (token is not null)
        {
            var patientId = request["context"]!["patientId"]!.GetValue<string>();
            request["fhirAuthorization"] = new JsonObject
            {
                ["access_token"] = token,
                ["token_type"] = "Bearer",
                ["expires_in"] = 300,
                ["scope"] = "patient/Patient.read patient/Condition.read patient/Observation.read patient/DiagnosticReport.read patient/ServiceRequest.read",
                ["subject"] = "bone-metastasis-cds",
                ["patient"] = patientId,
            };
        }

        return request;
    }

    /// <summary>Keeps only the given prefetch keys; with none, removes <c>prefetch</c> altogether.</summary>
    public static JsonObject KeepPrefetch(this JsonObject request, params FetchKey[] keep)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (keep.Length == 0)
        {
            request.Remove("prefetch");
            return request;
        }

        var prefetch = request["prefetch"]!.AsObject();
        foreach (var key in Enum.GetValues<FetchKey>().Where(k => !keep.Contains(k)))
        {
            prefetch.Remove(KeyName(key));
        }

        return request;
    }

    /// <summary>The keys other than <paramref name="missing"/>.</summary>
    public static FetchKey[] AllBut(params FetchKey[] missing) => Enum.GetValues<FetchKey>().Where(k => !missing.Contains(k)).ToArray();

    /// <summary>The service's own template for <paramref name="key"/> with the patient id filled: path and query pairs.</summary>
    public static (string Path, List<KeyValuePair<string, string>> Query) Expected(FetchKey key, string patientId)
    {
        var filled = Templates.Value[KeyName(key)].Replace("{{context.patientId}}", patientId, StringComparison.Ordinal);
        var q = filled.IndexOf('?', StringComparison.Ordinal);
        var path = FhirStub.BasePath + "/" + (q < 0 ? filled : filled[..q]);
        return (path, q < 0 ? [] : FhirStub.QueryPairs(filled[(q + 1)..]));
    }

    /// <summary>
    /// The stub received exactly one GET per key in <paramref name="keys"/> and nothing else; each is the key's filled
    /// template (same path, same decoded query parameters in any order) with <c>Authorization: Bearer token</c>, or with no
    /// Authorization header at all when <paramref name="token"/> is null.
    /// </summary>
    public static void FetchedExactly(FhirStub stub, string patientId, string? token, params FetchKey[] keys)
    {
        ArgumentNullException.ThrowIfNull(stub);
        var requests = stub.Requests;
        var seen = string.Join("\n", requests.Select(r => $"{r.Method} {r.Path}{r.RawQuery}"));
        Assert.True(requests.Count == keys.Length, $"expected {keys.Length} requests ({string.Join(", ", keys)}), got {requests.Count}:\n{seen}");
        foreach (var key in keys)
        {
            var forKey = stub.RequestsFor(key);
            Assert.True(forKey.Count == 1, $"expected exactly one request for {key}, got {forKey.Count}:\n{seen}");
            var r = forKey[0];
            var (path, query) = Expected(key, patientId);
            Assert.Equal("GET", r.Method);
            Assert.Equal(path, r.Path);
            var actual = FhirStub.QueryPairs(r.RawQuery).Where(p => p.Key != "_format").Select(p => p.Key + "=" + p.Value).Order(StringComparer.Ordinal);
            Assert.Equal(query.Select(p => p.Key + "=" + p.Value).Order(StringComparer.Ordinal), actual);
            Assert.Equal(token is null ? null : "Bearer " + token, FhirStub.Header(r, "Authorization"));
        }
    }

    /// <summary>A 412 whose OperationOutcome names <paramref name="key"/>; returns all diagnostics joined.</summary>
    public static string PreconditionFailed(TimedResponse response, string key)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(response.Status == HttpStatusCode.PreconditionFailed, $"expected 412, got {(int)response.Status}: {response.Body}");
        Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal);
        var outcome = JsonSerializer.Deserialize<OperationOutcome>(response.Body, FhirStub.Fhir)!;
        Assert.NotEmpty(outcome.Issue);
        var diagnostics = string.Join(" | ", outcome.Issue.Select(i => i.Diagnostics));
        Assert.True(outcome.Issue.Any(i => i.Diagnostics?.Contains(key, StringComparison.Ordinal) == true), $"no issue names '{key}': {diagnostics}");
        return diagnostics;
    }

    /// <summary>A valid CDS Hooks 200; returns its cards.</summary>
    public static List<CardView> Ok(TimedResponse response, string patientId)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(response.Status == HttpStatusCode.OK, $"expected 200, got {(int)response.Status}: {response.Body}");
        using var doc = JsonDocument.Parse(response.Body);
        ResponseAssertions.AssertValidCdsResponse(doc.RootElement, patientId);
        return doc.RootElement.GetProperty("cards").EnumerateArray().Select(c => new CardView(
            c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString()!,
            c.GetProperty("indicator").GetString()!,
            c.GetProperty("summary").GetString()!,
            c.GetProperty("detail").GetString()!)).ToList();
    }

    /// <summary>Same cards: topic, indicator and summary of each, and whether it says a source was not available.</summary>
    public static void SameCards(IEnumerable<CardView> expected, IEnumerable<CardView> actual)
    {
        static string Key(CardView c) => $"{c.Topic}/{c.Indicator} | {c.Summary} | notAvailable={c.SaysNotAvailable}";
        Assert.Equal(expected.Select(Key).Order(StringComparer.Ordinal), actual.Select(Key).Order(StringComparer.Ordinal));
    }

    /// <summary>The access token appears neither in the hook's answer nor in any log line.</summary>
    public static void TokenNotLeaked(FetchHost host, TimedResponse response, string token)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(response);
        Assert.DoesNotContain(token, response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(token, host.AllLogs, StringComparison.Ordinal);
    }

    /// <summary>Every request the host sent went to <paramref name="fhirBase"/>.</summary>
    public static void OnlyTo(FetchHost host, string fhirBase)
    {
        ArgumentNullException.ThrowIfNull(host);
        foreach (var r in host.Outbound)
        {
            Assert.StartsWith(fhirBase + "/", r.Uri.AbsoluteUri, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> LoadTemplates()
    {
        var definition = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.CdsServices, "bone-metastasis-patient-view.json")))!;
        return definition["prefetch"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
    }
}

/// <summary>What the fetch tests compare of a card.</summary>
public sealed record CardView(string Topic, string Indicator, string Summary, string Detail)
{
    public bool SaysNotAvailable => Detail.Contains("Not available to this check", StringComparison.Ordinal);
}
