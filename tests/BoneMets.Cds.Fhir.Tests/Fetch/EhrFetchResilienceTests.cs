using System.Net;
using BoneMets.Cds.Fhir.Fetch;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace BoneMets.Cds.Fhir.Tests.Fetch;

/// <summary>The retry rules in isolation (the WireMock tests prove them end to end).</summary>
public sealed class EhrFetchResilienceTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));

    private static HttpRequestMessage Get => new(HttpMethod.Get, "https://ehr.example.org/fhir/Patient/1");

    private static HttpResponseMessage Status(int status, string? retryAfter = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response;
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(200, false)]
    [InlineData(302, false)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    public void Only_408_429_and_5xx_are_transient(int status, bool transient)
    {
        using var response = Status(status);

        Assert.Equal(transient, EhrFetchResilience.IsTransientFailure(Outcome.FromResult(response)));
        Assert.Equal(transient, EhrFetchResilience.ShouldRetry(Outcome.FromResult(response), Get, budget: null, Clock));
    }

    [Fact]
    public void Transport_faults_and_attempt_timeouts_are_transient_but_cancellation_and_open_circuit_are_not()
    {
        Assert.True(EhrFetchResilience.IsTransientFailure(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("x"))));
        Assert.True(EhrFetchResilience.IsTransientFailure(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));
        Assert.False(EhrFetchResilience.IsTransientFailure(Outcome.FromException<HttpResponseMessage>(new OperationCanceledException())));
        Assert.False(EhrFetchResilience.IsTransientFailure(Outcome.FromException<HttpResponseMessage>(new BrokenCircuitException())));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public void Only_GET_is_retried(string method)
    {
        using var response = Status(503);
        using var request = new HttpRequestMessage(new HttpMethod(method), "https://ehr.example.org/fhir/Patient");

        Assert.False(EhrFetchResilience.ShouldRetry(Outcome.FromResult(response), request, budget: null, Clock));
    }

    [Fact]
    public void Retry_After_in_seconds_or_as_a_date()
    {
        using var seconds = Status(429, "3");
        using var date = Status(503, Clock.GetUtcNow().AddSeconds(7).ToString("R"));
        using var past = Status(503, Clock.GetUtcNow().AddSeconds(-7).ToString("R"));
        using var none = Status(503);

        Assert.Equal(TimeSpan.FromSeconds(3), EhrFetchResilience.RetryAfter(seconds, Clock));
        Assert.Equal(TimeSpan.FromSeconds(7), EhrFetchResilience.RetryAfter(date, Clock));
        Assert.Equal(TimeSpan.Zero, EhrFetchResilience.RetryAfter(past, Clock));
        Assert.Null(EhrFetchResilience.RetryAfter(none, Clock));
    }

    [Theory]
    [InlineData("1", 1500, true)]
    [InlineData("2", 1500, false)]
    [InlineData("0", 10, true)]
    [InlineData(null, 10, true)]
    public void Retry_After_must_fit_in_what_is_left_of_the_budget(string? retryAfter, int budgetMs, bool retried)
    {
        using var response = Status(429, retryAfter);
        var budget = new FetchBudget(TimeSpan.FromMilliseconds(budgetMs), new FakeTimeProvider());

        Assert.Equal(retried, EhrFetchResilience.ShouldRetry(Outcome.FromResult(response), Get, budget, Clock));
    }

    [Fact]
    public void Retry_After_date_must_fit_in_the_budget()
    {
        using var soon = Status(503, Clock.GetUtcNow().AddSeconds(1).ToString("R"));
        using var late = Status(503, Clock.GetUtcNow().AddSeconds(3).ToString("R"));
        var budget = new FetchBudget(TimeSpan.FromSeconds(2), new FakeTimeProvider());

        Assert.True(EhrFetchResilience.ShouldRetry(Outcome.FromResult(soon), Get, budget, Clock));
        Assert.False(EhrFetchResilience.ShouldRetry(Outcome.FromResult(late), Get, budget, Clock));
    }

    [Fact]
    public void Spent_budget_means_no_retry()
    {
        using var response = Status(503);
        var time = new FakeTimeProvider();
        var budget = new FetchBudget(TimeSpan.FromMilliseconds(500), time);
        time.Advance(TimeSpan.FromMilliseconds(500));

        Assert.False(EhrFetchResilience.ShouldRetry(Outcome.FromResult(response), Get, budget, Clock));
        Assert.False(EhrFetchResilience.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("x")), Get, budget, Clock));
    }
}
