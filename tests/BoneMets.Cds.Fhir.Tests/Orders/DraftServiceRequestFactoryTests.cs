using System.Text.Json;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Fhir.Orders;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace BoneMets.Cds.Fhir.Tests.Orders;

public sealed class DraftServiceRequestFactoryTests
{
    private static readonly JsonSerializerOptions StrictFhir = new JsonSerializerOptions()
        .ForFhir(ModelInfo.ModelInspector, (FhirJsonConverterOptions)new FhirJsonConverterOptions().UsingMode(DeserializationMode.Strict));

    private static readonly SuggestedOrder SpineMri = new(
        "Order urgent whole-spine MRI",
        "http://loinc.org",
        "30854-4",
        "MR Cervical and thoracic and lumbar spine WO contrast",
        OrderPriority.Stat,
        IsRecommended: true,
        "Suspected metastatic spinal cord compression");

    private static ServiceRequest RoundTrip(SuggestedOrder order, string? encounterId = null)
    {
        var node = DraftServiceRequestFactory.CreateJsonNode(order, "p1", encounterId);
        return JsonSerializer.Deserialize<ServiceRequest>(node.ToJsonString(), StrictFhir)!;
    }

    [Fact]
    public void CreateJsonNode_ImagingOrder_IsCompleteDraftProposal()
    {
        var request = RoundTrip(SpineMri, encounterId: "e7");

        Assert.Equal(RequestStatus.Draft, request.Status);
        Assert.Equal(RequestIntent.Proposal, request.Intent);
        Assert.Equal(RequestPriority.Stat, request.Priority);
        var category = Assert.Single(Assert.Single(request.Category).Coding);
        Assert.Equal(("http://snomed.info/sct", "363679005"), (category.System, category.Code));
        var code = Assert.Single(request.Code!.Coding);
        Assert.Equal(("http://loinc.org", "30854-4", "MR Cervical and thoracic and lumbar spine WO contrast"), (code.System, code.Code, code.Display));
        Assert.Equal("MR Cervical and thoracic and lumbar spine WO contrast", request.Code.Text);
        Assert.Equal("Patient/p1", request.Subject!.Reference);
        Assert.Equal("Encounter/e7", request.Encounter!.Reference);
        Assert.Equal("Suspected metastatic spinal cord compression", Assert.Single(request.ReasonCode).Text);
        Assert.Null(request.Id);
        Assert.Null(request.AuthoredOn);
    }

    [Fact]
    public void CreateJsonNode_SnomedReferral_HasReferralCategoryAndCanonicalSystem()
    {
        var referral = new SuggestedOrder("Refer to oncology", "urn:oid:2.16.840.1.113883.6.96", "183529009", "Referral to oncologist", OrderPriority.Urgent, false, "Hypercalcaemia grade 3");

        var request = RoundTrip(referral);

        Assert.Equal("3457005", Assert.Single(Assert.Single(request.Category).Coding).Code);
        Assert.Equal("http://snomed.info/sct", Assert.Single(request.Code!.Coding).System);
        Assert.Equal(RequestPriority.Urgent, request.Priority);
        Assert.Null(request.Encounter);
    }

    [Theory]
    [InlineData(OrderPriority.Routine, "routine")]
    [InlineData(OrderPriority.Urgent, "urgent")]
    [InlineData(OrderPriority.Asap, "asap")]
    [InlineData(OrderPriority.Stat, "stat")]
    public void CreateJsonNode_Priorities_WrittenAsFhirCodes(OrderPriority priority, string code)
    {
        var node = DraftServiceRequestFactory.CreateJsonNode(SpineMri with { Priority = priority }, "p1");

        Assert.Equal("ServiceRequest", node["resourceType"]!.GetValue<string>());
        Assert.Equal(code, node["priority"]!.GetValue<string>());
        Assert.Equal("draft", node["status"]!.GetValue<string>());
        Assert.Equal("proposal", node["intent"]!.GetValue<string>());
    }

    [Fact]
    public void CreateJsonNode_UnknownSystem_Throws() =>
        Assert.Throws<ArgumentException>(() => DraftServiceRequestFactory.CreateJsonNode(SpineMri with { System = "http://example.org/local" }, "p1"));

    [Fact]
    public void CreateJsonNode_EmptyPatient_Throws() =>
        Assert.Throws<ArgumentException>(() => DraftServiceRequestFactory.CreateJsonNode(SpineMri, " "));
}
