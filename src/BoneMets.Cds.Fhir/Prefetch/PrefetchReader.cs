using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using BoneMets.Cds.Domain.Terminology;
using Hl7.Fhir.Model;

namespace BoneMets.Cds.Fhir.Prefetch;

/// <summary>
/// Checks one prefetch value against its template and parses it (cds-hooks.md "Our decisions" 2, §2.5, §6.4 P5–P12).
/// Each key is judged on its own: a malformed value degrades only its own key, never the request.
/// </summary>
/// <remarks>
/// <para>Decisions where the spec leaves room:</para>
/// <list type="bullet">
/// <item>A search must be a <c>Bundle</c> whose <c>type</c> is <c>searchset</c>; a Bundle <b>without</b> <c>type</c> is
/// accepted as a searchset (clients are known to omit it, cds-hooks.md §2.4); any other type is not satisfied.</item>
/// <item>Any <c>OperationOutcome</c> — as the value, or as any entry whatever its <c>search.mode</c> — makes the key not
/// satisfied (pinned decision 2), even if the outcome is only informational.</item>
/// <item>Entries with <c>search.mode = include</c> are skipped unparsed: our templates never <c>_include</c>, and
/// included resources are not matches. Other non-OperationOutcome entries with <c>mode = outcome</c> are skipped too.
/// Every other entry (mode <c>match</c> or absent) must be of the template's type.</item>
/// <item>An entry whose <c>subject</c> or <c>patient</c> is a literal reference to anything but <c>Patient/&lt;context id&gt;</c>
/// (relative or absolute, with or without <c>_history</c>) makes the whole key not satisfied: patients are never mixed.
/// A missing reference, a contained (<c>#x</c>), <c>urn:</c> or identifier-only reference cannot be checked and is
/// accepted (the server filtered on <c>patient=</c>).</item>
/// <item>A searchset with entries but only a first page (<c>link[next]</c>) is satisfied with what was sent;
/// <see cref="PrefetchResult.NextLink"/> records the rest for a later fetch. An empty searchset (no entries, or only
/// skipped entries, and no <c>next</c>) is "no data".</item>
/// <item>A read whose id differs from the expected id (the template's id with the context patient id filled in), or
/// that has no id, is not satisfied.</item>
/// </list>
/// Duplicate property names (the request is parsed with them allowed, <see cref="JsonDuplicates"/>) make the key not
/// satisfied wherever this reader looks: the Bundle and its links, every entry and its <c>search</c>, every resource's
/// top level and the fields judged (<c>subject</c>, <c>patient</c>, <c>code</c>, <c>effectivePeriod</c>), and the
/// whole of every resource parsed. A duplicate inside a part of an entry that is neither judged nor parsed cannot change
/// any answer and is not searched for.
/// Parsing uses the cached lenient Firely options (Recoverable, <c>Validator = null</c>) straight from the
/// <see cref="JsonElement"/>; any parser failure makes the key not satisfied ("unparseable FHIR").
/// </remarks>
public static class PrefetchReader
{
    internal const string ReasonAbsent = "absent from prefetch";
    internal const string ReasonNotObject = "not a JSON object";
    internal const string ReasonNoResourceType = "no resourceType";
    internal const string ReasonOperationOutcome = "OperationOutcome instead of data";
    internal const string ReasonOperationOutcomeInBundle = "OperationOutcome inside the Bundle";
    internal const string ReasonWrongType = "wrong resource type";
    internal const string ReasonNotSearchset = "not a searchset Bundle";
    internal const string ReasonWrongId = "read returned a resource with another id";
    internal const string ReasonNoId = "read returned a resource without id";
    internal const string ReasonEntryWrongType = "Bundle entry of another resource type";
    internal const string ReasonOtherPatient = "Bundle entry for another patient or subject";
    internal const string ReasonEntryMalformed = "malformed Bundle entry";
    internal const string ReasonUnparseable = "unparseable FHIR";
    internal const string ReasonDuplicateProperty = "duplicate JSON property";

