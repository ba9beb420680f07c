using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BoneMets.Cds.Api.Contracts;
using BoneMets.Cds.Api.Hosting;
using BoneMets.Cds.Benchmarks.Workload;
using BoneMets.Cds.Fhir;
using BoneMets.Cds.Fhir.Prefetch;

namespace BoneMets.Cds.Benchmarks;

/// <summary>
/// The hook's hot path in-process on the three payloads of <see cref="HookPayloads"/>, evaluated at the sample anchor
/// (2026-11-29T12:00Z).
/// <list type="bullet">
/// <item><c>HotPath_*</c>: request bytes → <see cref="JsonDocument"/> → envelope → prefetch judged, parsed, mapped →
/// rules → cards → response bytes (<see cref="HookPath.Run"/>).</item>
/// <item><c>Read_*</c>: the first stage only (parse + judge + map).</item>
/// <item><c>RulesAndCards_*</c>: the second stage only (rules + cards + response JSON) on facts read in setup.</item>
/// <item><c>*_NoPrefilter</c>: the large payload with every searchset entry materialised as a Firely POCO
/// (<c>PatientDataReader(skipIrrelevantEntries: false)</c>): the before of the relevance pre-filter.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private CdsRuntime _runtime = null!;
    private PatientDataReader _filtered = null!;
    private PatientDataReader _unfiltered = null!;
    private byte[] _small = null!;
    private byte[] _typical = null!;
    private byte[] _large = null!;
    private (HookRequest Request, PatientDataResult Data) _typicalRead;
    private (HookRequest Request, PatientDataResult Data) _largeRead;

    private static DateTimeOffset Now => HookPayloads.EvaluationTime;

    [GlobalSetup]
    public void Setup()
    {
        var root = HookPayloads.FindRepositoryRoot();
        _runtime = CdsRuntime.Load(new CdsOptions { DefinitionsDirectory = Path.Combine(root, "cds-services") });
        _filtered = _runtime.PatientData;
        _unfiltered = HookPath.CreateReader(_runtime, skipIrrelevantEntries: false);
        _small = HookPayloads.Build(PayloadSize.Small, root).Json;
        _typical = HookPayloads.Build(PayloadSize.Typical, root).Json;
        _large = HookPayloads.Build(PayloadSize.Large, root).Json;
        _typicalRead = ReadOnce(_typical);
        _largeRead = ReadOnce(_large);

        // A payload that stopped firing would measure the wrong thing.
        foreach (var body in new[] { _small, _typical, _large })
        {
            using var response = JsonDocument.Parse(HookPath.Run(_runtime, _filtered, body, Now));
            if (response.RootElement.GetProperty("cards").GetArrayLength() == 0)
            {
                throw new InvalidOperationException("a benchmark payload produced no card");
            }
        }
    }

    [Benchmark]
    public byte[] HotPath_Small() => HookPath.Run(_runtime, _filtered, _small, Now);

    [Benchmark]
    public byte[] HotPath_Typical() => HookPath.Run(_runtime, _filtered, _typical, Now);

    [Benchmark]
    public byte[] HotPath_Large() => HookPath.Run(_runtime, _filtered, _large, Now);

    [Benchmark]
    public byte[] HotPath_Large_NoPrefilter() => HookPath.Run(_runtime, _unfiltered, _large, Now);

    [Benchmark]
    public PatientDataResult Read_Typical() => Read(_typical, _filtered);

    [Benchmark]
    public PatientDataResult Read_Large() => Read(_large, _filtered);

    [Benchmark]
    public PatientDataResult Read_Large_NoPrefilter() => Read(_large, _unfiltered);

    [Benchmark]
    public byte[] RulesAndCards_Typical() => HookPath.Respond(_runtime, _typicalRead.Data, _typicalRead.Request.Context, Now);

    [Benchmark]
    public byte[] RulesAndCards_Large() => HookPath.Respond(_runtime, _largeRead.Data, _largeRead.Request.Context, Now);

    private PatientDataResult Read(byte[] body, PatientDataReader reader)
    {
        using var document = JsonDocument.Parse(body, HookPath.DocumentOptions);
        return HookPath.Read(_runtime, reader, document, Now).Data;
    }

    /// <summary>Reads once for the rules-and-cards stage. The facts and the context hold no reference into the
    /// document, but the request's prefetch elements do: it is not used after this.</summary>
    private (HookRequest, PatientDataResult) ReadOnce(byte[] body)
    {
        using var document = JsonDocument.Parse(body, HookPath.DocumentOptions);
        return HookPath.Read(_runtime, _filtered, document, Now);
    }
}
