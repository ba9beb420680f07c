using System.Security.Cryptography;
using BoneMets.Cds.Api.Cards;
using BoneMets.Cds.Api.Contracts;
using BoneMets.Cds.Domain.Definitions;
using BoneMets.Cds.Domain.Rules;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Fhir;
using BoneMets.Cds.Fhir.Orders;
using BoneMets.Cds.Fhir.Prefetch;
using BoneMets.Cds.Fhir.Terminology;

namespace BoneMets.Cds.Api.Hosting;

/// <summary>
/// Everything loaded from <c>cds-services/</c>, parsed and validated once at start-up, immutable, shared by every request.
/// </summary>
public sealed class CdsRuntime
{
    private CdsRuntime(ServiceDefinition service, CodeCatalog catalog, Thresholds thresholds, string version)
    {
        PatientData = new PatientDataReader(
            PatientDataTemplates.Create(service.Prefetch, service.SourceFile), catalog, labHorizon: LabHorizon(thresholds));
        Service = service;
        Catalog = catalog;
        Thresholds = thresholds;
        DefinitionsVersion = version;
        Engine = new RuleEngine(thresholds);
        Cards = new CardFactory(thresholds, DraftServiceRequestFactory.CreateJsonNode, version);
        Discovery = new DiscoveryResponse(
        [
            new DiscoveryService(
                service.Hook,
                service.Title,
                service.Description,
                service.Id,
                service.Prefetch.Count > 0 ? service.Prefetch : null,
                service.UsageRequirements),
        ]);
    }

    /// <summary>The discovery document, built once.</summary>
    public DiscoveryResponse Discovery { get; }

    public ServiceDefinition Service { get; }

    public CodeCatalog Catalog { get; }

    public Thresholds Thresholds { get; }

    public IRuleEngine Engine { get; }

    /// <summary>Prefetch judge and FHIR → facts mapper for this service's templates.</summary>
    public PatientDataReader PatientData { get; }

    public CardFactory Cards { get; }

    /// <summary>Content hash of every definition file: which rules and value sets produced a card.</summary>
    public string DefinitionsVersion { get; }

    /// <summary>
    /// How far back any rule looks at laboratory results (latest wins inside a window): calcium window + albumin pairing,
    /// ALP window + GGT/5'-NT pairing; plus one day of margin. Older results are never materialised (PSA is exempt).
    /// </summary>
    public static TimeSpan LabHorizon(Thresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        var w = thresholds.Windows;
        var calcium = TimeSpan.FromDays(w.CalciumDays) + TimeSpan.FromHours(w.AlbuminPairingHours);
        var alp = TimeSpan.FromDays(w.AlpDays + w.GgtPairingDays);
        return (calcium > alp ? calcium : alp) + TimeSpan.FromDays(1);
    }

    /// <summary>The definitions directory: <c>Cds:DefinitionsDirectory</c>, else <c>cds-services</c> beside the binary.</summary>
    public static string DefinitionsDirectoryOf(CdsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.DefinitionsDirectory is { Length: > 0 } d
            ? Path.GetFullPath(d)
            : Path.Combine(AppContext.BaseDirectory, "cds-services");
    }

    /// <summary>Loads and validates the definitions; throws <see cref="DefinitionException"/> naming the file and fault.</summary>
    public static CdsRuntime Load(CdsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dir = DefinitionsDirectoryOf(options);
        if (!Directory.Exists(dir))
        {
            throw new DefinitionException(dir, "definitions directory not found (set Cds:DefinitionsDirectory)");
        }

        var service = ServiceDefinitionLoader.Load(Path.Combine(dir, options.ServiceFile));
        var thresholds = ThresholdsLoader.Load(service.ThresholdsFile);
        var sets = ValueSetLoader.LoadDirectory(service.ValueSetDirectory);
        var catalog = new CodeCatalog(sets);
        return new CdsRuntime(service, catalog, thresholds, HashDefinitions(service));
    }

    private static string HashDefinitions(ServiceDefinition service)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = new List<string> { service.SourceFile, service.ThresholdsFile };
        files.AddRange(Directory.GetFiles(service.ValueSetDirectory, "*.json").Order(StringComparer.Ordinal));
        foreach (var f in files)
        {
            sha.AppendData(File.ReadAllBytes(f));
        }

        return "defs-" + Convert.ToHexStringLower(sha.GetHashAndReset())[..12];
    }
}
