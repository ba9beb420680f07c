using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using BoneMets.Cds.Domain.Terminology;
using BoneMets.Cds.Fhir.Prefetch;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Fhir.Fetch;

/// <summary>
/// Fetches what prefetch lacked from the EHR's FHIR server with the Firely <see cref="FhirClient"/> over the
/// <see cref="FhirClientNames.Ehr"/> HTTP client (cds-hooks.md "Our decisions" 2 and 4, §2.6, §5.6, §6.4, §6.8).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Each not-satisfied key is fetched once with its own template (<see cref="PrefetchTemplate.Resolve"/>) below the
/// allowed base; a key whose prefetch was an OperationOutcome is not re-queried (§2.6 step 3, §6.4 P7: no blind refetch).
/// Satisfied keys with a <c>next</c> link (a first page only) get their remaining pages appended.</item>
/// <item>What comes back is judged by <see cref="PrefetchReader.Read"/> on the raw JSON body, exactly as prefetch is: one
/// set of rules (type, OperationOutcome, other patient, read id, empty searchset = no data).</item>
/// <item>Searchsets are followed through <c>next</c> links only while the link stays on the same base, up to
/// <see cref="FhirFetchOptions.MaxPages"/> pages; otherwise the pages so far are kept and the key is marked partial.</item>
/// <item>Keys run in parallel inside one total budget (<see cref="FhirFetchOptions.TotalBudget"/>) linked to the caller's
/// token; when it runs out everything stops and an unfinished key is not satisfied ("timed out (budget …)").</item>
/// <item>The bearer token goes on a fresh <see cref="HttpClient"/> from the factory per call (never a shared one), is sent
/// only to URLs on the allowed base (no redirects, checked <c>next</c> links), and is never logged or kept.</item>
/// </list>
/// Logs carry the key, outcome, HTTP status, elapsed milliseconds and page count — never URLs, ids, bodies or tokens.
/// </remarks>
public sealed partial class EhrDataFetcher : IEhrDataFetcher
{
    /// <summary>The fast lenient engine: Recoverable mode, no per-element validator (stack.md §1.5–1.6, §2.1).</summary>
    private static readonly IFhirSerializationEngine Engine = FhirSerializationEngineFactory.Recoverable(
        ModelInfo.ModelInspector,
        new FhirJsonConverterOptions { Validator = null },
        new DeserializerSettings { Validator = null });

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IFhirServerPolicy _policy;
    private readonly FhirFetchOptions _options;
    private readonly ILogger<EhrDataFetcher> _logger;
    private readonly CodeCatalog? _catalog;
    private readonly TimeProvider _clock;

    /// <summary>Creates the fetcher.</summary>
    /// <param name="httpClientFactory">Provides the <see cref="FhirClientNames.Ehr"/> client.</param>
    /// <param name="policy">Re-checked on every call: a base the policy does not allow is never contacted.</param>
    /// <param name="options">Budget, pages and limits.</param>
    /// <param name="logger">Key, outcome, status, elapsed ms, pages only.</param>
    /// <param name="catalog">When given, searchset entries whose codes match no concept set are judged but not
    /// materialised (as for prefetch).</param>
    public EhrDataFetcher(
        IHttpClientFactory httpClientFactory,
        IFhirServerPolicy policy,
        IOptions<FhirFetchOptions> options,
        ILogger<EhrDataFetcher> logger,
        CodeCatalog? catalog = null)
        : this(httpClientFactory, policy, options, logger, catalog, TimeProvider.System)
    {
    }

    internal EhrDataFetcher(
        IHttpClientFactory httpClientFactory,
        IFhirServerPolicy policy,
        IOptions<FhirFetchOptions> options,
        ILogger<EhrDataFetcher> logger,
        CodeCatalog? catalog,
        TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(clock);
        _httpClientFactory = httpClientFactory;
        _policy = policy;
        _options = options.Value;
        _logger = logger;
        _catalog = catalog;
        _clock = clock;
    }

