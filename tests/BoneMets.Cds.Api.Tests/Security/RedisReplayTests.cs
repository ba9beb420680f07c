using System.Diagnostics;
using System.Net;
using BoneMets.Cds.Api.Security;
using BoneMets.Cds.Api.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>The real Redis server shared by the replay tests (see <see cref="RedisServer"/>).</summary>
public sealed class RedisFixture : IDisposable
{
    public RedisServer Server { get; } = RedisServer.StartOrUseConfigured();

    public void Dispose() => Server.Dispose();
}

/// <summary>
/// Issue 4 item 4 and J11 across replicas: two hosts sharing one real Redis replay cache refuse a token the other has
/// accepted, in either order and under a race; a Redis that cannot be reached fails closed (503 OperationOutcome, never a
/// 200 nor a 500), and calls are accepted again once it is back.
/// </summary>
[Collection(SecuritySerialGroup.Name)]
public sealed class RedisReplayTests(RedisFixture redis, ITestOutputHelper output) : IClassFixture<RedisFixture>
{
    private static SecurityHost Replica(string endpoint) =>
        new(new SecuritySettings().Set("ConnectionStrings:Redis", endpoint).Build());

    [Fact]
    public void Replicas_UseTheRedisReplayCache()
    {
        using var replica = Replica(redis.Server.Endpoint);
        _ = replica.Client;
        Assert.IsType<RedisReplayCache>(replica.Services.GetService(typeof(IReplayCache)));
        Assert.Contains(replica.Logs.Lines, l => l.Contains("replay cache RedisReplayCache", StringComparison.Ordinal));
    }

    [Fact]
    public async Task J11_SameToken_Replica1Accepts_Replica2Refuses()
    {
        using var one = Replica(redis.Server.Endpoint);
        using var two = Replica(redis.Server.Endpoint);
        var token = one.TestEhrToken();

        using var first = await one.PostHookAsync(token);
        await SecurityAssert.OkAsync(first);
        Assert.Equal("Replay", await SecurityAssert.RefusedAsync(two, () => two.PostHookAsync(token)));
        Assert.Equal("Replay", await SecurityAssert.RefusedAsync(one, () => one.PostHookAsync(token)));
    }

    [Fact]
    public async Task J11_SameToken_Replica2Accepts_Replica1Refuses()
    {
        using var one = Replica(redis.Server.Endpoint);
        using var two = Replica(redis.Server.Endpoint);
        var token = two.TestEhrToken();

        using var first = await two.PostHookAsync(token);
        await SecurityAssert.OkAsync(first);
        Assert.Equal("Replay", await SecurityAssert.RefusedAsync(one, () => one.PostHookAsync(token)));
    }

    [Fact]
    public async Task DifferentTokens_EachReplicaAccepts()
    {
        using var one = Replica(redis.Server.Endpoint);
        using var two = Replica(redis.Server.Endpoint);

        using var a = await one.PostHookAsync(one.TestEhrToken());
        using var b = await two.PostHookAsync(two.TestEhrToken());

        await SecurityAssert.OkAsync(a);
        await SecurityAssert.OkAsync(b);
    }

    [Fact]
    public async Task SameTokenRacedToBothReplicas_ExactlyOneAccepted()
    {
        using var one = Replica(redis.Server.Endpoint);
        using var two = Replica(redis.Server.Endpoint);
        _ = one.Client;
        _ = two.Client;

        for (var round = 0; round < 10; round++)
        {
            var token = one.TestEhrToken();
            var calls = new[] { one, two, one, two }.Select(h => h.PostHookAsync(token)).ToArray();
            var responses = await Task.WhenAll(calls);
            var statuses = responses.Select(r => r.StatusCode).ToList();
            foreach (var r in responses)
            {
                r.Dispose();
            }

            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        }
    }

