using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace BoneMets.Cds.Fhir.Fetch;

/// <summary>
/// A FHIR base URL in canonical form for exact comparison: scheme and host lower-case, the default port made explicit,
/// the path compared case-sensitively and without its trailing slash. Also the address rules that hold whatever the
/// configuration says (link-local and cloud-metadata hosts are never contacted).
/// </summary>
internal sealed class FhirBaseUrl
{
    private static readonly string[] MetadataHostNames = ["metadata.google.internal", "metadata.goog"];
    private static readonly IPAddress AlibabaMetadata = IPAddress.Parse("100.100.100.200");
    private static readonly IPAddress AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254");

    private FhirBaseUrl(Uri uri, string key, string authorityKey, string path)
    {
        Uri = uri;
        Key = key;
        AuthorityKey = authorityKey;
        Path = path;
    }

    /// <summary>The normalised base, e.g. <c>https://ehr.example.org/fhir</c> (no trailing slash, default port omitted).</summary>
    public Uri Uri { get; }

    /// <summary>Canonical comparison key: <c>scheme://host:port/path</c> with the port always present.</summary>
    public string Key { get; }

    /// <summary><c>scheme://host:port</c>.</summary>
    public string AuthorityKey { get; }

    /// <summary>The escaped path without trailing slash; empty for a root base.</summary>
    public string Path { get; }

    public bool IsHttps => Uri.Scheme == Uri.UriSchemeHttps;

    /// <summary>Parses and normalises; <paramref name="fault"/> says why a URL cannot be a FHIR base (no URL text in it).</summary>
    public static bool TryCreate(Uri? uri, out FhirBaseUrl? result, out string? fault)
    {
        result = null;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            fault = "not an absolute URL";
            return false;
        }

        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            fault = "only http(s) FHIR servers may be contacted";
            return false;
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            fault = "no host";
            return false;
        }

        if (IsForbiddenHost(uri))
        {
            fault = "link-local and cloud-metadata addresses are never contacted";
            return false;
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            fault = "a FHIR base URL has no user info, query or fragment";
            return false;
        }

        var host = HostOf(uri);
        var path = uri.AbsolutePath.TrimEnd('/');
        var authority = string.Create(CultureInfo.InvariantCulture, $"{uri.Scheme}://{host}:{uri.Port}");
        var display = uri.IsDefaultPort
            ? $"{uri.Scheme}://{uri.Host.ToLowerInvariant().TrimEnd('.')}{path}"
            : string.Create(CultureInfo.InvariantCulture, $"{uri.Scheme}://{uri.Host.ToLowerInvariant().TrimEnd('.')}:{uri.Port}{path}");
        result = new FhirBaseUrl(new Uri(display, UriKind.Absolute), authority + path, authority, path);
        fault = null;
        return true;
    }

    /// <summary>Parses a configured string.</summary>
    public static bool TryCreate(string? text, out FhirBaseUrl? result, out string? fault)
    {
        // "/fhir" would parse as an absolute file: URI on Unix; it is a relative reference here.
        if (string.IsNullOrWhiteSpace(text) || text.TrimStart().StartsWith('/') || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
        {
            result = null;
            fault = "not an absolute URL";
            return false;
        }

        return TryCreate(uri, out result, out fault);
    }

    /// <summary>
    /// True when <paramref name="url"/> (absolute) lies on this base: same scheme, host and port, and a path equal to the
    /// base path or below it (<c>base/…</c>), compared case-sensitively. Query and fragment may be anything.
    /// </summary>
    public bool Contains(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || url.UserInfo.Length > 0)
        {
            return false;
        }

        var authority = string.Create(CultureInfo.InvariantCulture, $"{url.Scheme}://{HostOf(url)}:{url.Port}");
        if (!string.Equals(authority, AuthorityKey, StringComparison.Ordinal))
        {
            return false;
        }

        var path = url.AbsolutePath;
        return Path.Length == 0
            || (path.StartsWith(Path, StringComparison.Ordinal) && (path.Length == Path.Length || path[Path.Length] == '/'));
    }

    /// <summary>Link-local (169.254.0.0/16, fe80::/10) or a known cloud-metadata host (by name or address).</summary>
    public static bool IsForbiddenHost(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var host = HostOf(uri);
        if (MetadataHostNames.Contains(host, StringComparer.Ordinal))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IsForbiddenAddress(address);
    }

    /// <summary>Link-local or cloud-metadata address (IPv4-mapped IPv6 addresses are judged as IPv4).</summary>
    public static bool IsForbiddenAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            return (bytes[0] == 169 && bytes[1] == 254) || address.Equals(AlibabaMetadata);
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.Equals(AwsMetadataV6);
        }

        return true;
    }

    private static string HostOf(Uri uri) => uri.Host.ToLowerInvariant().TrimEnd('.');

    public override string ToString() => Uri.ToString();
}