    /// <inheritdoc />
    public async Task<PrefetchSnapshot> FillAsync(PrefetchSnapshot snapshot, Uri server, string? accessToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(server);
        cancellationToken.ThrowIfCancellationRequested();

        var withToken = !string.IsNullOrEmpty(accessToken);
        var decision = _policy.Decide(server, withToken);
        if (!decision.MayFetch || decision.Base is null || !FhirBaseUrl.TryCreate(decision.Base, out var baseUrl, out _))
        {
            LogServerRefused(_logger, decision.Reason ?? "no base");
            return snapshot;
        }

        var work = Plan(snapshot, baseUrl!);
        if (work.Count == 0)
        {
            return snapshot;
        }

        using var budgetSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budgetSource.CancelAfter(_options.TotalBudget);
        var budget = new FetchBudget(_options.TotalBudget, _clock);
        FetchBudget.Current = budget; // flows into the resilience pipeline of every call below (this async flow only)

        // A new HttpClient per call: DefaultRequestHeaders (= FhirClient.RequestHeaders) carry this request's token only.
        using var http = _httpClientFactory.CreateClient(FhirClientNames.Ehr);
        if (withToken)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        var call = new Call(http, baseUrl!, snapshot.PatientId, withToken, budgetSource.Token, cancellationToken);
        var tasks = new Task<PrefetchResult>[work.Count];
        for (var i = 0; i < work.Count; i++)
        {
            tasks[i] = FetchKeyAsync(call, work[i]);
        }

        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested(); // the EHR went away: nobody will read the result
        for (var i = 0; i < work.Count; i++)
        {
            snapshot = snapshot.With(work[i].Key, results[i]);
        }

        return snapshot;
    }

    private List<Work> Plan(PrefetchSnapshot snapshot, FhirBaseUrl baseUrl)
    {
        var work = new List<Work>();
        foreach (var key in PatientDataTemplates.Keys)
        {
            var result = snapshot[key];
            if (result.State == PrefetchState.NotSatisfied)
            {
                if (result.Reason is PrefetchReader.ReasonOperationOutcome or PrefetchReader.ReasonOperationOutcomeInBundle)
                {
                    continue; // the client hit an error on this query: no blind refetch (§2.6 step 3)
                }

                work.Add(new Work(key, result, Continuation: false));
            }
            else if (result.State == PrefetchState.Satisfied && result.NextLink is { } next)
            {
                if (ResolveOnBase(baseUrl, next) is null)
                {
                    LogNextLinkNotFollowed(_logger, result.Key);
                    continue;
                }

                work.Add(new Work(key, result, Continuation: true));
            }
        }

        return work;
    }

    private async Task<PrefetchResult> FetchKeyAsync(Call call, Work work)
    {
        var started = _clock.GetTimestamp();
        var trace = new Trace();
        var template = work.Prefetched.Template;
        PrefetchResult result;

        // One FhirClient per key: it keeps the last response (LastBody) as state, so it must not be shared.
        using (var client = new FhirClient(call.Base.Uri, call.Http, NewSettings()))
        {
            try
            {
                if (work.Continuation)
                {
                    trace.Pages = 1; // the page the client sent counts against MaxPages
                    result = await FollowAsync(call, client, template, [.. work.Prefetched.Resources], work.Prefetched.NextLink!, trace, keepOnFailure: true)
                        .ConfigureAwait(false);
                }
                else
                {
                    var first = await GetPageAsync(call, client, template, template.Resolve(call.PatientId), trace).ConfigureAwait(false);
                    result = first.State == PrefetchState.Satisfied && first.NextLink is { } next
                        ? await FollowAsync(call, client, template, [.. first.Resources], next, trace, keepOnFailure: false).ConfigureAwait(false)
                        : first;
                }
            }
#pragma warning disable CA1031 // Every failure of a fetch degrades only its own key, with a reason.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                trace.Status = StatusOf(ex) ?? trace.Status;
                trace.Failure = ex.GetType().Name;
                result = PrefetchResult.NotSatisfied(template, ReasonFor(ex, call, client.LastBody));
            }
        }

