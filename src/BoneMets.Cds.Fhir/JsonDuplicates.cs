using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace BoneMets.Cds.Fhir;

/// <summary>
/// Finds duplicate property names (compared after unescaping, as RFC 8259 and System.Text.Json do) in the parts of a
/// parsed request the service reads, so that no two readers of one request can disagree about a value (cds-hooks.md N21).
/// </summary>
/// <remarks>
/// <para>System.Text.Json can refuse duplicates while parsing (<c>AllowDuplicateProperties = false</c>), but only for the
/// whole document: for a typical hook call that walk costs a sixth of the hook's CPU, most of it inside laboratory results
/// that are judged by their code and date and never read further (tests/PERFORMANCE.md). The hook endpoint therefore
/// parses with duplicates allowed and checks here what it reads: the whole envelope, and in each prefetch value the
/// Bundle, every entry, every field the judging pass reads, and the whole of every resource it parses
/// (<see cref="Prefetch.PrefetchReader"/>).</para>
/// <para>Each name is hashed once (FNV-1a over its raw UTF-8, or over its unescaped text when it has escapes); names are
/// compared only when two hashes are equal. Nothing is allocated unless an object has more than
/// <see cref="InlineNames"/> properties, a name is escaped, or two hashes collide.</para>
/// </remarks>
public static class JsonDuplicates
{
    /// <summary>Objects up to this many properties are checked with hashes on the stack.</summary>
    private const int InlineNames = 32;

    /// <summary>True when this object has two properties of the same name; its values are not searched. Not an object: false.</summary>
    public static bool InObject(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        Span<ulong> hashes = stackalloc ulong[InlineNames];
        var count = 0;
        HashSet<string>? many = null;
        foreach (var property in value.EnumerateObject())
        {
            if (count < InlineNames)
            {
                var hash = Hash(property);
                for (var i = 0; i < count; i++)
                {
                    if (hashes[i] == hash && NameAt(value, i) == property.Name)
                    {
                        return true;
                    }
                }

                hashes[count++] = hash;
                continue;
            }

            if (many is null)
            {
                many = new HashSet<string>(StringComparer.Ordinal);
                foreach (var earlier in value.EnumerateObject())
                {
                    if (many.Count == count)
                    {
                        break;
                    }

                    many.Add(earlier.Name);
                }
            }

            if (!many.Add(property.Name))
            {
                return true;
            }

            count++;
        }

        return false;
    }

    /// <summary>True when any object in this value (itself included, at any depth) has two properties of the same name.</summary>
    public static bool InTree(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (InObject(value))
                {
                    return true;
                }

                foreach (var property in value.EnumerateObject())
                {
                    if (IsContainer(property.Value) && InTree(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (IsContainer(item) && InTree(item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// <see cref="InTree"/> for a CDS Hooks request, except the values of <c>prefetch</c>: the names of its keys are checked,
    /// their values are left to <see cref="Prefetch.PrefetchReader"/>. Returns the name of the first property found to be
    /// duplicated (in the object where it is) as a dotted path, or null.
    /// </summary>
    public static string? InRequestEnvelope(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return InTree(root) ? "(request)" : null;
        }

        if (InObject(root))
        {
            return "(request)";
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("prefetch"u8) && property.Value.ValueKind == JsonValueKind.Object)
            {
                if (InObject(property.Value))
                {
                    return "prefetch";
                }

                continue;
            }

            if (IsContainer(property.Value) && InTree(property.Value))
            {
                return property.Name;
            }
        }

        return null;
    }

    private static bool IsContainer(JsonElement value) =>
        value.ValueKind is JsonValueKind.Object or JsonValueKind.Array;

    private static string NameAt(JsonElement obj, int index)
    {
        var i = 0;
        foreach (var property in obj.EnumerateObject())
        {
            if (i++ == index)
            {
                return property.Name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(index));
    }

    private static ulong Hash(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        return raw.IndexOf((byte)'\\') < 0 ? Fnv1A(raw) : Fnv1A(Encoding.UTF8.GetBytes(property.Name));
    }

    private static ulong Fnv1A(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
