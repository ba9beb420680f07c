using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BoneMets.Cds.Api.Tests.Security;

/// <summary>
/// A real Redis server for the replay-cache tests: <c>BONEMETS_TEST_REDIS</c> (host:port) when set, else a private
/// <c>redis-server</c> (Debian's package; found on PATH or at /usr/bin/redis-server) started as a child process on a free
/// loopback port with no persistence, and stopped at dispose. Without one, the tests fail (never skip): the shared
/// replay cache is a requirement.
/// </summary>
public sealed class RedisServer : IDisposable
{
    public const string EnvironmentVariable = "BONEMETS_TEST_REDIS";
    public const string NotFound = "redis-server not found: apt-get install redis-server";

    private Process? _process;

    private RedisServer(string endpoint, Process? process)
    {
        Endpoint = endpoint;
        _process = process;
    }

    /// <summary>host:port, as a StackExchange.Redis connection string.</summary>
    public string Endpoint { get; }

    public int Port => int.Parse(Endpoint[(Endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True when this instance started (and owns) the server process.</summary>
    public bool IsPrivate => _process is not null;

    /// <summary>The shared server: <c>BONEMETS_TEST_REDIS</c> if set, else a private one.</summary>
    public static RedisServer StartOrUseConfigured()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(configured) ? StartPrivate() : new RedisServer(configured.Trim(), null);
    }

    /// <summary>Always a private server (a test that stops it), on <paramref name="port"/> or a free one.</summary>
    public static RedisServer StartPrivate(int? port = null)
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(NotFound);
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var chosen = port ?? JwksServer.FreePort();
            var info = new ProcessStartInfo(binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "--port", chosen.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes" })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var endpoint = "127.0.0.1:" + chosen.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (WaitForPong(endpoint, process, TimeSpan.FromSeconds(10)))
            {
                return new RedisServer(endpoint, process);
            }

            last = new InvalidOperationException($"redis-server on port {chosen} did not answer PING (exited: {process.HasExited})");
            Kill(process);
        }

        throw last!;
    }

    /// <summary>Whether the server answers PING now.</summary>
    public bool Answers() => Ping(Endpoint);

    /// <summary>Stops a private server (the port then refuses connections).</summary>
    public void Stop()
    {
        if (_process is null)
        {
            throw new InvalidOperationException("a configured (BONEMETS_TEST_REDIS) server is not stopped by the tests");
        }

        Kill(_process);
        _process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        if (_process is not null)
        {
            Stop();
        }
    }

    private static string? FindBinary()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : null;
    }

    private static bool WaitForPong(string endpoint, Process process, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout && !process.HasExited)
        {
            if (Ping(endpoint))
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return false;
    }

    private static bool Ping(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Parse(endpoint[..colon]), int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            client.ReceiveTimeout = 1000;
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[64];
            var read = stream.Read(buffer, 0, buffer.Length);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or FormatException)
        {
            return false;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
