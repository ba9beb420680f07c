using System.Text;
using System.Text.Json;
using BoneMets.Cds.Api.Hosting;
using BoneMets.Cds.Api.Tests.Infrastructure;
using BoneMets.Cds.Benchmarks.Workload;
using BoneMets.Cds.Fhir;
using BoneMets.Cds.Fhir.Prefetch;

namespace BoneMets.Cds.Api.Tests.Performance;

/// <summary>
/// The optimisations must not change a single card (issue 6, Targets). Every sample request and the three benchmark
/// payloads (tests/BoneMets.Cds.Benchmarks) go through the hook's hot path (<see cref="HookPath"/>) twice: with the
/// relevance pre-filter the service uses (searchset entries whose code is in no value set are never materialised)
/// and without it (every entry becomes a Firely POCO). The response bodies must be byte-identical, and carry the
/// cards the input is designed to fire.
/// </summary>
public sealed class OptimisationEquivalenceTests
{
    private static readonly DateTimeOffset Now = HookPayloads.EvaluationTime;

    private static readonly Lazy<CdsRuntime> Runtime =
        new(() => CdsRuntime.Load(new CdsOptions { DefinitionsDirectory = RepoPaths.CdsServices }));

    private static readonly Lazy<PatientDataReader> Unfiltered =
        new(() => HookPath.CreateReader(Runtime.Value, skipIrrelevantEntries: false));

    private static readonly Lazy<Dictionary<PayloadSize, HookPayload>> Payloads =
        new(() => HookPayloads.BuildAll(RepoPaths.Root).ToDictionary(p => p.Size));

    public static TheoryData<string> SampleRequests()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(RepoPaths.Root, "samples", "requests"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(path));
        }

        return data;
    }

    public static TheoryData<PayloadSize> PayloadSizes() => [PayloadSize.Small, PayloadSize.Typical, PayloadSize.Large];

    [Theory]
    [MemberData(nameof(SampleRequests))]
    public void Sample_SameCardsWithAndWithoutPrefilter(string name)
    {
        var body = File.ReadAllBytes(RepoPaths.SampleRequest(name));

        var (filtered, unfiltered) = RunBoth(body);

        Assert.Equal(Encoding.UTF8.GetString(unfiltered), Encoding.UTF8.GetString(filtered));
        Assert.True(filtered.AsSpan().SequenceEqual(unfiltered), "response bodies differ byte for byte");
        Assert.Equal(ExpectedCards(name), TopicsOf(filtered));
    }

    [Theory]
    [MemberData(nameof(PayloadSizes))]
    public void Payload_SameCardsWithAndWithoutPrefilter(PayloadSize size)
    {
        var payload = Payloads.Value[size];

        var (filtered, unfiltered) = RunBoth(payload.Json);

        Assert.Equal(Encoding.UTF8.GetString(unfiltered), Encoding.UTF8.GetString(filtered));
        Assert.True(filtered.AsSpan().SequenceEqual(unfiltered), "response bodies differ byte for byte");
        // Every payload is built to fire the base sample's cards, however much history and noise it carries.
        var cards = TopicsOf(filtered);
        Assert.NotEmpty(cards);
        Assert.Equal(ExpectedCards(HookPayloads.BaseSample), cards);
    }

    [Fact]
    public void Payloads_HaveTheSizesTheBenchmarksClaim()
    {
        var small = Payloads.Value[PayloadSize.Small];
        var typical = Payloads.Value[PayloadSize.Typical];
        var large = Payloads.Value[PayloadSize.Large];

        Assert.InRange(small.ResourceCount, 15, 30);
        Assert.InRange(typical.ResourceCount, 120, 200);
        Assert.InRange(large.ResourceCount, 1_800, 2_300);
        Assert.InRange(large.Json.Length, 1_500_000, 3_000_000);
        foreach (var payload in Payloads.Value.Values)
        {
            Assert.Equal(payload.ResourceCount, CountResources(payload.Json));
        }
    }

    [Fact]
    public void Payloads_AreDeterministic()
    {
        foreach (var payload in Payloads.Value.Values)
        {
            var again = HookPayloads.Build(payload.Size, RepoPaths.Root);
            Assert.True(payload.Json.AsSpan().SequenceEqual(again.Json), payload.Name + " differs between two builds");
        }
    }

    [Fact]
    public void Payloads_AddedCodesAreInNoValueSet()
    {
        var catalog = Runtime.Value.Catalog;

        foreach (var code in HookPayloads.FillerLoincCodes)
        {
            Assert.Empty(catalog.Match("http://loinc.org", code));
        }

        foreach (var (system, code) in HookPayloads.ProblemListCodes)
        {
            Assert.Empty(catalog.Match(system, code));
        }
    }

    /// <summary>The comparison above is only worth something if the pre-filter really skips entries.</summary>
    [Fact]
    public void LargePayload_PrefilterSkipsTheIrrelevantLabs()
    {
        var payload = Payloads.Value[PayloadSize.Large];
        using var document = JsonDocument.Parse(payload.Json);
        var prefetch = document.RootElement.GetProperty("prefetch").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);

        var filtered = Runtime.Value.PatientData.ReadPrefetch(prefetch, HookPayloads.BaseSample)[PatientDataKey.Labs];
        var unfiltered = Unfiltered.Value.ReadPrefetch(prefetch, HookPayloads.BaseSample)[PatientDataKey.Labs];

        Assert.Equal(PrefetchState.Satisfied, filtered.State);
        Assert.Equal(PrefetchState.Satisfied, unfiltered.State);
        Assert.Equal(HookPayloads.LargeFillerCount, unfiltered.Resources.Count - filtered.Resources.Count);
    }

    private static (byte[] Filtered, byte[] Unfiltered) RunBoth(byte[] body)
    {
        var runtime = Runtime.Value;
        return (HookPath.Run(runtime, runtime.PatientData, body, Now), HookPath.Run(runtime, Unfiltered.Value, body, Now));
    }

    private static string[] TopicsOf(byte[] response)
    {
        if (response.Length == 0)
        {
            return [];
        }

        using var document = JsonDocument.Parse(response);
        return document.RootElement.GetProperty("cards").EnumerateArray()
            .Select(c => $"{c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString()}/{c.GetProperty("indicator").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static string[] ExpectedCards(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "samples", "patients", "expected-cards.json")));
        return document.RootElement.GetProperty(name).EnumerateArray()
            .Select(c => $"{c.GetProperty("topic").GetString()}/{c.GetProperty("indicator").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static int CountResources(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var count = 0;
        foreach (var key in document.RootElement.GetProperty("prefetch").EnumerateObject())
        {
            if (key.Value.GetProperty("resourceType").GetString() != "Bundle")
            {
                count++;
            }
            else if (key.Value.TryGetProperty("entry", out var entries))
            {
                count += entries.GetArrayLength();
            }
        }

        return count;
    }
}
