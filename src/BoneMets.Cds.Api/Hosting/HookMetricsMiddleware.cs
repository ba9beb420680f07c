using System.Diagnostics;
using BoneMets.Cds.Fhir;

namespace BoneMets.Cds.Api.Hosting;

/// <summary>
/// Records <c>cds.hook.duration</c> for every service call, whatever its status (200, 4xx, 412). The service tag is our
/// id when the path names it, else "unknown" (the path is client text: no unbounded tag values). Feedback posts are not
/// hook calls and are left out (they are counted by <c>cds.feedback.items</c>).
/// </summary>
public static class HookMetricsMiddleware
{
    private const string Prefix = "/cds-services/";

    public static IApplicationBuilder UseHookMetrics(this IApplicationBuilder app, string serviceId)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value;
            if (!HttpMethods.IsPost(context.Request.Method) || path is null || !path.StartsWith(Prefix, StringComparison.Ordinal)
                || path.TrimEnd('/').EndsWith("/feedback", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var id = path.AsSpan(Prefix.Length).TrimEnd('/');
                CdsMetrics.HookDuration.Record(
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    new KeyValuePair<string, object?>("service", id.SequenceEqual(serviceId) ? serviceId : "unknown"),
                    new KeyValuePair<string, object?>("status", context.Response.StatusCode));
            }
        });
    }
}
