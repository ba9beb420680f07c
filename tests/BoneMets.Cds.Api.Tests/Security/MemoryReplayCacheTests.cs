using BoneMets.Cds.Api.Security;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>The in-process replay cache (one replica): a jti is refused until it expires, and exactly once under contention.</summary>
public sealed class MemoryReplayCacheTests
{
    private const string Issuer = "https://ehr.test/issuer";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Replay_RefusedUntilKeepUntil_AcceptedAfter()
    {
        var cache = new MemoryReplayCache(_clock);
        var keepUntil = _clock.GetUtcNow().AddMinutes(6);

        Assert.True(await cache.TryRecordAsync(Issuer, "jti-1", keepUntil, CancellationToken.None));
        Assert.False(await cache.TryRecordAsync(Issuer, "jti-1", keepUntil, CancellationToken.None));

        _clock.Advance(TimeSpan.FromMinutes(6) - TimeSpan.FromMilliseconds(1));
        Assert.False(await cache.TryRecordAsync(Issuer, "jti-1", keepUntil, CancellationToken.None));

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await cache.TryRecordAsync(Issuer, "jti-1", _clock.GetUtcNow().AddMinutes(6), CancellationToken.None));
        Assert.False(await cache.TryRecordAsync(Issuer, "jti-1", _clock.GetUtcNow().AddMinutes(6), CancellationToken.None));
    }

    [Fact]
    public async Task SameJti_OtherIssuer_Accepted()
    {
        var cache = new MemoryReplayCache(_clock);
        var keepUntil = _clock.GetUtcNow().AddMinutes(6);

        Assert.True(await cache.TryRecordAsync(Issuer, "jti-1", keepUntil, CancellationToken.None));
        Assert.True(await cache.TryRecordAsync("https://other.test", "jti-1", keepUntil, CancellationToken.None));
    }

    [Fact]
    public async Task IssuerAndJtiBoundary_NotAmbiguous()
    {
        // ("a", "b\nc") and ("a\nb", "c") are different pairs.
        var cache = new MemoryReplayCache(_clock);
        var keepUntil = _clock.GetUtcNow().AddMinutes(6);
        Assert.True(await cache.TryRecordAsync("https://a.test", "x\ny", keepUntil, CancellationToken.None));
        Assert.True(await cache.TryRecordAsync("https://a.test\nx", "y", keepUntil, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_SameJtiFrom32Tasks_ExactlyOneAccepted()
    {
        for (var round = 0; round < 20; round++)
        {
            var cache = new MemoryReplayCache(_clock);
            var keepUntil = _clock.GetUtcNow().AddMinutes(6);
            using var start = new ManualResetEventSlim(false);
            var tasks = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await cache.TryRecordAsync(Issuer, "contended", keepUntil, CancellationToken.None);
            })).ToArray();
            start.Set();

            var results = await Task.WhenAll(tasks);

            Assert.Equal(1, results.Count(r => r));
        }
    }

    [Fact]
    public async Task Concurrent_ExpiredEntryReplacedByExactlyOne()
    {
        var cache = new MemoryReplayCache(_clock);
        Assert.True(await cache.TryRecordAsync(Issuer, "old", _clock.GetUtcNow().AddSeconds(1), CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(2));
        var keepUntil = _clock.GetUtcNow().AddMinutes(6);

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
            await cache.TryRecordAsync(Issuer, "old", keepUntil, CancellationToken.None))));

        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task ExpiredEntries_SweptAsTheCacheGrows()
    {
        var cache = new MemoryReplayCache(_clock);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(await cache.TryRecordAsync(Issuer, "old-" + i, _clock.GetUtcNow().AddMinutes(1), CancellationToken.None));
        }

        _clock.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 100; i++)
        {
            Assert.True(await cache.TryRecordAsync(Issuer, "new-" + i, _clock.GetUtcNow().AddMinutes(1), CancellationToken.None));
        }

        Assert.True(cache.Count < 1000, $"expired entries were not swept: {cache.Count} held");
    }

    [Fact]
    public async Task Sweeps_AtMostOncePerInterval_NotOnEveryAdd()
    {
        var cache = new MemoryReplayCache(_clock);
        Assert.True(await cache.TryRecordAsync(Issuer, "first", _clock.GetUtcNow().AddMinutes(5), CancellationToken.None)); // sweeps (empty)

        // Entries that expire at once: within the interval nothing is swept, however many adds there are.
        for (var i = 0; i < 500; i++)
        {
            Assert.True(await cache.TryRecordAsync(Issuer, "short-" + i, _clock.GetUtcNow().AddSeconds(1), CancellationToken.None));
        }

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await cache.TryRecordAsync(Issuer, "within", _clock.GetUtcNow().AddMinutes(5), CancellationToken.None));
        Assert.Equal(502, cache.Count);

        _clock.Advance(TimeSpan.FromSeconds(6)); // past the 10 s interval
        Assert.True(await cache.TryRecordAsync(Issuer, "after", _clock.GetUtcNow().AddMinutes(5), CancellationToken.None));
        Assert.Equal(3, cache.Count); // first, within, after
    }
}
