using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace BoneMets.Cds.Fhir;

/// <summary>
/// The System.Text.Json options for Firely POCOs, built once and shared (building them per call is expensive).
/// </summary>
internal static class FhirJson
{
    /// <summary>
    /// For EHR data (prefetch, later FHIR reads): Recoverable mode and <c>Validator = null</c>, about 3× faster and
    /// 70% fewer allocations than the validating default (stack.md §2.1). Malformed primitives are therefore kept as
    /// raw values in <c>ObjectValue</c>; the mappers read them through <see cref="Mapping.FhirValues"/>, never through
    /// the typed getters (which throw on such values).
    /// </summary>
    public static readonly JsonSerializerOptions Lenient = new JsonSerializerOptions()
        .ForFhir(
            ModelInfo.ModelInspector,
            (FhirJsonConverterOptions)new FhirJsonConverterOptions { Validator = null }
                .UsingMode(DeserializationMode.Recoverable));

    /// <summary>
    /// For our own definition files and for what we emit: validating, strict (unknown elements, bad codes and bad
    /// primitives are errors), compact output.
    /// </summary>
    public static readonly JsonSerializerOptions Strict = new JsonSerializerOptions()
        .ForFhir(
            ModelInfo.ModelInspector,
            (FhirJsonConverterOptions)new FhirJsonConverterOptions().UsingMode(DeserializationMode.Strict))
        .Compact();
}
