using System.Net;
using BoneMets.Cds.Api.Tests.Infrastructure;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// A client's JWK Set endpoint (or an attacker's canary) as a WireMock.Net server on 127.0.0.1 and a free port. What it
/// answers can be changed between calls; every request it receives stays in its log.
/// </summary>
public sealed class JwksServer : IDisposable
{
    public const string DefaultPath = "/jwks.json";

    private JwksServer(WireMockServer server, string path)
    {
        Server = server;
        Path = path;
    }

    public WireMockServer Server { get; }

    public string Path { get; }

    /// <summary>Scheme, host and port, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Root => "http://127.0.0.1:" + Server.Ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The JWK Set URL (what <c>JwksUrl</c> and <c>jku</c> name).</summary>
    public string Url => Root + Path;

    /// <summary>Every request received (any path).</summary>
    public IReadOnlyList<IRequestMessage> Requests =>
        Server.LogEntries.Select(e => e?.RequestMessage).OfType<IRequestMessage>().ToList();

    public int RequestCount => Requests.Count;

    public static JwksServer Start(string path = DefaultPath)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });
                return new JwksServer(server, path);
            }
            catch (Exception) when (attempt < 3)
            {
                // The free port was taken between probing and binding: try another.
            }
        }
    }

    /// <summary>Answers 200 with a JWK Set holding the public halves of <paramref name="keys"/>.</summary>
    public JwksServer Serve(params TestKey[] keys) => ServeBody(TestKey.Jwks(keys));

    /// <summary>Answers 200 application/json with <paramref name="body"/>.</summary>
    public JwksServer ServeBody(string body) =>
        Respond(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));

    public JwksServer Respond(IResponseBuilder response)
    {
        Server.ResetMappings();
        Server.Given(Request.Create().WithPath(Path).UsingGet()).RespondWith(response);
        return this;
    }

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
