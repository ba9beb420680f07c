using System.Net;
using BoneMets.Cds.Api.Errors;
using BoneMets.Cds.Fhir.Outcomes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace BoneMets.Cds.Api.Security;

/// <summary>
/// Guards <c>/cds-services/**</c> (cds-hooks.md §5.2–5.3, pinned decisions 5–6): hook and feedback calls need a valid
/// CDS Hooks JWT whose <c>aud</c> is the public URL of the endpoint called; discovery is public unless
/// <see cref="CdsAuthOptions.RequireOnDiscovery"/>, but a JWT sent to it is verified. Any failure → 401 with an empty
/// body and <c>WWW-Authenticate: Bearer</c>; the log names the fault code, issuer and <c>jti</c> only (never the token).
/// In Development only, a call without any <c>Authorization</c> header from a loopback address is let through with a
/// warning, so <c>dotnet run</c> + <c>curl</c> work. Preflight (<c>OPTIONS</c>) is answered by CORS before this runs.
/// On success the <see cref="CdsCaller"/> and its <see cref="TrustedClient"/> are set as request features.
/// </summary>
public sealed partial class CdsAuthenticationMiddleware
{
    private static readonly PathString Root = new("/cds-services");

    private readonly RequestDelegate _next;
    private readonly CdsTokenValidator _validator;
    private readonly CdsAuthOptions _options;
    private readonly Uri _publicBase;
    private readonly bool _anonymousLoopback;
    private readonly ILogger _logger;
    private readonly FailedAuthLimiter _failures;

    public CdsAuthenticationMiddleware(
        RequestDelegate next,
        CdsTokenValidator validator,
        IOptions<CdsAuthOptions> options,
        PublicBaseUrl publicBase,
        IHostEnvironment environment,
        FailedAuthLimiter failures,
        ILogger<CdsAuthenticationMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(publicBase);
        ArgumentNullException.ThrowIfNull(environment);
        _next = next;
        _validator = validator;
        _options = options.Value;
        _publicBase = publicBase.Uri;
        _anonymousLoopback = environment.IsDevelopment() && _options.AllowAnonymousLoopbackInDevelopment;
        _logger = logger;
        _failures = failures;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!request.Path.StartsWithSegments(Root, out var rest) || HttpMethods.IsOptions(request.Method))
        {
            await _next(context);
            return;
        }

        var isDiscovery = !rest.HasValue || rest.Value == "/";
        var header = request.Headers.Authorization;
        if (StringValues.IsNullOrEmpty(header))
        {
            if (isDiscovery && !_options.RequireOnDiscovery)
            {
                await _next(context);
                return;
            }

            if (_anonymousLoopback && IsLoopback(context.Connection.RemoteIpAddress))
            {
                LogAnonymous(_logger, request.Method, EndpointKind(isDiscovery, rest));
                context.Features.Set(CdsCaller.Anonymous);
                await _next(context);
                return;
            }

            LogRefused(_logger, TokenFault.NotBearer.ToString(), "-", "-");
            Unauthorized(context);
            return;
        }

        if (header.Count != 1)
        {
            LogRefused(_logger, TokenFault.Malformed.ToString(), "-", "-");
            Unauthorized(context);
            return;
        }

        var address = context.Connection.RemoteIpAddress;
        if (!_failures.MayTry(address))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(_failures.Window.TotalSeconds));
            LogTooManyRefused(_logger, seconds);
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await OutcomeResult.WriteAsync(context.Response, StatusCodes.Status429TooManyRequests,
                [new OutcomeIssue(OutcomeKind.Throttled, $"Too many refused tokens from this address; retry after {seconds} s.")]);
            return;
        }

        TokenCheck check;
        try
        {
            check = await _validator.ValidateAsync(header[0]!, AudienceUrl.Of(_publicBase, request.Path), context.RequestAborted);
        }
        catch (ReplayCacheUnavailableException)
        {
            LogReplayCacheDown(_logger);
            await OutcomeResult.WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable,
                [new OutcomeIssue(OutcomeKind.Transient, "The service cannot verify callers right now; try again shortly.")]);
            return;
        }

        if (!check.IsValid)
        {
            _failures.Refused(address);
            LogRefused(_logger, check.Fault.ToString(), Loggable(check.Issuer, 200), Loggable(check.TokenId, 128));
            Unauthorized(context);
            return;
        }

        context.Features.Set(check.Caller);
        context.Features.Set(check.Client);
        await _next(context);
    }

    private static void Unauthorized(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.WWWAuthenticate = "Bearer";
        response.ContentLength = 0;
    }

    internal static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static string EndpointKind(bool isDiscovery, PathString rest) =>
        isDiscovery ? "discovery" : rest.Value!.EndsWith("/feedback", StringComparison.Ordinal) ? "feedback" : "hook";

    /// <summary>Client text goes to the log only when it is plain printable ASCII of sane length (no log injection).</summary>
    internal static string Loggable(string? value, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "-";
        }

        if (value.Length > max)
        {
            return "(too long)";
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return "(not loggable)";
            }
        }

        return value;
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Unauthenticated {Method} {Endpoint} call accepted from loopback (Development only)")]
    private static partial void LogAnonymous(ILogger logger, string method, string endpoint);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "401: token refused ({Fault}); iss {Issuer}, jti {TokenId}")]
    private static partial void LogRefused(ILogger logger, string fault, string issuer, string tokenId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "429: too many refused tokens from one address; retry after {RetryAfterSeconds} s")]
    private static partial void LogTooManyRefused(ILogger logger, int retryAfterSeconds);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "503: the shared replay cache cannot be reached; calls are refused until it is back")]
    private static partial void LogReplayCacheDown(ILogger logger);
}

/// <summary>The service's public base URL (<c>Cds:PublicBaseUrl</c>): JWT audiences are built from it, never from Host.</summary>
/// <param name="Uri">E.g. <c>https://cds.example.org</c> (a path prefix is allowed: <c>https://example.org/bonemets</c>).</param>
public sealed record PublicBaseUrl(Uri Uri);