        var elapsedTime = _clock.GetElapsedTime(started);
        var elapsed = (long)elapsedTime.TotalMilliseconds;
        CdsMetrics.FhirFetchDuration.Record(
            elapsedTime.TotalMilliseconds,
            new KeyValuePair<string, object?>("key", result.Key),
            new KeyValuePair<string, object?>("outcome", result.State switch
            {
                PrefetchState.NotSatisfied => "not-obtained",
                PrefetchState.NoData => "no-data",
                _ => result.IsPartial ? "partial" : "obtained",
            }));
        if (result.State == PrefetchState.NotSatisfied)
        {
            LogKeyNotObtained(_logger, result.Key, trace.Status, elapsed, trace.Pages, result.Reason!, trace.Failure);
        }
        else
        {
            LogKeyFetched(_logger, result.Key, result.State, result.Resources.Count, result.IsPartial, trace.Status, elapsed, trace.Pages, trace.Stopped, trace.Failure);
        }

        return result;
    }

    /// <summary>Follows <c>next</c> links from <paramref name="next"/>, appending to <paramref name="collected"/>.</summary>
    /// <param name="keepOnFailure">Continuing a prefetch page: a failed page keeps what the client sent (still partial).
    /// Fetching a key afresh: a failed page makes the key not satisfied (the exception propagates).</param>
    private async Task<PrefetchResult> FollowAsync(
        Call call,
        FhirClient client,
        PrefetchTemplate template,
        List<Resource> collected,
        string next,
        Trace trace,
        bool keepOnFailure)
    {
        while (true)
        {
            if (trace.Pages >= _options.MaxPages)
            {
                trace.Stopped = "page cap";
                return PrefetchResult.Satisfied(template, collected, next);
            }

            var url = ResolveOnBase(call.Base, next);
            if (url is null)
            {
                trace.Stopped = "next link leaves the base";
                return PrefetchResult.Satisfied(template, collected, next);
            }

            PrefetchResult page;
            try
            {
                page = await GetPageAsync(call, client, template, url.AbsoluteUri, trace).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Continuing a prefetch page: any failure keeps what the client sent.
            catch (Exception ex) when (keepOnFailure && !call.Caller.IsCancellationRequested && ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                trace.Status = StatusOf(ex) ?? trace.Status;
                trace.Failure = ex.GetType().Name;
                trace.Stopped = ReasonFor(ex, call, client.LastBody);
                return PrefetchResult.Satisfied(template, collected, next);
            }

            switch (page.State)
            {
                case PrefetchState.NotSatisfied:
                    return page; // another patient's entry, an OperationOutcome, …: the whole key is unusable
                case PrefetchState.NoData:
                    return PrefetchResult.Satisfied(template, collected);
                default:
                    collected.AddRange(page.Resources);
                    if (page.NextLink is not { } following)
                    {
                        return PrefetchResult.Satisfied(template, collected);
                    }

                    next = following;
                    break;
            }
        }
    }

    /// <summary>GETs one URL (relative to the base, or absolute on it) and judges the body with the prefetch rules.</summary>
    /// <exception cref="Exception">Transport, status, timeout, circuit and parse failures (mapped by <see cref="ReasonFor"/>).</exception>
    private async Task<PrefetchResult> GetPageAsync(Call call, FhirClient client, PrefetchTemplate template, string url, Trace trace)
    {
        trace.Status = null;
        await client.GetAsync(url, call.Budget).ConfigureAwait(false);
        trace.Pages++;
        trace.Status = 200;

        var body = client.LastBody;
        if (body is null || body.Length == 0)
        {
            return PrefetchResult.NotSatisfied(template, FetchReasons.Empty);
        }

        var json = body.AsMemory();
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        using var document = JsonDocument.Parse(json);
        var judged = PrefetchReader.Read(template, document.RootElement, call.PatientId, _catalog);
        return judged.State == PrefetchState.NotSatisfied
            ? PrefetchResult.NotSatisfied(template, FetchReasons.Judged(judged.Reason!))
            : judged;
    }

    /// <param name="exception">What the page fetch threw.</param>
    /// <param name="call">The call (tokens, whether a bearer token was sent).</param>
    /// <param name="body">The body the FhirClient kept for a parse failure (never quoted: only looked at).</param>
    private string ReasonFor(Exception exception, Call call, byte[]? body)
    {
        if (call.Caller.IsCancellationRequested)
        {
            return FetchReasons.Cancelled;
        }

        return exception switch
        {
            OperationCanceledException => FetchReasons.Budget(_options.TotalBudget), // our budget (or HttpClient's backstop)
            BrokenCircuitException => FetchReasons.CircuitOpen,
            TimeoutRejectedException => FetchReasons.AttemptTimeout(_options.AttemptTimeout),
            HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded } => FetchReasons.TooLarge(_options.MaxResponseBytes),
            HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => FetchReasons.NameResolution,
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => FetchReasons.Tls,
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => FetchReasons.Connection,
            HttpRequestException => FetchReasons.Transport,
            FhirOperationException { Status: HttpStatusCode.OK } => ParseFailure(body), // 200 with a body that is not FHIR
            FhirOperationException { Status: var status } => FetchReasons.Status(status, call.WithToken),
            JsonException or DeserializationFailedException or FormatException or InvalidOperationException or NotSupportedException
                => ParseFailure(body),
            _ => FetchReasons.Unexpected,
        };
    }

    /// <summary>Malformed JSON (starts like JSON, does not parse) or something else that is not a FHIR resource.</summary>
    private static string ParseFailure(byte[]? body)
    {
        if (body is null || body.Length == 0)
        {
            return FetchReasons.Empty;
        }

        var text = body.AsSpan();
        if (text.StartsWith("\uFEFF"u8))
        {
            text = text[3..];
        }

        text = text.TrimStart(" \t\r\n"u8);
        if (text.IsEmpty || (text[0] != (byte)'{' && text[0] != (byte)'['))
        {
            return FetchReasons.NotFhir;
        }

        try
        {
            using var document = JsonDocument.Parse(body.AsMemory(body.Length - text.Length));
            return FetchReasons.NotFhir;
        }
        catch (JsonException)
        {
            return FetchReasons.Malformed;
        }
    }

    private static int? StatusOf(Exception exception) => exception is FhirOperationException f ? (int)f.Status : null;

    /// <summary>The absolute URL of a <c>next</c> link if it lies on the allowed base; null otherwise (never followed).</summary>
    internal static Uri? ResolveOnBase(FhirBaseUrl baseUrl, string link)
    {
        if (string.IsNullOrWhiteSpace(link))
        {
            return null;
        }

        if (!Uri.TryCreate(link.Trim(), UriKind.Absolute, out var url))
        {
            if (!Uri.TryCreate(new Uri(baseUrl.Uri.AbsoluteUri.TrimEnd('/') + "/"), link.Trim(), out url))
            {
                return null;
            }
        }

        return baseUrl.Contains(url) ? url : null;
    }

    private static FhirClientSettings NewSettings() => new()
    {
        PreferredFormat = ResourceFormat.Json, // the default is Xml
        VerifyFhirVersion = false,             // no extra /metadata round trip inside the budget
        SerializationEngine = Engine,          // the default is the slow legacy engine
    };

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "FHIR fetch not attempted: {Reason}")]
    private static partial void LogServerRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "FHIR fetch {Key}: next link of the prefetch page leaves the FHIR base; not followed")]
    private static partial void LogNextLinkNotFollowed(ILogger logger, string key);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information,
        Message = "FHIR fetch {Key}: {State}, {Count} resources, partial {Partial}, last status {Status}, {ElapsedMs} ms, {Pages} pages fetched; stopped: {Stopped} ({Failure})")]
    private static partial void LogKeyFetched(ILogger logger, string key, PrefetchState state, int count, bool partial, int? status, long elapsedMs, int pages, string? stopped, string? failure);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information,
        Message = "FHIR fetch {Key}: not obtained, last status {Status}, {ElapsedMs} ms, {Pages} pages fetched: {Reason} ({Failure})")]
    private static partial void LogKeyNotObtained(ILogger logger, string key, int? status, long elapsedMs, int pages, string reason, string? failure);

    private sealed record Work(PatientDataKey Key, PrefetchResult Prefetched, bool Continuation);

    private sealed record Call(HttpClient Http, FhirBaseUrl Base, string PatientId, bool WithToken, CancellationToken Budget, CancellationToken Caller);

    private sealed class Trace
    {
        public int Pages { get; set; }

        public int? Status { get; set; }

        public string? Stopped { get; set; }

        /// <summary>The exception type name of a failure (no message: messages can quote URLs or bodies).</summary>
        public string? Failure { get; set; }
    }
}
