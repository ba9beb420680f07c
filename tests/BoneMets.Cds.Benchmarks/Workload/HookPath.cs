using System.Text.Json;
using BoneMets.Cds.Api.Contracts;
using BoneMets.Cds.Api.Hosting;
using BoneMets.Cds.Fhir;
using BoneMets.Cds.Fhir.Prefetch;

namespace BoneMets.Cds.Benchmarks.Workload;

/// <summary>
/// The hook's hot path in-process, as <c>POST /cds-services/{id}</c> runs it for a request whose prefetch is complete
/// (no FHIR fetch, no HTTP): parse the body (<see cref="JsonDocument"/>) → validate the envelope
/// (<see cref="HookRequestParser"/>) → judge, parse and map the prefetch (<see cref="PatientDataReader"/>) → rules →
/// cards → response JSON (source-generated). Shared by the benchmarks and the equivalence test (linked into
/// BoneMets.Cds.Api.Tests) so that both measure and check the same code.
/// </summary>
public static class HookPath
{
    /// <summary>The endpoint's document options (default depth limit; duplicate properties are checked where read:
    /// <see cref="JsonDuplicates"/>).</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = new CdsOptions().MaxJsonDepth,
        AllowDuplicateProperties = true,
    };

    /// <summary>Whole path: request body in, response body out.</summary>
    /// <param name="reader">The runtime's reader, or one made with <c>skipIrrelevantEntries: false</c>.</param>
    public static byte[] Run(CdsRuntime runtime, PatientDataReader reader, ReadOnlyMemory<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        using var document = JsonDocument.Parse(body, DocumentOptions);
        var (request, data) = Read(runtime, reader, document, now);
        return Respond(runtime, data, request.Context, now);
    }

    /// <summary>Parse + judge + map: the request envelope and the patient's facts. The facts hold no reference into
    /// <paramref name="document"/>.</summary>
    public static (HookRequest Request, PatientDataResult Data) Read(CdsRuntime runtime, PatientDataReader reader, JsonDocument document, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(document);
        if (JsonDuplicates.InRequestEnvelope(document.RootElement) is not null)
        {
            throw new InvalidOperationException("duplicate property in the request envelope");
        }

        var (request, error) = HookRequestParser.Parse(document.RootElement, runtime.Service.Hook);
        if (request is null)
        {
            throw new InvalidOperationException("invalid hook request: " + error);
        }

        return (request, reader.Read(request.Prefetch, request.Context.PatientId, now));
    }

    /// <summary>Rules + cards + response JSON. A result without facts (required data missing: the service answers 412)
    /// gives an empty array.</summary>
    public static byte[] Respond(CdsRuntime runtime, PatientDataResult data, HookContext context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Facts is null)
        {
            return [];
        }

        var recommendations = runtime.Engine.Evaluate(data.Facts, now);
        var cards = new Card[recommendations.Count];
        for (var i = 0; i < cards.Length; i++)
        {
            cards[i] = runtime.Cards.Create(recommendations[i], runtime.Service.Id, context, data.PartialKeys);
        }

        return JsonSerializer.SerializeToUtf8Bytes(new CdsResponse(cards), CdsJsonContext.Default.CdsResponse);
    }

    /// <summary>A second reader over the runtime's templates and value sets, with or without the relevance
    /// pre-filter (the runtime's own reader has it on).</summary>
    public static PatientDataReader CreateReader(CdsRuntime runtime, bool skipIrrelevantEntries)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return new PatientDataReader(
            PatientDataTemplates.Create(runtime.Service.Prefetch, runtime.Service.SourceFile),
            runtime.Catalog,
            skipIrrelevantEntries,
            CdsRuntime.LabHorizon(runtime.Thresholds));
    }
}
