using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace BoneMets.Cds.Fhir.Fetch;

/// <summary>
/// The resilience pipeline of the <see cref="FhirClientNames.Ehr"/> HTTP client, outermost first:
/// <list type="number">
/// <item>retry: only GET; only 408, 429, 5xx, <see cref="HttpRequestException"/> and attempt timeouts; exponential
/// backoff with jitter from <see cref="RetryBaseDelay"/>; a <c>Retry-After</c> (delta-seconds or HTTP date) is honoured
/// when it fits in what is left of the fetch's <see cref="FetchBudget"/>, otherwise the call is not retried at all;</item>
/// <item>circuit breaker, one per FHIR base (the pipeline is selected per allow-listed base): counts the same transient
/// failures; while open, calls fail at once with <see cref="BrokenCircuitException"/>;</item>
/// <item>attempt timeout (<see cref="FhirFetchOptions.AttemptTimeout"/>).</item>
/// </list>
/// The total budget is not a strategy here: the fetcher cancels the call when it runs out.
/// </summary>
internal static class EhrFetchResilience
{
    /// <summary>First retry delay before jitter and doubling.</summary>
    internal static readonly TimeSpan RetryBaseDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>Never wait longer than this between attempts (the budget is usually far shorter anyway).</summary>
    internal static readonly TimeSpan RetryMaxDelay = TimeSpan.FromSeconds(2);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, FhirFetchOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);

        // Polly takes the host's TimeProvider from DI; the host may pin a fixed "evaluation" clock in Development, which
        // would freeze the breaker. Budgets, breakers and Retry-After dates run on real time.
        builder.TimeProvider = clock;

        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "ehr-retry",
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = RetryBaseDelay,
                MaxDelay = RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.GetRequestMessage(), FetchBudget.Current, clock)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfter(response, clock) : null),
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            Name = "ehr-breaker",
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome)),
        });

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "ehr-attempt-timeout",
            Timeout = options.AttemptTimeout,
        });
    }

    /// <summary>A failure worth retrying and counted by the breaker: 408, 429, 5xx, a transport fault, an attempt timeout.</summary>
    internal static bool IsTransientFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception switch
        {
            null => outcome.Result is { } response && IsTransientStatus(response.StatusCode),
            HttpRequestException => true,
            TimeoutRejectedException => true,
            _ => false, // cancellation (budget, EHR disconnect), an open circuit, anything else
        };

    internal static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>
    /// Retry only idempotent GETs, only transient failures, and only when the wait fits in the budget: a
    /// <c>Retry-After</c> longer than what is left means "do not retry" (the server asked us to wait longer than we can).
    /// </summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request, FetchBudget? budget, TimeProvider clock)
    {
        if (request is null || request.Method != HttpMethod.Get || !IsTransientFailure(outcome))
        {
            return false;
        }

        if (budget is null)
        {
            return true;
        }

        var remaining = budget.Remaining;
        if (remaining <= TimeSpan.Zero)
        {
            return false;
        }

        return outcome.Result is not { } response || RetryAfter(response, clock) is not { } wait || wait < remaining;
    }

    /// <summary>The server's <c>Retry-After</c> as a delay (delta-seconds, or an HTTP date relative to now); null when absent.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = response.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - clock.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
