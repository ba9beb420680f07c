using System.Net;
using System.Net.Sockets;

namespace BoneMets.Cds.Fhir.Fetch;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of the EHR client: resolves the host itself and refuses to
/// connect to link-local or cloud-metadata addresses, so that an allow-listed name that resolves (or is re-pointed) to
/// 169.254.169.254 or fe80::/10 is still never contacted. Every other address (loopback included: a developer's local
/// FHIR server) is allowed; which hosts may be contacted at all is the allow-list's business.
/// </summary>
internal static class GuardedConnect
{
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endPoint = context.DnsEndPoint;
        var host = endPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);

        Exception? last = null;
        foreach (var address in addresses)
        {
            if (FhirBaseUrl.IsForbiddenAddress(address))
            {
                continue;
            }

            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.AccessDenied);
    }
}
