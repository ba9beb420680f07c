using BoneMets.Cds.Api.Endpoints;
using BoneMets.Cds.Api.Errors;
using BoneMets.Cds.Api.Feedback;
using BoneMets.Cds.Api.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);
builder.AddBoneMetsCds();
builder.AddCdsSecurity();
builder.AddCdsFeedback();

var app = builder.Build();

// Load and validate cds-services/ before listening: a broken definition stops the host with a message naming the
// file and the fault (DefinitionException), instead of serving wrong cards.
CdsRuntime runtime;
try
{
    runtime = app.Services.GetRequiredService<CdsRuntime>();
}
catch (BoneMets.Cds.Domain.Definitions.DefinitionException ex)
{
    StartupLog.DefinitionInvalid(app.Logger, ex.File, ex.Fault);
    throw;
}

app.ValidateCdsSecurity();
StartupLog.Loaded(app.Logger, runtime.Service.Id, runtime.Catalog.Sets.Count, runtime.DefinitionsVersion);
var warmUpCards = WarmUp.Run(runtime, app.Services.GetRequiredService<TimeProvider>().GetUtcNow());
StartupLog.WarmedUp(app.Logger, warmUpCards);
if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CdsOptions>>().Value.EvaluationAsOf is { } asOf)
{
    StartupLog.ClockPinned(app.Logger, asOf);
}

app.UseHookMetrics(runtime.Service.Id);
app.UseCdsErrorHandling();
app.UseCdsSecurity();
app.MapOpenApi();
app.MapCdsServices();
app.MapCdsFeedback();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });

app.Run();
