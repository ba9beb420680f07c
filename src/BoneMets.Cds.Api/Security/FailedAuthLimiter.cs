using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace BoneMets.Cds.Api.Security;

/// <summary>
/// Counts refused tokens per client address (<see cref="CdsRateLimitOptions.FailedAuthPermitLimit"/> per
/// <see cref="CdsRateLimitOptions.Window"/>). The per-client limiter runs after the JWT check and partitions by verified
/// issuer, so it never sees refused calls; this one keeps junk tokens from buying signature checks without limit.
/// </summary>
public sealed class FailedAuthLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public FailedAuthLimiter(IOptions<CdsRateLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        Window = o.Window;
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ =>
            new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, o.FailedAuthPermitLimit),
                Window = o.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>The window (the Retry-After of a refusal).</summary>
    public TimeSpan Window { get; }

    /// <summary>False when this address used up its refused-token allowance in the current window.</summary>
    public bool MayTry(IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(Key(address), 0);
        return lease.IsAcquired;
    }

    /// <summary>Counts one refused token for this address.</summary>
    public void Refused(IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(Key(address), 1);
    }

    public void Dispose() => _limiter.Dispose();

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";
}
