namespace BoneMets.Cds.Api.Hosting;

/// <summary>Start-up log messages (ids and counts only).</summary>
public static partial class StartupLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Loaded service {ServiceId}: {ValueSetCount} value sets, {DefinitionsVersion}")]
    public static partial void Loaded(ILogger logger, string serviceId, int valueSetCount, string definitionsVersion);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Warm-up: hook path exercised on synthetic data ({CardCount} cards)")]
    public static partial void WarmedUp(ILogger logger, int cardCount);

    [LoggerMessage(EventId = 103, Level = LogLevel.Critical, Message = "Cannot start: definition file {File} is invalid: {Fault}")]
    public static partial void DefinitionInvalid(ILogger logger, string file, string fault);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Development clock pinned: cards are evaluated as of {AsOf:O} (Cds:EvaluationAsOf)")]
    public static partial void ClockPinned(ILogger logger, DateTimeOffset asOf);
}
