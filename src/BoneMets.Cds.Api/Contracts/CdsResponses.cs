using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace BoneMets.Cds.Api.Contracts;

// CDS Hooks 2.0 response shapes (cds-hooks.md §1.2, §3). Optional members are null and omitted when written: the spec
// forbids null, "" and empty arrays/objects, so builders never set an empty collection.

/// <summary>GET /cds-services body.</summary>
public sealed record DiscoveryResponse(IReadOnlyList<DiscoveryService> Services);

/// <summary>One discovery entry.</summary>
public sealed record DiscoveryService(
    string Hook,
    string Title,
    string Description,
    string Id,
    IReadOnlyDictionary<string, string>? Prefetch,
    string? UsageRequirements);

/// <summary>Hook response body.</summary>
public sealed record CdsResponse(IReadOnlyList<Card> Cards);

/// <summary>A CDS card.</summary>
public sealed record Card
{
    public required string Uuid { get; init; }
    public required string Summary { get; init; }
    public string? Detail { get; init; }
    public required string Indicator { get; init; }
    public required CardSource Source { get; init; }
    public IReadOnlyList<Suggestion>? Suggestions { get; init; }
    public string? SelectionBehavior { get; init; }
    public IReadOnlyList<Coding>? OverrideReasons { get; init; }
    public IReadOnlyList<Link>? Links { get; init; }
}

/// <summary>card.source.</summary>
public sealed record CardSource(string Label, string? Url, Coding? Topic);

/// <summary>A FHIR-style Coding as CDS Hooks uses it.</summary>
public sealed record Coding(string System, string Code, string? Display);

/// <summary>A suggestion with its actions.</summary>
public sealed record Suggestion(string Label, string Uuid, bool? IsRecommended, IReadOnlyList<CdsAction> Actions);

/// <summary>An action; <see cref="Resource"/> is the complete FHIR resource JSON.</summary>
public sealed record CdsAction(string Type, string Description, JsonNode? Resource);

/// <summary>A link.</summary>
public sealed record Link(string Label, string Url, string Type);

/// <summary>Source-generated serializer metadata: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DiscoveryResponse))]
[JsonSerializable(typeof(CdsResponse))]
public sealed partial class CdsJsonContext : JsonSerializerContext;
