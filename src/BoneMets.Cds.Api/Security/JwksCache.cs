using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace BoneMets.Cds.Api.Security;

/// <summary>Finds a client's signature key by <c>kid</c>.</summary>
public interface IJwksSource
{
    /// <summary>The key, or null when the client has none with that <c>kid</c> (after at most one rate-limited refresh).</summary>
    ValueTask<JsonWebKey?> FindKeyAsync(TrustedClient client, string kid, CancellationToken cancellationToken);
}

/// <summary>
/// JWK Sets of trusted clients (cds-hooks.md §5.3 step 3). Out-of-band keys (a JWKS file) are used as they are. Keys
/// behind an allow-listed <c>JwksUrl</c> are fetched on first use through <see cref="IHttpClientFactory"/> (client
/// <see cref="HttpClientName"/>: Polly timeout and one retry, no redirects, size cap, link-local and metadata hosts
/// refused) and cached for <see cref="CdsAuthOptions.JwksCacheTtl"/>. An unknown <c>kid</c> triggers one refresh, and no
/// client's set is fetched more often than <see cref="CdsAuthOptions.JwksRefreshMinInterval"/>: a stream of tokens with
/// made-up <c>kid</c>s cannot turn us into a request generator. When a refresh fails, the last good keys stay in use.
/// </summary>
public sealed partial class JwksCache(
    IHttpClientFactory httpClients,
    IOptions<CdsAuthOptions> options,
    TimeProvider time,
    ILogger<JwksCache> logger) : IJwksSource
{
    public const string HttpClientName = "jwks";

    private readonly ConcurrentDictionary<string, State> _states = new(StringComparer.Ordinal);
    private readonly CdsAuthOptions _options = options.Value;

    /// <inheritdoc />
    public async ValueTask<JsonWebKey?> FindKeyAsync(TrustedClient client, string kid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(kid);
        if (client.StaticKeys is { } pinned)
        {
            return pinned.GetValueOrDefault(kid);
        }

        if (client.JwksUrl is null)
        {
            return null;
        }

        var state = _states.GetOrAdd(client.Issuer, _ => new State());
        var keys = state.Keys;
        if (keys is not null && keys.TryGetValue(kid, out var known) && !IsStale(state))
        {
            return known;
        }

        if (!MayFetch(state))
        {
            return keys?.GetValueOrDefault(kid);
        }

        await state.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have refreshed while this one waited.
            keys = state.Keys;
            if (keys is not null && keys.TryGetValue(kid, out known) && !IsStale(state))
            {
                return known;
            }

            if (MayFetch(state))
            {
                await RefreshAsync(client, state, cancellationToken).ConfigureAwait(false);
            }

            return state.Keys?.GetValueOrDefault(kid);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private bool IsStale(State state) => time.GetUtcNow() - state.FetchedAt >= _options.JwksCacheTtl;

    private bool MayFetch(State state) =>
        state.LastAttempt is not { } last || time.GetUtcNow() - last >= _options.JwksRefreshMinInterval;

    private async Task RefreshAsync(TrustedClient client, State state, CancellationToken cancellationToken)
    {
        state.LastAttempt = time.GetUtcNow();
        string? fault;
        try
        {
            using var http = httpClients.CreateClient(HttpClientName);
            using var response = await http.GetAsync(client.JwksUrl, HttpCompletionOption.ResponseContentRead, cancellationToken)
                .ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var keys = JwksParser.TryParse(json, out fault);
                if (keys is not null && client.RefusesSandboxKey && keys.Values.Any(TrustedClientRegistry.IsSandboxKey))
                {
                    keys = keys.Where(k => !TrustedClientRegistry.IsSandboxKey(k.Value)).ToFrozenDictionary(StringComparer.Ordinal);
                    LogSandboxKeyDropped(logger, client.Issuer);
                }

                if (keys is not null)
                {
                    state.Keys = keys;
                    state.FetchedAt = time.GetUtcNow();
                    LogFetched(logger, client.Issuer, keys.Count);
                    return;
                }
            }
            else
            {
                fault = "HTTP " + (int)response.StatusCode;
            }
        }
        catch (HttpRequestException ex)
        {
            fault = ex.HttpRequestError == HttpRequestError.Unknown ? "request failed" : ex.HttpRequestError.ToString();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            fault = "timed out";
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            fault = "timed out";
        }

        LogFetchFailed(logger, client.Issuer, fault ?? "unknown", state.Keys is not null);
    }

    private sealed class State
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public volatile FrozenDictionary<string, JsonWebKey>? Keys;

        public DateTimeOffset FetchedAt { get; set; }

        public DateTimeOffset? LastAttempt { get; set; }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "JWKS of {Issuer}: {KeyCount} signature keys fetched")]
    private static partial void LogFetched(ILogger logger, string issuer, int keyCount);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "JWKS of {Issuer} holds the CDS Hooks sandbox's public key (its private key is public); that key is ignored outside Development")]
    private static partial void LogSandboxKeyDropped(ILogger logger, string issuer);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "JWKS of {Issuer} could not be fetched ({Fault}); last good keys kept: {HasLastGood}")]
    private static partial void LogFetchFailed(ILogger logger, string issuer, string fault, bool hasLastGood);
}