    [Fact]
    public async Task RecordedKey_HashedAndExpiresWithTheToken()
    {
        using var replica = Replica(redis.Server.Endpoint);
        var jti = "visible-jti-" + Guid.NewGuid().ToString("N");
        using (var response = await replica.PostHookAsync(replica.TestEhrToken(tweak: s => s.TokenId = jti)))
        {
            await SecurityAssert.OkAsync(response);
        }

        using var redisClient = await ConnectionMultiplexer.ConnectAsync(redis.Server.Endpoint);
        var server = redisClient.GetServer(redisClient.GetEndPoints()[0]);
        var keys = server.Keys(pattern: RedisReplayCache.Prefix + "*").Select(k => (string)k!).ToList();
        Assert.NotEmpty(keys);
        Assert.DoesNotContain(keys, k => k.Contains(jti, StringComparison.Ordinal) || k.Contains("ehr.test", StringComparison.Ordinal));

        // exp (iat + 300 s) + 60 s skew, from the host's clock at iat: at most 360 s, and well over the token's own 300 s.
        var ttls = await Task.WhenAll(keys.Select(k => redisClient.GetDatabase().KeyTimeToLiveAsync(k)));
        Assert.All(ttls, ttl =>
        {
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value.TotalSeconds, 1, 360);
        });
        Assert.Contains(ttls, ttl => ttl!.Value.TotalSeconds > 300);
    }

    [Fact]
    public async Task RedisUnreachableFromStart_503Outcome_FailClosed()
    {
        var closedPort = JwksServer.FreePort();
        var watch = Stopwatch.StartNew();
        using var replica = Replica("127.0.0.1:" + closedPort);
        _ = replica.Client;
        output.WriteLine($"host started after {watch.ElapsedMilliseconds} ms");

        watch.Restart();
        using var response = await replica.PostHookAsync(replica.TestEhrToken(), origin: null);
        watch.Stop();
        output.WriteLine($"answered {(int)response.StatusCode} after {watch.ElapsedMilliseconds} ms");
        watch.Restart();
        using (var second = await replica.PostHookAsync(replica.TestEhrToken(), origin: null))
        {
            output.WriteLine($"second call answered {(int)second.StatusCode} after {watch.ElapsedMilliseconds} ms");
        }

        var outcome = await SecurityAssert.OutcomeAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Contains(outcome.Issue, i => i.Code == Hl7.Fhir.Model.OperationOutcome.IssueType.Transient);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.ElapsedMilliseconds} ms");
        Assert.Empty(replica.HookLines);
        Assert.Contains(replica.Logs.Lines, l => l.Contains("shared replay cache cannot be reached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RedisUnreachable_BadTokenStill401_NotA503()
    {
        // Nothing is recorded for a token that fails earlier checks: Redis is not consulted and the answer stays 401.
        var closedPort = JwksServer.FreePort();
        using var replica = Replica("127.0.0.1:" + closedPort);
        var fault = await SecurityAssert.RefusedAsync(replica, () => replica.PostHookAsync(replica.TestEhrToken(tweak: s => s.Audience = "https://other.test/x")));
        Assert.Equal("Audience", fault);
    }

    [Fact]
    public async Task RedisStoppedMidRun_503_ThenAcceptsAgainOnceBack()
    {
        using var own = RedisServer.StartPrivate();
        using var replica = Replica(own.Endpoint);
        using (var before = await replica.PostHookAsync(replica.TestEhrToken()))
        {
            await SecurityAssert.OkAsync(before);
        }

        own.Stop();
        using (var down = await replica.PostHookAsync(replica.TestEhrToken()))
        {
            var body = await down.Content.ReadAsStringAsync();
            Assert.True(down.StatusCode == HttpStatusCode.ServiceUnavailable, $"expected 503 with Redis down, got {(int)down.StatusCode}: {body}");
            await SecurityAssert.OutcomeAsync(down, HttpStatusCode.ServiceUnavailable);
        }

        using var back = RedisServer.StartPrivate(own.Port);
        var watch = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var again = await replica.PostHookAsync(replica.TestEhrToken());
            status = again.StatusCode;
            if (status == HttpStatusCode.OK)
            {
                await SecurityAssert.OkAsync(again);
                break;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            await Task.Delay(250);
        }
        while (watch.Elapsed < TimeSpan.FromSeconds(30));

        output.WriteLine($"accepted again after {watch.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
