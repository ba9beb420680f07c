using System.Net;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using RequestBuilder = BoneMets.Cds.Api.Tests.Infrastructure.RequestBuilder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests;

/// <summary>Our own failures become a 500 OperationOutcome without internals; logs never carry patient data.</summary>
public sealed class ErrorAndLoggingTests
{
    [Theory]
    [InlineData("Testing")]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Hook_InternalFailure_Is500OperationOutcomeWithoutStackTraceOrMessage(string environment)
    {
        var logs = new CapturingLoggerProvider();
        var clock = new BrokenClock();
        using var root = new CdsApiFactory(new Dictionary<string, string?>(), environment);
        using var factory = root.WithWebHostBuilder(b =>
        {
            b.ConfigureLogging(l => l.AddProvider(logs));
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
        });
        using var client = factory.CreateClient();
        clock.Armed = true; // after start-up (the warm-up reads the clock too)

        using var response = await Hooks.PostAsync(client, new RequestBuilder().Build());

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(BrokenClock.Secret, body, StringComparison.Ordinal);
        var outcome = await ResponseAssertions.AssertOperationOutcomeAsync(response);
        Assert.Contains("Trace id", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(BrokenClock.Secret, StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("Unhandled InvalidOperationException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hook_Logs_CarryIdsCountsAndRulesButNoPatientData()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = new CdsApiFactory().WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        using var client = factory.CreateClient();
        var request = Hooks.LoadSample("mscc-multi-card");
        var fhir = new System.Text.Json.JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);
        var patient = System.Text.Json.JsonSerializer.Deserialize<Patient>(request["prefetch"]!["patient"]!.ToJsonString(), fhir)!;

        using var response = await Hooks.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var all = string.Join("\n", logs.Lines);
        Assert.Contains("R1", all, StringComparison.Ordinal);
        Assert.Contains("3 cards", all, StringComparison.Ordinal);
        Assert.DoesNotContain(patient.Id!, all, StringComparison.Ordinal);
        Assert.DoesNotContain(patient.BirthDate!, all, StringComparison.Ordinal);
        foreach (var name in patient.Name.SelectMany(n => n.Given.Append(n.Family)).Where(n => !string.IsNullOrEmpty(n)))
        {
            Assert.DoesNotContain(name!, all, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Muscle weakness", all, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class BrokenClock : TimeProvider
    {
        public const string Secret = "clock-exploded-with-patient-detail";

        public bool Armed { get; set; }

        public override DateTimeOffset GetUtcNow() => Armed ? throw new InvalidOperationException(Secret) : base.GetUtcNow();
    }
}
