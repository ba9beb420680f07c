using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace BoneMets.Cds.Api.Security;

/// <summary>
/// Remembers the <c>jti</c> of every accepted token until it expires (cds-hooks.md §5.3 step 8), so a replayed token is
/// refused. With several replicas serving one EHR the cache must be shared (<see cref="RedisReplayCache"/>).
/// </summary>
public interface IReplayCache
{
    /// <summary>
    /// Records (<paramref name="issuer"/>, <paramref name="tokenId"/>) until <paramref name="keepUntil"/>. True when it
    /// was not seen before (the token may be used); false for a replay.
    /// </summary>
    /// <exception cref="ReplayCacheUnavailableException">The shared cache cannot be reached: the call must not be accepted.</exception>
    ValueTask<bool> TryRecordAsync(string issuer, string tokenId, DateTimeOffset keepUntil, CancellationToken cancellationToken);
}

/// <summary>The shared replay cache cannot be reached (fail closed: the call is refused with 503).</summary>
public sealed class ReplayCacheUnavailableException : Exception
{
    public ReplayCacheUnavailableException()
    {
    }

    public ReplayCacheUnavailableException(string message)
        : base(message)
    {
    }

    public ReplayCacheUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Key derivation shared by the engines: a hash of issuer and <c>jti</c> (fixed length, no client text in keys).</summary>
internal static class ReplayKeys
{
    public static string For(string issuer, string tokenId)
    {
        // The issuer is length-prefixed so that no other (issuer, jti) pair hashes the same input
        // (without it, ("a", "b\nc") and ("a\nb", "c") would share a key).
        var bytes = Encoding.UTF8.GetBytes(
            issuer.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + issuer + "\n" + tokenId);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}

/// <summary>In-process replay cache (the embedded default: one replica). Expired entries are swept as it grows.</summary>
public sealed class MemoryReplayCache(TimeProvider time) : IReplayCache
{
    /// <summary>
    /// Expired entries are swept at most this often (by the cache's clock). Sweeping every N adds instead made each add
    /// cost O(live entries / N): with 15-minute tokens at 1,000 calls/s that is ~900 entry visits per call.
    /// </summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _nextSweepTicks;

    /// <summary>Entries held now (expired ones included until the next sweep).</summary>
    public int Count => _seen.Count;

    /// <inheritdoc />
    public ValueTask<bool> TryRecordAsync(string issuer, string tokenId, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = ReplayKeys.For(issuer, tokenId);
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks >= due
            && Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepInterval).UtcTicks, due) == due)
        {
            Sweep(now); // one caller per interval
        }

        while (true)
        {
            if (_seen.TryAdd(key, keepUntil))
            {
                return ValueTask.FromResult(true);
            }

            if (!_seen.TryGetValue(key, out var until))
            {
                continue; // removed by a sweep meanwhile: try again
            }

            if (until > now)
            {
                return ValueTask.FromResult(false);
            }

            // Expired entry (the token itself is expired too, so the caller refuses it on exp): replace it.
            if (_seen.TryUpdate(key, keepUntil, until))
            {
                return ValueTask.FromResult(true);
            }
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, until) in _seen)
        {
            if (until <= now)
            {
                _seen.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, until));
            }
        }
    }
}

/// <summary>
/// Redis replay cache shared by every replica: <c>SET key 1 NX PX ttl</c> is atomic, so of two replicas receiving the
/// same token only one accepts it. Selected by the connection string <c>ConnectionStrings:Redis</c>.
/// </summary>
public sealed class RedisReplayCache(IConnectionMultiplexer redis, TimeProvider time) : IReplayCache
{
    /// <summary>Key prefix in Redis.</summary>
    public const string Prefix = "bonemets:jti:";

    /// <inheritdoc />
    public async ValueTask<bool> TryRecordAsync(string issuer, string tokenId, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var ttl = keepUntil - time.GetUtcNow();
        if (ttl < TimeSpan.FromSeconds(1))
        {
            ttl = TimeSpan.FromSeconds(1);
        }

        try
        {
            return await redis.GetDatabase()
                .StringSetAsync(Prefix + ReplayKeys.For(issuer, tokenId), 1, ttl, When.NotExists)
                .WaitAsync(cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new ReplayCacheUnavailableException("The Redis replay cache could not be reached.", ex);
        }
    }
}