    /// <summary>Judges and parses the value of one key.</summary>
    /// <param name="template">The key's template.</param>
    /// <param name="value">The raw value; <c>null</c> when the key is absent from the request (JSON <c>null</c> is a
    /// <see cref="JsonElement"/> of kind <see cref="JsonValueKind.Null"/>).</param>
    /// <param name="patientId">The context patient id.</param>
    /// <param name="catalog">When given, searchset entries whose <c>code.coding</c> matches no concept set are judged
    /// (type, patient, OperationOutcome) but not materialised: the rules could not use them, and most of a patient's
    /// observations are irrelevant (latest-wins needs a handful).</param>
    /// <param name="labsBefore">With <paramref name="catalog"/>: an Observation whose codes match only laboratory concept
    /// sets and whose time (effectiveDateTime, effectivePeriod.end, issued) is before this instant is judged but not
    /// materialised — no rule window reaches that far back (latest wins). PSA is exempt (shown at any date). An entry
    /// with no readable time is kept.</param>
    public static PrefetchResult Read(PrefetchTemplate template, JsonElement? value, string patientId, CodeCatalog? catalog = null, DateTimeOffset? labsBefore = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);

        if (value is not { } element)
        {
            return PrefetchResult.NotSatisfied(template, ReasonAbsent);
        }

        if (element.ValueKind == JsonValueKind.Null)
        {
            return PrefetchResult.NoData(template);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return PrefetchResult.NotSatisfied(template, ReasonNotObject);
        }

        var type = ResourceTypeOf(element);
        if (type is null)
        {
            return PrefetchResult.NotSatisfied(template, ReasonNoResourceType);
        }

        if (type == "OperationOutcome")
        {
            return PrefetchResult.NotSatisfied(template, ReasonOperationOutcome);
        }

