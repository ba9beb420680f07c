using System.Text.Json;
using Hl7.Fhir.Model;

namespace BoneMets.Cds.Api.Tests.Samples;

/// <summary>
/// Keeps <c>samples/</c> consistent: every patient Bundle is valid FHIR about one patient, every request is exactly what
/// <see cref="SampleRequestBuilder"/> makes from its patient, and every sample has expected cards and a README row.
/// Run with <c>BONEMETS_UPDATE_SAMPLES=1</c> to rewrite <c>samples/requests/</c> after editing a patient.
/// </summary>
public sealed class SampleRequestTests
{
    private static readonly string[] Topics =
        ["spinal-cord-compression", "suspected-bone-metastasis", "hypercalcemia", "pathological-fracture"];

    private static readonly string[] Indicators = ["info", "warning", "critical"];

    [Fact]
    public void SampleRequests_MatchPatients()
    {
        var names = SampleFiles.PatientNames();
        Assert.NotEmpty(names);
        var update = Environment.GetEnvironmentVariable(SampleFiles.UpdateVariable) == "1";
        var problems = new List<string>();

        if (update)
        {
            Directory.CreateDirectory(SampleFiles.RequestsDirectory);
        }

        foreach (var name in names)
        {
            var expected = SampleRequestBuilder.Build(name, SampleRequestBuilder.ParseBundle(
                File.ReadAllText(SampleFiles.PatientPath(name))));
            var path = SampleFiles.RequestPath(name);
            if (update)
            {
                File.WriteAllText(path, expected);
            }
            else if (!File.Exists(path))
            {
                problems.Add($"{name}: samples/requests/{name}.json is missing");
            }
            else if (File.ReadAllText(path) != expected)
            {
                problems.Add($"{name}: samples/requests/{name}.json differs from its patient Bundle");
            }
        }

        foreach (var orphan in Directory.EnumerateFiles(SampleFiles.RequestsDirectory, "*.json")
                     .Where(p => !names.Contains(Path.GetFileNameWithoutExtension(p))))
        {
            if (update)
            {
                File.Delete(orphan);
            }
            else
            {
                problems.Add($"{Path.GetFileName(orphan)} has no patient in samples/patients/");
            }
        }

        Assert.True(problems.Count == 0,
            $"Sample requests are out of date (run with {SampleFiles.UpdateVariable}=1 to regenerate):\n" +
            string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(SampleFiles.Names), MemberType = typeof(SampleFiles))]
    public void SamplePatient_ParsesAndReferencesOnlyItsPatient(string name)
    {
        var bundle = SampleRequestBuilder.ParseBundle(File.ReadAllText(SampleFiles.PatientPath(name)));

        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
        Assert.Equal(name, bundle.Id);
        Assert.All(bundle.Entry, e => Assert.NotNull(e.Resource));
        var resources = bundle.Entry.Select(e => e.Resource).OfType<Resource>().ToList();
        var patient = Assert.Single(resources.OfType<Patient>());
        Assert.Equal(name, patient.Id);
        Assert.Equal(resources.Count, resources.Select(r => r.TypeName + "/" + r.Id).Distinct().Count());

        foreach (var entry in bundle.Entry)
        {
            var resource = entry.Resource ?? throw new Xunit.Sdk.XunitException("A Bundle entry has no resource.");
            Assert.False(string.IsNullOrEmpty(resource.Id), $"{resource.TypeName} without id");
            Assert.EndsWith($"/{resource.TypeName}/{resource.Id}", entry.FullUrl, StringComparison.Ordinal);
            if (resource is Patient)
            {
                continue;
            }

            Assert.StartsWith(name + "-", resource.Id, StringComparison.Ordinal);
            var subject = resource switch
            {
                Condition c => c.Subject,
                Observation o => o.Subject,
                DiagnosticReport d => d.Subject,
                ServiceRequest s => s.Subject,
                _ => throw new Xunit.Sdk.XunitException($"{resource.TypeName}/{resource.Id}: unexpected resource type"),
            };
            Assert.Equal("Patient/" + name, subject?.Reference);
            Assert.All(Dates(resource), d => Assert.True(d <= SampleFiles.EvaluationTime,
                $"{resource.TypeName}/{resource.Id} has a date after the sample anchor: {d:O}"));
        }
    }

    [Fact]
    public void ExpectedCards_CoverEverySampleWithValidCards()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SampleFiles.ExpectedCardsPath));
        // Keys starting with '_' are comments.
        var samples = document.RootElement.EnumerateObject().Where(p => !p.Name.StartsWith('_')).ToList();

        Assert.Equal(SampleFiles.PatientNames(), samples.Select(p => p.Name).Order(StringComparer.Ordinal).ToList());
        foreach (var sample in samples)
        {
            var cards = sample.Value.EnumerateArray().ToList();
            foreach (var card in cards)
            {
                Assert.Contains(card.GetProperty("topic").GetString(), Topics);
                Assert.Contains(card.GetProperty("indicator").GetString(), Indicators);
            }

            // clinical.md §3.1: at most one card per kind.
            Assert.Equal(cards.Count, cards.Select(c => c.GetProperty("topic").GetString()).Distinct().Count());
        }
    }

    [Fact]
    public void Readme_ListsEverySample()
    {
        var readme = File.ReadAllText(SampleFiles.ReadmePath);

        Assert.All(SampleFiles.PatientNames(), name => Assert.Contains($"| `{name}` |", readme, StringComparison.Ordinal));
    }

    [Fact]
    public void HookInstance_IsAStableLowercaseUuid()
    {
        var first = SampleRequestBuilder.HookInstance("mscc-critical");

        Assert.Equal(first, SampleRequestBuilder.HookInstance("mscc-critical"));
        Assert.NotEqual(first, SampleRequestBuilder.HookInstance("mscc-spinal-pain"));
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", first);
    }

    private static IEnumerable<DateTimeOffset> Dates(Resource resource)
    {
        IEnumerable<DataType?> values = resource switch
        {
            Condition c => [c.Onset, c.Abatement, c.RecordedDateElement],
            Observation o => [o.Effective, o.IssuedElement],
            DiagnosticReport d => [d.Effective, d.IssuedElement],
            ServiceRequest s => [s.AuthoredOnElement, s.Occurrence],
            _ => [],
        };

        foreach (var value in values)
        {
            var date = value switch
            {
                FhirDateTime dt => dt.ToDateTimeOffset(TimeSpan.Zero),
                Instant i => i.Value,
                Period p => p.EndElement?.ToDateTimeOffset(TimeSpan.Zero),
                _ => null,
            };
            if (date is { } d)
            {
                yield return d;
            }
        }
    }
}
