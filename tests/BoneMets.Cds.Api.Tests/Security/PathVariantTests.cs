using System.Net.Sockets;
using System.Text;
using BoneMets.Cds.Api.Tests.Infrastructure;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// The JWT check guards every path that reaches a CDS endpoint: request targets spelled differently (double slashes,
/// percent-encoding, dot segments, case, absolute form) are sent byte for byte to the real Kestrel server over a socket,
/// without a token. None may be answered 200 (the hook would have run unauthenticated); each is a 401 or an error status.
/// </summary>
public sealed class PathVariantTests(PathVariantTests.KestrelHost fixture, ITestOutputHelper output) : IClassFixture<PathVariantTests.KestrelHost>
{
    /// <summary>One Kestrel host on a loopback port (Testing environment: no anonymous calls at all).</summary>
    public sealed class KestrelHost : IDisposable
    {
        public KestrelHost()
        {
            Host = new SecurityHost(realServer: true);
            Address = Host.ServerAddress!;
        }

        public SecurityHost Host { get; }

        public Uri Address { get; }

        public void Dispose() => Host.Dispose();
    }

    public static TheoryData<string> Targets =>
    [
        "/cds-services/bone-metastasis-patient-view",
        "//cds-services/bone-metastasis-patient-view",
        "///cds-services/bone-metastasis-patient-view",
        "/cds-services//bone-metastasis-patient-view",
        "/CDS-SERVICES/bone-metastasis-patient-view",
        "/Cds-Services/bone-metastasis-patient-view",
        "/%63ds-services/bone-metastasis-patient-view",
        "/cds%2Dservices/bone-metastasis-patient-view",
        "/cds-services%2Fbone-metastasis-patient-view",
        "/cds-services%2fbone-metastasis-patient-view",
        "/./cds-services/bone-metastasis-patient-view",
        "/x/../cds-services/bone-metastasis-patient-view",
        "/cds-services/./bone-metastasis-patient-view",
        "/cds-services/x/../bone-metastasis-patient-view",
        "/%2e/cds-services/bone-metastasis-patient-view",
        "/x/%2e%2e/cds-services/bone-metastasis-patient-view",
        "/cds-services/bone-metastasis-patient-view/",
        "/cds-services/bone-metastasis-patient-view?x=1",
        "/cds-services/bone-metastasis-patient-view;x",
        "/cds-services/bone-metastasis-patient-view%20",
        "/cds-services\\bone-metastasis-patient-view",
        "http://cds.test/cds-services/bone-metastasis-patient-view",
        "http://cds.test//cds-services/bone-metastasis-patient-view",
    ];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task HookTarget_WithoutToken_NeverRuns(string target)
    {
        var host = fixture.Host;
        var hookLines = host.HookLines.Count;
        var body = new Infrastructure.RequestBuilder().Build().ToJsonString();

        var (status, head) = await RawPostAsync(fixture.Address, target, body);

        output.WriteLine($"{fixture.Address} {target} → {status}\n{head}");
        Assert.NotEqual(200, status);
        Assert.True(status is 401 or 400 or 404 or 405, $"{target} answered {status}");
        Assert.Equal(hookLines, host.HookLines.Count);
    }

    [Fact]
    public async Task Control_ValidToken_OverTheSocket_200()
    {
        var token = fixture.Host.TestEhrToken();
        var (status, _) = await RawPostAsync(fixture.Address, Hooks.ServicePath, new Infrastructure.RequestBuilder().Build().ToJsonString(), "Bearer " + token);
        Assert.Equal(200, status);
    }

    private static async Task<(int Status, string Head)> RawPostAsync(Uri address, string target, string body, string? authorization = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        await using var stream = client.GetStream();
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new StringBuilder()
            .Append("POST ").Append(target).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(address.Authority).Append("\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append("Content-Length: ").Append(bytes.Length).Append("\r\n")
            .Append(authorization is null ? string.Empty : "Authorization: " + authorization + "\r\n")
            .Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        await stream.WriteAsync(bytes);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var head = response.Split("\r\n\r\n")[0];
        var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, head);
    }
}
