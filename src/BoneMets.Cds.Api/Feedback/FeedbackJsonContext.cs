using System.Text.Json;
using System.Text.Json.Serialization;
using BoneMets.Cds.Feedback;

namespace BoneMets.Cds.Api.Feedback;

/// <summary>Source-generated JSON (camelCase) for the analytics answer.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CardAnalytics))]
public sealed partial class FeedbackJsonContext : JsonSerializerContext;