        return template.Kind == PrefetchKind.Read
            ? ReadInstance(template, element, type, patientId)
            : ReadSearchset(template, element, type, patientId, catalog, labsBefore);
    }

    private static PrefetchResult ReadInstance(PrefetchTemplate template, JsonElement element, string type, string patientId)
    {
        if (type != template.ResourceType)
        {
            return PrefetchResult.NotSatisfied(template, ReasonWrongType);
        }

        var expectedId = template.ExpectedReadId(patientId);
        if (expectedId is not null)
        {
            if (!element.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
            {
                return PrefetchResult.NotSatisfied(template, ReasonNoId);
            }

            if (!id.ValueEquals(expectedId))
            {
                return PrefetchResult.NotSatisfied(template, ReasonWrongId);
            }
        }

        if (JsonDuplicates.InTree(element))
        {
            return PrefetchResult.NotSatisfied(template, ReasonDuplicateProperty);
        }

        var resource = Parse(element, template.ResourceType);
        return resource is null
            ? PrefetchResult.NotSatisfied(template, ReasonUnparseable)
            : PrefetchResult.Satisfied(template, [resource]);
    }

    private static PrefetchResult ReadSearchset(PrefetchTemplate template, JsonElement bundle, string type, string patientId, CodeCatalog? catalog, DateTimeOffset? labsBefore)
    {
        if (type != "Bundle")
        {
            return PrefetchResult.NotSatisfied(template, ReasonWrongType);
        }

        if (bundle.TryGetProperty("type", out var bundleType)
            && !(bundleType.ValueKind == JsonValueKind.String && bundleType.ValueEquals("searchset")))
        {
            return PrefetchResult.NotSatisfied(template, ReasonNotSearchset);
        }

        if (JsonDuplicates.InObject(bundle)
            || (bundle.TryGetProperty("link", out var links) && JsonDuplicates.InTree(links)))
        {
            return PrefetchResult.NotSatisfied(template, ReasonDuplicateProperty);
        }

        var nextLink = NextLinkOf(bundle);
        if (!bundle.TryGetProperty("entry", out var entries) || entries.ValueKind == JsonValueKind.Null)
        {
            return nextLink is null ? PrefetchResult.NoData(template) : PrefetchResult.Satisfied(template, [], nextLink);
        }

        if (entries.ValueKind != JsonValueKind.Array)
        {
            return PrefetchResult.NotSatisfied(template, ReasonEntryMalformed);
        }

        // First pass: judge every entry on its JSON (cheap, and without allocating: strings are compared and parsed as
        // UTF-8 or stack characters) before materialising any POCO.
        var matches = new List<JsonElement>(entries.GetArrayLength());
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("resource", out var resource)
                || resource.ValueKind != JsonValueKind.Object)
            {
                return PrefetchResult.NotSatisfied(template, ReasonEntryMalformed);
            }

            var fields = JudgedFields.Of(resource);
            var entryType = fields.ResourceType;
            if (entryType.ValueKind != JsonValueKind.String)
            {
                return PrefetchResult.NotSatisfied(template, ReasonEntryMalformed);
            }

            if (HasDuplicateWhereJudged(entry, resource, fields))
            {
                return PrefetchResult.NotSatisfied(template, ReasonDuplicateProperty);
            }

            if (entryType.ValueEquals("OperationOutcome"))
            {
                return PrefetchResult.NotSatisfied(template, ReasonOperationOutcomeInBundle);
            }

            if (IsIncludeOrOutcome(entry))
            {
                continue;
            }

            if (!entryType.ValueEquals(template.ResourceType))
            {
                return PrefetchResult.NotSatisfied(template, ReasonEntryWrongType);
            }

            if (!ReferenceAllows(fields.Subject, patientId) || !ReferenceAllows(fields.Patient, patientId))
            {
                return PrefetchResult.NotSatisfied(template, ReasonOtherPatient);
            }

            if (catalog is null || IsUseful(fields, template.ResourceType, catalog, labsBefore))
            {
                matches.Add(resource);
            }
        }

        if (matches.Count == 0 && nextLink is null)
        {
            return PrefetchResult.NoData(template);
        }

        var resources = new Resource[matches.Count];
        for (var i = 0; i < matches.Count; i++)
        {
            if (JsonDuplicates.InTree(matches[i]))
            {
                return PrefetchResult.NotSatisfied(template, ReasonDuplicateProperty);
            }

            var parsed = Parse(matches[i], template.ResourceType);
            if (parsed is null)
            {
                return PrefetchResult.NotSatisfied(template, ReasonUnparseable);
            }

            resources[i] = parsed;
        }

        return PrefetchResult.Satisfied(template, resources, nextLink);
    }

    private static Resource? Parse(JsonElement element, string expectedType)
    {
        try
        {
            var resource = element.Deserialize<Resource>(FhirJson.Lenient);
            return resource is not null && resource.TypeName == expectedType ? resource : null;
        }
#pragma warning disable CA1031 // Any parser failure (JSON, structural, coded, overflow) only degrades this key.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>
    /// The fields of a resource the judging pass reads, found in one pass over its properties instead of a lookup per
    /// field (each lookup scans the properties). Absent fields are <c>default</c> (<see cref="JsonValueKind.Undefined"/>);
    /// of a duplicated name the last is kept, as <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> does,
    /// and a duplicate makes the key not satisfied anyway.
    /// </summary>
    private readonly record struct JudgedFields(
        JsonElement ResourceType,
        JsonElement Subject,
        JsonElement Patient,
        JsonElement Code,
        JsonElement EffectiveDateTime,
        JsonElement EffectivePeriod,
        JsonElement Issued)
    {
        public static JudgedFields Of(JsonElement resource)
        {
            JsonElement type = default, subject = default, patient = default, code = default, effective = default, period = default, issued = default;
            foreach (var property in resource.EnumerateObject())
            {
                if (property.NameEquals("resourceType"u8))
                {
                    type = property.Value;
                }
                else if (property.NameEquals("code"u8))
                {
                    code = property.Value;
                }
                else if (property.NameEquals("subject"u8))
                {
                    subject = property.Value;
                }
                else if (property.NameEquals("effectiveDateTime"u8))
                {
                    effective = property.Value;
                }
                else if (property.NameEquals("effectivePeriod"u8))
                {
                    period = property.Value;
                }
                else if (property.NameEquals("issued"u8))
                {
                    issued = property.Value;
                }
                else if (property.NameEquals("patient"u8))
                {
                    patient = property.Value;
                }
            }

            return new JudgedFields(type, subject, patient, code, effective, period, issued);
        }
    }

    private static bool Present(JsonElement value) => value.ValueKind != JsonValueKind.Undefined;

    /// <summary>Duplicates in the entry, its <c>search</c>, the resource's top level, or a field the judging pass reads.</summary>
    private static bool HasDuplicateWhereJudged(JsonElement entry, JsonElement resource, in JudgedFields fields) =>
        JsonDuplicates.InObject(entry)
        || (entry.TryGetProperty("search", out var search) && JsonDuplicates.InObject(search))
        || JsonDuplicates.InObject(resource)
        || JsonDuplicates.InObject(fields.Subject)
        || JsonDuplicates.InObject(fields.Patient)
        || (Present(fields.Code) && JsonDuplicates.InTree(fields.Code))
        || JsonDuplicates.InObject(fields.EffectivePeriod);

    private static bool IsUseful(in JudgedFields fields, string type, CodeCatalog catalog, DateTimeOffset? labsBefore)
    {
        var (known, labOnly) = Classify(fields.Code, catalog);
        if (!known)
        {
            return false;
        }

        return !(labOnly && labsBefore is { } cutoff && type == "Observation"
                 && ObservationTime(fields) is { } time && time < cutoff);
    }

    /// <summary>
    /// Whether any <c>code.coding</c> (system, code) belongs to a concept set (text and display never count), and whether
    /// every match is a laboratory concept other than PSA.
    /// </summary>
    private static (bool Known, bool LabOnly) Classify(JsonElement code, CodeCatalog catalog)
    {
        if (code.ValueKind != JsonValueKind.Object
            || !code.TryGetProperty("coding", out var codings)
            || codings.ValueKind != JsonValueKind.Array)
        {
            return (false, false);
        }

        var known = false;
        var labOnly = true;
        Span<char> systemBuffer = stackalloc char[StackChars];
        Span<char> codeBuffer = stackalloc char[StackChars];
        foreach (var coding in codings.EnumerateArray())
        {
            if (coding.ValueKind == JsonValueKind.Object
                && coding.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.String
                && coding.TryGetProperty("code", out var value) && value.ValueKind == JsonValueKind.String)
            {
                var ids = catalog.Match(Chars(system, systemBuffer), Chars(value, codeBuffer));
                for (var i = 0; i < ids.Count; i++)
                {
                    var id = ids[i];
                    known = true;
                    labOnly &= id.StartsWith("lab-", StringComparison.Ordinal) && id != Concepts.LabPsa;
                }
            }
        }

        return (known, known && labOnly);
    }

    /// <summary>effectiveDateTime, else effectivePeriod.end, else issued; partial dates at the start of their period.</summary>
    private static DateTimeOffset? ObservationTime(in JudgedFields fields)
    {
        if (Present(fields.EffectiveDateTime))
        {
            return ParseFhirTime(fields.EffectiveDateTime);
        }

        if (fields.EffectivePeriod.ValueKind == JsonValueKind.Object && fields.EffectivePeriod.TryGetProperty("end", out var end))
        {
            return ParseFhirTime(end);
        }

        return Present(fields.Issued) ? ParseFhirTime(fields.Issued) : null;
    }

    private static DateTimeOffset? ParseFhirTime(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = Chars(value, stackalloc char[StackChars]);
        if (text.Length > 10)
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var full) ? full : null;
        }

        return DateTimeOffset.TryParseExact(text, PartialDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var partial)
            ? partial
            : null;
    }

    private static readonly string[] PartialDateFormats = ["yyyy-MM-dd", "yyyy-MM", "yyyy"];

    /// <summary>Characters read on the stack: longer or escaped JSON strings are read as strings.</summary>
    private const int StackChars = 256;

    /// <summary>
    /// The characters of a JSON string: decoded into <paramref name="buffer"/> when it is unescaped and fits (UTF-8 has
    /// at least as many bytes as characters), otherwise <see cref="JsonElement.GetString"/>. Same text either way.
    /// </summary>
    private static ReadOnlySpan<char> Chars(JsonElement value, Span<char> buffer)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var content = raw[1..^1]; // without the quotes
        if (content.Length <= buffer.Length && content.IndexOf((byte)'\\') < 0)
        {
            return buffer[..Encoding.UTF8.GetChars(content, buffer)];
        }

        return value.GetString();
    }

    private static string? ResourceTypeOf(JsonElement resource) =>
        resource.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;

    private static bool IsIncludeOrOutcome(JsonElement entry) =>
        entry.TryGetProperty("search", out var search)
        && search.ValueKind == JsonValueKind.Object
        && search.TryGetProperty("mode", out var mode)
        && mode.ValueKind == JsonValueKind.String
        && (mode.ValueEquals("include") || mode.ValueEquals("outcome"));

    private static string? NextLinkOf(JsonElement bundle)
    {
        if (!bundle.TryGetProperty("link", out var links) || links.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var link in links.EnumerateArray())
        {
            if (link.ValueKind == JsonValueKind.Object
                && link.TryGetProperty("relation", out var relation)
                && relation.ValueKind == JsonValueKind.String
                && relation.ValueEquals("next")
                && link.TryGetProperty("url", out var url)
                && url.ValueKind == JsonValueKind.String)
            {
                var value = url.GetString();
                return string.IsNullOrWhiteSpace(value) ? null : value;
            }
        }

        return null;
    }

    /// <summary>False when a <c>subject</c> or <c>patient</c> reference (absent: <c>default</c>) literally references
    /// something other than the context patient.</summary>
    private static bool ReferenceAllows(JsonElement reference, string patientId)
    {
        if (!Present(reference))
        {
            return true;
        }

        if (reference.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (!reference.TryGetProperty("reference", out var literal) || literal.ValueKind == JsonValueKind.Null)
        {
            return true; // identifier- or display-only: cannot be checked
        }

        if (literal.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        return !SplitReference(Chars(literal, stackalloc char[StackChars]), out var isPatient, out var id)
               || (isPatient && id.SequenceEqual(patientId));
    }

    /// <summary>
    /// Splits a literal reference: <c>Patient/1</c>, <c>https://x/fhir/Patient/1</c>, <c>Patient/1/_history/2</c> → id 1;
    /// <c>Group/7</c> → not a patient (id null, checkable); <c>#p</c>, <c>urn:uuid:…</c>, empty → not checkable.
    /// </summary>
    internal static (bool Checkable, string? Id) PatientIdOf(string? reference) =>
        reference is not null && SplitReference(reference, out var isPatient, out var id)
            ? (true, isPatient ? id.ToString() : null)
            : (false, null);

    /// <summary><see cref="PatientIdOf"/> without allocating: false when not checkable; else whether the target is a
    /// Patient and its id.</summary>
    private static bool SplitReference(ReadOnlySpan<char> reference, out bool isPatient, out ReadOnlySpan<char> id)
    {
        isPatient = false;
        id = default;
        if (reference.IsWhiteSpace()
            || reference.StartsWith('#')
            || reference.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var path = reference.Trim();
        var historyAt = path.IndexOf("/_history/", StringComparison.Ordinal);
        if (historyAt >= 0)
        {
            path = path[..historyAt];
        }

        path = path.TrimEnd('/');
        var last = path.LastIndexOf('/');
        if (last < 0)
        {
            return false;
        }

        id = path[(last + 1)..];
        var before = path[..last];
        var type = before[(before.LastIndexOf('/') + 1)..];
        isPatient = type.SequenceEqual("Patient") && id.Length > 0;
        return true;
    }
}
