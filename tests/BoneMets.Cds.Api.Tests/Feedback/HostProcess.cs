using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BoneMets.Cds.Api.Tests.Feedback;

/// <summary>
/// The real service as a separate process (<c>dotnet BoneMets.Cds.Api.dll</c> from the test output folder, which holds
/// the API, its dependencies and <c>cds-services/</c>), on a free loopback port, environment Development, so that a test
/// can kill it outright (SIGKILL) and start it again on the same data.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static HostProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var directory = AppContext.BaseDirectory;
        var dll = Path.Combine(directory, "BoneMets.Cds.Api.dll");
        Assert.True(File.Exists(dll), "the API is not in the test output: " + dll);
        Assert.True(File.Exists(Path.Combine(directory, "cds-services", "bone-metastasis-patient-view.json")), "cds-services/ is not in the test output");
        var port = FreePort();
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Polls GET /health/ready until 200 (the schema is created before the server listens).</summary>
    public async Task WaitReadyAsync(int timeoutMs = 60_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            Assert.False(_process.HasExited, "the host exited before it was ready:\n" + Output);
            try
            {
                using var response = await Client.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.True(Environment.TickCount64 < deadline, "the host was not ready in time:\n" + Output);
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL, the whole process tree, no shutdown hooks.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        Client.Dispose();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
