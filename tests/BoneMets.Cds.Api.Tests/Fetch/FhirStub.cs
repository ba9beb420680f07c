using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Fetch;

/// <summary>The six prefetch keys of the patient-view service, in the order of its definition.</summary>
public enum FetchKey
{
    Patient,
    Conditions,
    Labs,
    Symptoms,
    Imaging,
    Orders,
}

/// <summary>
/// The EHR's FHIR server as a WireMock.Net stub on loopback (http), base <c>{server}/fhir</c>. Responses are Firely POCOs
/// serialised with the Firely System.Text.Json converters (FHIR JSON is never hand-written). Every request it receives
/// stays in <see cref="WireMockServer.LogEntries"/>, which is what the tests assert on.
/// </summary>
public sealed class FhirStub : IDisposable
{
    public const string BasePath = "/fhir";
    public const string FhirJsonType = "application/fhir+json; charset=utf-8";

    public static readonly JsonSerializerOptions Fhir = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    private FhirStub(WireMockServer server) => Server = server;

    public WireMockServer Server { get; }

    /// <summary>Scheme, host and port, e.g. <c>http://localhost:41234</c>.</summary>
    public string Root => Server.Url ?? throw new InvalidOperationException("WireMock has no URL.");

    /// <summary>The FHIR base the service is pointed at (<c>fhirServer</c>, allow-list entry).</summary>
    public string Base => Root + BasePath;

    public static FhirStub Start() => new(WireMockServer.Start());

    /// <summary>Every request received so far (entries without a request message are skipped).</summary>
    public IReadOnlyList<IRequestMessage> Requests =>
        Server.LogEntries.Select(e => e?.RequestMessage).OfType<IRequestMessage>().ToList();

    public IReadOnlyList<IRequestMessage> RequestsFor(FetchKey key) =>
        Requests.Where(r => KeyOf(r) == key).ToList();

    /// <summary>Matches the GET a service sends for <paramref name="key"/> (by path; Observations by category).</summary>
    public static IRequestBuilder RequestFor(FetchKey key, string patientId) => key switch
    {
        FetchKey.Patient => Request.Create().UsingGet().WithPath($"{BasePath}/Patient/{patientId}"),
        FetchKey.Conditions => Request.Create().UsingGet().WithPath($"{BasePath}/Condition"),
        FetchKey.Labs => Request.Create().UsingGet().WithPath($"{BasePath}/Observation")
            .WithParam(q => HasValue(q, "category", "laboratory")),
        FetchKey.Symptoms => Request.Create().UsingGet().WithPath($"{BasePath}/Observation")
            .WithParam(q => HasValue(q, "category", "survey") || HasValue(q, "category", "exam")),
        FetchKey.Imaging => Request.Create().UsingGet().WithPath($"{BasePath}/DiagnosticReport"),
        FetchKey.Orders => Request.Create().UsingGet().WithPath($"{BasePath}/ServiceRequest"),
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    /// <summary>Answers <paramref name="key"/>'s GET with <paramref name="response"/> (lower priority number wins).</summary>
    public FhirStub Respond(FetchKey key, string patientId, IResponseBuilder response, int priority = 10)
    {
        Server.Given(RequestFor(key, patientId)).AtPriority(priority).RespondWith(response);
        return this;
    }

    /// <summary>Serves the sample's data for every key (or the given ones): Patient read and searchset Bundles.</summary>
    public FhirStub Serve(SamplePatient sample, params FetchKey[] keys)
    {
        foreach (var key in keys.Length == 0 ? Enum.GetValues<FetchKey>() : keys)
        {
            Respond(key, sample.PatientId, Ok(sample.ResponseFor(key)));
        }

        return this;
    }

    public static IResponseBuilder Ok(Resource resource) => Json(200, resource);

    public static IResponseBuilder Json(int status, Resource resource) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", FhirJsonType).WithBody(Serialize(resource));

    public static string Serialize(Resource resource) => JsonSerializer.Serialize(resource, resource.GetType(), Fhir);

    /// <summary>An OperationOutcome as a FHIR server sends it with an error.</summary>
    public static OperationOutcome Outcome(OperationOutcome.IssueType code, string diagnostics) => new()
    {
        Issue =
        [
            new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = code,
                Diagnostics = diagnostics,
            },
        ],
    };

    /// <summary>Which key a received request was for, from its path and category; null if none.</summary>
    public static FetchKey? KeyOf(IRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path ?? string.Empty;
        if (path.StartsWith(BasePath + "/Patient/", StringComparison.Ordinal))
        {
            return FetchKey.Patient;
        }

        var categories = QueryPairs(request.RawQuery).Where(p => p.Key == "category").SelectMany(p => p.Value.Split(',')).ToList();
        return path switch
        {
            BasePath + "/Condition" => FetchKey.Conditions,
            BasePath + "/Observation" when categories.Contains("laboratory") => FetchKey.Labs,
            BasePath + "/Observation" when categories.Contains("survey") || categories.Contains("exam") => FetchKey.Symptoms,
            BasePath + "/DiagnosticReport" => FetchKey.Imaging,
            BasePath + "/ServiceRequest" => FetchKey.Orders,
            _ => null,
        };
    }

    /// <summary>The query of a received request as decoded (name, value) pairs, in order.</summary>
    public static List<KeyValuePair<string, string>> QueryPairs(string? rawQuery)
    {
        var query = (rawQuery ?? string.Empty).TrimStart('?');
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? string.Empty : part[(eq + 1)..];
            pairs.Add(new(Decode(name), Decode(value)));
        }

        return pairs;
    }

    /// <summary>The value of a request header (case-insensitive name), or null.</summary>
    public static string? Header(IRequestMessage request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers is null)
        {
            return null;
        }

        foreach (var (key, values) in request.Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return values is null ? null : string.Join(",", values);
            }
        }

        return null;
    }

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    private static bool HasValue(IDictionary<string, WireMockList<string>>? query, string name, string value)
    {
        if (query is null)
        {
            return false;
        }

        foreach (var (key, values) in query)
        {
            if (string.Equals(key, name, StringComparison.Ordinal)
                && values is not null
                && values.Any(v => v is not null && v.Split(',').Contains(value, StringComparer.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
