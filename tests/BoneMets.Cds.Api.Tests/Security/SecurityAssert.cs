using System.Net;
using System.Text.Json;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>The checks the security tests share.</summary>
public static class SecurityAssert
{
    /// <summary>
    /// Sends <paramref name="call"/> and asserts a 401 with an empty body and a bare <c>WWW-Authenticate: Bearer</c> (no
    /// error detail), and that the call went no further: the hook logic logged nothing and the host sent no HTTP request
    /// other than JWK Set fetches (paths ending in <c>.json</c>). Returns the fault code the host logged.
    /// </summary>
    public static async Task<string> RefusedAsync(SecurityHost host, Func<Task<HttpResponseMessage>> call)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(call);
        _ = host.Client; // start the host before counting
        var hookLines = host.HookLines.Count;
        var outbound = NonJwksOutbound(host);
        var refusals = RefusalLines(host);
        using var response = await call();
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"expected 401, got {(int)response.StatusCode}: {body}");
        Assert.Equal(string.Empty, body);
        Assert.Equal("Bearer", string.Join(",", response.Headers.WwwAuthenticate.Select(h => h.ToString())));
        Assert.Equal(hookLines, host.HookLines.Count);
        Assert.Equal(outbound, NonJwksOutbound(host));
        Assert.True(RefusalLines(host) > refusals, "the refusal was not logged:\n" + host.AllLogs);
        return LastFault(host);
    }

    private static int NonJwksOutbound(SecurityHost host) =>
        host.Outbound.Count(r => !r.Uri.AbsolutePath.EndsWith(".json", StringComparison.Ordinal));

    private static int RefusalLines(SecurityHost host) =>
        host.Logs.Lines.Count(l => l.Contains("401: token refused (", StringComparison.Ordinal));

    /// <summary>A CDS Hooks 200 that passes the response checks R1–R11.</summary>
    public static async Task OkAsync(HttpResponseMessage response, string patientId = "p1")
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        using var doc = JsonDocument.Parse(body);
        ResponseAssertions.AssertValidCdsResponse(doc.RootElement, patientId);
    }

    /// <summary>A non-2xx with a FHIR OperationOutcome body.</summary>
    public static async Task<OperationOutcome> OutcomeAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await ResponseAssertions.AssertOperationOutcomeAsync(response);
    }

    /// <summary>The fault code the host logged for the last refused token (e.g. "Signature").</summary>
    public static string LastFault(SecurityHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string marker = "401: token refused (";
        var line = host.Logs.Lines.LastOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
        Assert.True(line is not null, "no '401: token refused' log line:\n" + host.AllLogs);
        var start = line.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return line[start..line.IndexOf(')', start)];
    }
}
