using System.Text.Json;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Fetch;

/// <summary>
/// A committed sample patient (<c>samples/patients/&lt;name&gt;.json</c>, a collection Bundle parsed with Firely), split
/// by prefetch key exactly as <c>samples/requests/&lt;name&gt;.json</c> was built, so that what the stub serves equals
/// what the full-prefetch sample request carries.
/// </summary>
public sealed class SamplePatient
{
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";

    private readonly Dictionary<FetchKey, List<Bundle.EntryComponent>> _entries;

    private SamplePatient(string name, Patient patient, Dictionary<FetchKey, List<Bundle.EntryComponent>> entries)
    {
        Name = name;
        Patient = patient;
        _entries = entries;
    }

    public string Name { get; }

    public Patient Patient { get; }

    public string PatientId => Patient.Id!;

    public static SamplePatient Load(string name)
    {
        var json = File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "patients", name + ".json"));
        var bundle = JsonSerializer.Deserialize<Bundle>(json, FhirStub.Fhir) ?? throw new InvalidOperationException(name + " is not a Bundle");
        var entries = bundle.Entry.Where(e => e.Resource is not null).ToList();
        var patient = entries.Select(e => e.Resource).OfType<Patient>().Single();
        var byKey = new Dictionary<FetchKey, List<Bundle.EntryComponent>>
        {
            [FetchKey.Conditions] = entries.Where(e => e.Resource is Condition).ToList(),
            [FetchKey.Labs] = entries.Where(e => HasCategory(e, "laboratory")).ToList(),
            [FetchKey.Symptoms] = entries.Where(e => HasCategory(e, "survey") || HasCategory(e, "exam")).ToList(),
            [FetchKey.Imaging] = entries.Where(e => e.Resource is DiagnosticReport).ToList(),
            [FetchKey.Orders] = entries.Where(e => e.Resource is ServiceRequest).ToList(),
        };
        return new SamplePatient(name, patient, byKey);
    }

    /// <summary>The resources of a search key (a copy of each, so a test may change them).</summary>
    public List<Resource> Resources(FetchKey key) =>
        key == FetchKey.Patient ? [(Resource)Patient.DeepCopy()] : _entries[key].Select(e => (Resource)e.Resource!.DeepCopy()).ToList();

    /// <summary>What the EHR answers for the key: the Patient (read) or a searchset Bundle.</summary>
    public Resource ResponseFor(FetchKey key) => key == FetchKey.Patient ? Patient : Searchset(Resources(key));

    /// <summary>The full-prefetch request committed for this sample.</summary>
    public JsonObject FullRequest() => Hooks.LoadSample(Name);

    /// <summary>A searchset page: entries with fullUrl and search mode match, optional total and next link.</summary>
    public static Bundle Searchset(IEnumerable<Resource> resources, int? total = null, string? next = null)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset };
        foreach (var r in resources)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"http://example.org/fhir/{r.TypeName}/{r.Id}",
                Resource = r,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        bundle.Total = total ?? bundle.Entry.Count;
        if (next is not null)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = next });
        }

        return bundle;
    }

    private static bool HasCategory(Bundle.EntryComponent entry, string code) =>
        entry.Resource is Observation o && o.Category.Any(c => c.Coding.Any(x => x.System == ObservationCategory && x.Code == code));
}
